//! `flinkctl generate-man DIR` (hidden): the man pages of flinkctl and of every subcommand
//! (`flinkctl.1`, `flinkctl-jobs.1`, `flinkctl-jobs-get.1`, …), made from the clap definitions
//! for packagers and the release (`cargo xtask man`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::exit::Failure;
use crate::output::write;

/// Writes the pages to `dir` (created if missing) and their paths, one a line, to `out`.
pub(crate) fn run(dir: &Path, out: &mut dyn Write) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(Failure::io(format!("creating {}", dir.display())))?;
    // Built, so that each subcommand knows its full name and the global options.
    let mut root = crate::cli::command().disable_help_subcommand(true);
    root.build();
    let mut written = Vec::new();
    write_pages(&root, dir, &mut written)?;
    let mut list = written
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    list.push('\n');
    write(out, list.as_bytes())
}

/// Writes the page of `command` and those of its visible subcommands, depth first.
fn write_pages(
    command: &clap::Command,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), Failure> {
    let man = clap_mangen::Man::new(command.clone())
        .source(format!("flinkctl {}", env!("CARGO_PKG_VERSION")))
        .manual("flinkctl manual");
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render(&mut page)
        .and_then(|()| std::fs::write(&path, page))
        .map_err(Failure::io(format!("writing {}", path.display())))?;
    written.push(path);
    for subcommand in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        write_pages(subcommand, dir, written)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every visible command's full name, `flinkctl-jobs-get` for `flinkctl jobs get`.
    fn page_names(command: &clap::Command, prefix: &str, names: &mut Vec<String>) {
        let name = if prefix.is_empty() {
            command.get_name().to_owned()
        } else {
            format!("{prefix}-{}", command.get_name())
        };
        for subcommand in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
            if subcommand.get_name() != "help" {
                page_names(subcommand, &name, names);
            }
        }
        names.push(name);
    }

    #[test]
    fn every_visible_command_has_a_roff_page() {
        let dir = std::env::temp_dir().join(format!("flinkctl-man-{}", std::process::id()));
        let mut out = Vec::new();
        run(&dir, &mut out).unwrap();
        let mut expected = Vec::new();
        page_names(&crate::cli::command(), "", &mut expected);
        assert!(expected.len() > 40, "{expected:?}");
        let listed = String::from_utf8(out).unwrap();
        assert_eq!(listed.lines().count(), expected.len(), "{listed}");
        for name in &expected {
            let page = std::fs::read_to_string(dir.join(format!("{name}.1")))
                .unwrap_or_else(|error| panic!("{name}.1: {error}"));
            assert!(page.contains("\n.TH "), "{name}.1: {page}");
            assert!(page.contains(".SH NAME"), "{name}.1: {page}");
        }
        let root = std::fs::read_to_string(dir.join("flinkctl.1")).unwrap();
        assert!(root.contains("flinkctl\\-context(1)"), "{root}");
        assert!(root.contains("\\-\\-ca\\-file"), "{root}");
        assert!(!dir.join("flinkctl-generate-man.1").exists());
        assert!(!dir.join("flinkctl-help.1").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
