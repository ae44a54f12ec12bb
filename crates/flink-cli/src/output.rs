//! Printing answers: aligned columns (`table`, `wide`, with or without their header line), the
//! first column alone (`name`), or the server's JSON as it was sent (`json`, `yaml`).

use std::io::{IsTerminal, Write};

use comfy_table::presets::NOTHING;
use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::cli::Format;
use crate::exit::Failure;

/// Rows to print as columns; columns marked wide appear only with `--output wide`.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    columns: Vec<(&'static str, bool)>,
    rows: Vec<Vec<String>>,
}

impl Rows {
    /// Rows with these columns, all shown in every table.
    pub(crate) fn new(columns: &[&'static str]) -> Self {
        Self {
            columns: columns.iter().map(|name| (*name, false)).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds columns shown only with `--output wide`.
    #[must_use]
    pub(crate) fn wide(mut self, columns: &[&'static str]) -> Self {
        self.columns
            .extend(columns.iter().map(|name| (*name, true)));
        self
    }

    /// Adds a row: one value per column, in order (extra values are dropped, missing ones
    /// left empty).
    pub(crate) fn push<I: IntoIterator<Item = String>>(&mut self, row: I) {
        self.rows.push(row.into_iter().collect());
    }

    /// The table as text, one line per row after the header, without trailing spaces.
    pub(crate) fn render(&self, wide: bool, bold_header: bool) -> String {
        let header = if bold_header {
            Header::Bold
        } else {
            Header::Plain
        };
        self.table(wide, header)
    }

    /// The first column's values (each row's id or name), one per line: what `-o name` prints.
    pub(crate) fn names(&self) -> String {
        let mut text = String::new();
        for row in &self.rows {
            text.push_str(row.first().map_or("", String::as_str));
            text.push('\n');
        }
        text
    }

    /// The table as text, with `header` as it says; columns as wide as their widest value.
    fn table(&self, wide: bool, header: Header) -> String {
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|&index| wide || !self.columns[index].1)
            .collect();
        let mut table = Table::new();
        table
            .load_style(NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled);
        if header != Header::Hidden {
            table.set_header(shown.iter().map(|&index| self.columns[index].0));
        }
        for row in &self.rows {
            table.add_row(
                shown
                    .iter()
                    .map(|&index| row.get(index).cloned().unwrap_or_default()),
            );
        }
        for column in table.column_iter_mut() {
            column.set_padding((0, 3));
            column.set_cell_alignment(CellAlignment::Left);
        }
        let mut text = String::new();
        for (index, line) in table.lines().enumerate() {
            let line = line.trim_end();
            if index == 0 && header == Header::Bold {
                text.push_str("\x1b[1m");
                text.push_str(line);
                text.push_str("\x1b[0m");
            } else {
                text.push_str(line);
            }
            text.push('\n');
        }
        text
    }
}

/// How a table's header line is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Header {
    /// As the rows are.
    Plain,
    /// In bold (on a terminal with colours).
    Bold,
    /// Not at all (`--no-headers`).
    Hidden,
}

/// How to print: the format and whether colours may be used.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Printer {
    /// `--output`.
    pub(crate) format: Format,
    /// Colours on standard output (a terminal, no `--no-color`, no `NO_COLOR`).
    pub(crate) color: bool,
    /// Tables with their header line (no `--no-headers`).
    pub(crate) headers: bool,
}

impl Printer {
    /// A printer for `format`, with colours when `color_allowed` and standard output is a
    /// terminal, and tables with `headers` or without.
    pub(crate) fn new(format: Format, color_allowed: bool, headers: bool) -> Self {
        Self {
            format,
            color: color_allowed && std::io::stdout().is_terminal(),
            headers,
        }
    }

    /// Whether the answer is to be printed as the server's document.
    pub(crate) fn is_document(self) -> bool {
        matches!(self.format, Format::Json | Format::Yaml)
    }

    /// Writes `json` as JSON or YAML, or `rows()` as a table or as names.
    pub(crate) fn print(
        self,
        out: &mut dyn Write,
        json: &serde_json::Value,
        rows: impl FnOnce() -> Result<Rows, Failure>,
    ) -> Result<(), Failure> {
        let text = match self.format {
            Format::Json | Format::Yaml => document(self.format, json)?,
            Format::Table | Format::Wide => {
                rows()?.table(self.format == Format::Wide, self.header())
            }
            Format::Name => rows()?.names(),
        };
        write(out, text.as_bytes())
    }

    /// Writes one result: `line` for people, `name` (the id of what it is) with `-o name`,
    /// or `json` with `--output json|yaml`.
    pub(crate) fn print_one(
        self,
        out: &mut dyn Write,
        line: &str,
        name: &str,
        json: &serde_json::Value,
    ) -> Result<(), Failure> {
        let text = match self.format {
            Format::Json | Format::Yaml => document(self.format, json)?,
            Format::Table | Format::Wide => format!("{line}\n"),
            Format::Name => format!("{name}\n"),
        };
        write(out, text.as_bytes())
    }

    /// How tables print their header line.
    fn header(self) -> Header {
        if !self.headers {
            Header::Hidden
        } else if self.color {
            Header::Bold
        } else {
            Header::Plain
        }
    }
}

/// A JSON value as a document: pretty JSON, or YAML.
pub(crate) fn document(format: Format, json: &serde_json::Value) -> Result<String, Failure> {
    if format == Format::Yaml {
        serde_norway::to_string(json)
            .map_err(|error| Failure::Config(format!("could not write YAML: {error}")))
    } else {
        let mut text = serde_json::to_string_pretty(json)
            .map_err(|error| Failure::Config(format!("could not write JSON: {error}")))?;
        text.push('\n');
        Ok(text)
    }
}

/// Writes bytes to standard output (or a test buffer).
pub(crate) fn write(out: &mut dyn Write, bytes: &[u8]) -> Result<(), Failure> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(Failure::io("writing the output"))
}

/// Whether colours are allowed at all: no `--no-color`, and `NO_COLOR` unset or empty.
pub(crate) fn color_allowed(no_color_flag: bool) -> bool {
    !no_color_flag && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
}

/// A millisecond timestamp as UTC RFC 3339 (`2024-05-01T12:00:00Z`), or `-` when unset.
pub(crate) fn timestamp(millis: i64) -> String {
    let Ok(millis) = u64::try_from(millis) else {
        return "-".to_owned();
    };
    if millis == 0 {
        return "-".to_owned();
    }
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_millis(millis);
    humantime::format_rfc3339_seconds(time).to_string()
}

/// A byte count in binary units (`1.5 MiB`).
pub(crate) fn bytes(count: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    #[allow(clippy::cast_precision_loss)] // display only
    let mut value = count as f64;
    let mut unit = 0;
    while value.abs() >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{count} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Rows {
        let mut rows = Rows::new(&["NAME", "SIZE"]).wide(&["MODIFIED"]);
        rows.push(["flink.log".to_owned(), "12 B".to_owned(), "now".to_owned()]);
        rows.push(["gc.log.0".to_owned(), "1.0 KiB".to_owned()]);
        rows
    }

    #[test]
    fn tables_are_aligned_columns_without_borders() {
        assert_eq!(
            rows().render(false, false),
            "NAME        SIZE\nflink.log   12 B\ngc.log.0    1.0 KiB\n"
        );
    }

    #[test]
    fn wide_tables_add_their_columns() {
        let text = rows().render(true, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "NAME        SIZE      MODIFIED");
        assert_eq!(lines[1], "flink.log   12 B      now");
        assert_eq!(lines[2], "gc.log.0    1.0 KiB");
    }

    #[test]
    fn only_the_header_is_bold_and_only_when_asked() {
        let text = rows().render(false, true);
        assert!(text.starts_with("\x1b[1mNAME"), "{text:?}");
        assert_eq!(text.matches("\x1b[").count(), 2);
    }

    #[test]
    fn documents_keep_the_servers_json() {
        let json = serde_json::json!({"flink-version": "2.3.0", "new-field": [1, {"a": null}]});
        let text = document(Format::Json, &json).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            json
        );
        let yaml = document(Format::Yaml, &json).unwrap();
        assert!(yaml.contains("flink-version: 2.3.0"), "{yaml}");
        assert_eq!(
            serde_norway::from_str::<serde_json::Value>(&yaml).unwrap(),
            json
        );
    }

    #[test]
    fn documents_keep_the_servers_key_order() {
        let json: serde_json::Value =
            serde_json::from_str(r#"{"z-last": 1, "a-first": {"y": 2, "b": 3}}"#).unwrap();
        let text = document(Format::Json, &json).unwrap();
        let positions: Vec<usize> = ["z-last", "a-first", "\"y\"", "\"b\""]
            .iter()
            .map(|key| text.find(key).unwrap())
            .collect();
        assert!(positions.is_sorted(), "{text}");
        let yaml = document(Format::Yaml, &json).unwrap();
        assert!(yaml.find("z-last") < yaml.find("a-first"), "{yaml}");
    }

    #[test]
    fn the_printer_writes_to_any_buffer() {
        let printer = Printer {
            format: Format::Table,
            color: false,
            headers: true,
        };
        let mut out = Vec::new();
        printer
            .print(&mut out, &serde_json::Value::Null, || Ok(rows()))
            .unwrap();
        assert!(String::from_utf8(out).unwrap().starts_with("NAME"));
    }

    /// What `printer` prints of the test rows.
    fn printed(format: Format, color: bool, headers: bool) -> String {
        let printer = Printer {
            format,
            color,
            headers,
        };
        let mut out = Vec::new();
        printer
            .print(&mut out, &serde_json::Value::Null, || Ok(rows()))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn names_are_the_first_column_one_per_line() {
        assert_eq!(printed(Format::Name, true, true), "flink.log\ngc.log.0\n");
        assert_eq!(Rows::new(&["ID"]).names(), "");
    }

    #[test]
    fn tables_without_headers_fit_their_values() {
        assert_eq!(
            printed(Format::Table, true, false),
            "flink.log   12 B\ngc.log.0    1.0 KiB\n"
        );
        let wide = printed(Format::Wide, false, false);
        assert_eq!(wide.lines().next(), Some("flink.log   12 B      now"));
        assert!(printed(Format::Table, true, true).starts_with("\x1b[1mNAME"));
    }

    #[test]
    fn one_result_is_a_line_its_name_or_the_document() {
        let print = |format| {
            let printer = Printer {
                format,
                color: false,
                headers: false,
            };
            let mut out = Vec::new();
            let json = serde_json::json!({"jobid": "ab"});
            printer
                .print_one(&mut out, "cancelled job ab", "ab", &json)
                .unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(print(Format::Table), "cancelled job ab\n");
        assert_eq!(print(Format::Wide), "cancelled job ab\n");
        assert_eq!(print(Format::Name), "ab\n");
        assert_eq!(print(Format::Json), "{\n  \"jobid\": \"ab\"\n}\n");
    }

    #[test]
    fn units_for_people() {
        assert_eq!(bytes(12), "12 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(timestamp(0), "-");
        assert_eq!(timestamp(1_714_564_800_000), "2024-05-01T12:00:00Z");
    }
}
