//! The frames of `flinkctl top`: a job's vertices with their rates, backpressure and busy time.

use std::fmt::Write as _;
use std::time::Duration;

use crate::output::Rows;

/// What one frame shows of a job.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Frame {
    /// The job's name.
    pub(crate) job_name: String,
    /// The job's id.
    pub(crate) job_id: String,
    /// The job's state (`RUNNING`).
    pub(crate) state: String,
    /// How long the job has run, in milliseconds.
    pub(crate) duration_ms: i64,
    /// The vertices, in Flink's order.
    pub(crate) vertices: Vec<VertexLine>,
}

/// One vertex of a frame; `None` where the value is not known yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct VertexLine {
    /// The vertex's name.
    pub(crate) name: String,
    /// Its execution state (`RUNNING`).
    pub(crate) status: String,
    /// How many subtasks it has.
    pub(crate) parallelism: i32,
    /// Records received per second, over all subtasks.
    pub(crate) records_in: Option<f64>,
    /// Records sent per second, over all subtasks.
    pub(crate) records_out: Option<f64>,
    /// The most back-pressured subtask's time, in ms per second.
    pub(crate) backpressure_ms: Option<f64>,
    /// The busiest subtask's time, in ms per second.
    pub(crate) busy_ms: Option<f64>,
}

/// The longest vertex name shown; longer ones end with `…`.
const NAME_WIDTH: usize = 48;

/// Flink's backpressure level for a back-pressured time in ms per second (as its web UI:
/// above 10 % low, above 50 % high).
pub(crate) fn level(backpressure_ms: f64) -> &'static str {
    if backpressure_ms > 500.0 {
        "HIGH"
    } else if backpressure_ms > 100.0 {
        "LOW"
    } else {
        "OK"
    }
}

/// A rate for people: `20.0`, `1.5k`, `3.2M`.
pub(crate) fn rate(value: Option<f64>) -> String {
    match value {
        None => "-".to_owned(),
        Some(v) if v.abs() >= 1e9 => format!("{:.1}G", v / 1e9),
        Some(v) if v.abs() >= 1e6 => format!("{:.1}M", v / 1e6),
        Some(v) if v.abs() >= 1e4 => format!("{:.1}k", v / 1e3),
        Some(v) => format!("{v:.1}"),
    }
}

fn millis(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.0} ms/s"))
}

fn truncate(name: &str) -> String {
    if name.chars().count() <= NAME_WIDTH {
        name.to_owned()
    } else {
        let mut short: String = name.chars().take(NAME_WIDTH - 1).collect();
        short.push('…');
        short
    }
}

/// The frame as text, one line per row; with `footer`, how to quit and how often it refreshes.
pub(crate) fn render(frame: &Frame, footer: Option<Duration>) -> String {
    let uptime = Duration::from_millis(u64::try_from(frame.duration_ms).unwrap_or(0) / 1000 * 1000);
    let mut text = format!(
        "{} ({})  {}  up {}\n\n",
        frame.job_name,
        frame.job_id,
        frame.state,
        humantime::format_duration(uptime)
    );
    let mut rows = Rows::new(&[
        "VERTEX",
        "STATUS",
        "PARALLELISM",
        "IN/S",
        "OUT/S",
        "BACKPRESSURE",
        "BUSY",
    ]);
    for vertex in &frame.vertices {
        let backpressure = vertex.backpressure_ms.map_or_else(
            || "-".to_owned(),
            |ms| format!("{} ({ms:.0} ms/s)", level(ms)),
        );
        rows.push([
            truncate(&vertex.name),
            vertex.status.clone(),
            vertex.parallelism.to_string(),
            rate(vertex.records_in),
            rate(vertex.records_out),
            backpressure,
            millis(vertex.busy_ms),
        ]);
    }
    text.push_str(&rows.render(false, false));
    if let Some(interval) = footer {
        let _ = write!(
            text,
            "\nrefreshing every {} · q or Ctrl-C to quit\n",
            humantime::format_duration(interval)
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> Frame {
        Frame {
            job_name: "flink-local-testjob".to_owned(),
            job_id: "01d1e87b5c625bb87af7a9e20b6abf71".to_owned(),
            state: "RUNNING".to_owned(),
            duration_ms: 83_456,
            vertices: vec![
                VertexLine {
                    name: "Source: numbers".to_owned(),
                    status: "RUNNING".to_owned(),
                    parallelism: 1,
                    records_in: Some(0.0),
                    records_out: Some(20.0),
                    backpressure_ms: Some(0.0),
                    busy_ms: Some(3.0),
                },
                VertexLine {
                    name: "count-per-key -> discard: Writer".to_owned(),
                    status: "RUNNING".to_owned(),
                    parallelism: 1,
                    records_in: Some(19.96),
                    records_out: Some(12_345.0),
                    backpressure_ms: Some(620.0),
                    busy_ms: None,
                },
            ],
        }
    }

    #[test]
    fn a_frame_is_a_title_and_a_table() {
        assert_eq!(
            render(&frame(), None),
            "flink-local-testjob (01d1e87b5c625bb87af7a9e20b6abf71)  RUNNING  up 1m 23s\n\
             \n\
             VERTEX                             STATUS    PARALLELISM   IN/S   OUT/S   BACKPRESSURE      BUSY\n\
             Source: numbers                    RUNNING   1             0.0    20.0    OK (0 ms/s)       3 ms/s\n\
             count-per-key -> discard: Writer   RUNNING   1             20.0   12.3k   HIGH (620 ms/s)   -\n"
        );
    }

    #[test]
    fn the_live_view_says_how_to_quit() {
        let text = render(&frame(), Some(Duration::from_secs(2)));
        assert!(
            text.ends_with("\nrefreshing every 2s · q or Ctrl-C to quit\n"),
            "{text}"
        );
    }

    #[test]
    fn long_names_are_cut_and_levels_follow_flink() {
        let mut frame = frame();
        frame.vertices[0].name = "x".repeat(60);
        let text = render(&frame, None);
        assert!(text.contains(&format!("{}…", "x".repeat(47))), "{text}");
        assert_eq!(level(50.0), "OK");
        assert_eq!(level(250.0), "LOW");
        assert_eq!(level(501.0), "HIGH");
        assert_eq!(rate(None), "-");
        assert_eq!(rate(Some(2_500_000.0)), "2.5M");
    }
}
