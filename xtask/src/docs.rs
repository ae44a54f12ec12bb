//! `cargo xtask docs`: the documentation as its readers get it. Rustdoc of every crate as
//! docs.rs builds it, the doc tests, and the links of every Markdown file of the repository.
//! `cargo xtask test` runs the same functions (the doc tests as a step of their own).

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context as _, Result, anyhow, bail};

use crate::links;
use crate::paths::{target_dir, workspace_root};
use crate::test::{cargo, cargo_command, run_step, summarize};

/// Runs rustdoc, the doc tests and the link check, then prints a summary.
pub(crate) fn run() -> Result<()> {
    let started = Instant::now();
    let steps = [
        run_step("rustdoc as docs.rs builds it", &rustdoc),
        run_step("doc tests", &doc_tests),
        run_step("links of the Markdown files", &markdown_links),
    ];
    summarize(&steps, started)
}

/// Rustdoc and the link check, for `cargo xtask test` (which runs the doc tests itself).
pub(crate) fn rustdoc_and_links() -> Result<String> {
    match (rustdoc(), markdown_links()) {
        (Ok(rustdoc), Ok(links)) => Ok(format!("{rustdoc}; {links}")),
        (Err(rustdoc), Err(links)) => Err(anyhow!("{rustdoc:#}; {links:#}")),
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => Err(error),
    }
}

/// Rustdoc of every crate of the workspace with what docs.rs sets: all features and
/// `--cfg docsrs`, with warnings (broken or private intra-doc links, bad code blocks) as
/// errors. docs.rs's nightly-only settings (`docsrs_nightly`) stay in the crates' metadata.
pub(crate) fn rustdoc() -> Result<String> {
    cargo(
        &["doc", "--workspace", "--all-features", "--no-deps"],
        &[(
            "RUSTDOCFLAGS".to_owned(),
            "--cfg docsrs -D warnings".to_owned(),
        )],
    )?;
    Ok(format!(
        "no warnings ({})",
        target_dir().join("doc/flink_client/index.html").display()
    ))
}

/// The doc tests of every crate, with all features; how many passed.
pub(crate) fn doc_tests() -> Result<String> {
    let args = ["test", "--workspace", "--all-features", "--doc"];
    let mut child = cargo_command(&args, &[])
        .stdout(Stdio::piped())
        .spawn()
        .context("could not start cargo test --doc")?;
    let mut passed = 0;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            passed += passed_in(&line);
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(format!("{passed} passed"))
}

/// The count of libtest's `test result: ok. 12 passed; 0 failed; …` line, else 0.
fn passed_in(line: &str) -> usize {
    let Some(result) = line.strip_prefix("test result: ") else {
        return 0;
    };
    result
        .split(['.', ';'])
        .find_map(|part| part.trim().strip_suffix(" passed")?.parse().ok())
        .unwrap_or(0)
}

/// The link check of every Markdown file of the repository; lists the broken links.
pub(crate) fn markdown_links() -> Result<String> {
    let root = workspace_root();
    let files = markdown_files(&root)?;
    let report = links::check(&root, &files)?;
    for broken in &report.broken {
        eprintln!("{broken}");
    }
    if !report.broken.is_empty() {
        bail!(
            "{} of {} links in {} Markdown files lead nowhere (listed above)",
            report.broken.len(),
            report.links,
            files.len()
        );
    }
    Ok(format!(
        "{} links in {} Markdown files lead somewhere (external ones: syntax only)",
        report.links,
        files.len()
    ))
}

/// The Markdown files under `root`, relative to it and sorted: all but those in hidden
/// directories and build output (`target/`, wherever it is).
fn markdown_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut directories = vec![PathBuf::new()];
    while let Some(directory) = directories.pop() {
        let path = root.join(&directory);
        let entries = std::fs::read_dir(&path)
            .with_context(|| format!("could not list {}", path.display()))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let relative = directory.join(&name);
            let skipped = name.to_string_lossy().starts_with('.')
                || name == "target"
                || entry.path() == target_dir();
            if skipped {
                continue;
            }
            if entry.file_type()?.is_dir() {
                directories.push(relative);
            } else if Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
            {
                files.push(relative);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_test_counts_are_read_from_libtest() {
        assert_eq!(
            passed_in("test result: ok. 12 passed; 0 failed; 3 ignored; finished in 1.2s"),
            12
        );
        assert_eq!(passed_in("test src/lib.rs - (line 8) ... ok"), 0);
    }

    #[test]
    fn the_repository_markdown_files_are_found() {
        let files = markdown_files(&workspace_root()).unwrap();
        for expected in [
            "README.md",
            "ARCHITECTURE.md",
            "CHANGELOG.md",
            "docs/guide/README.md",
        ] {
            assert!(files.contains(&PathBuf::from(expected)), "{files:?}");
        }
        assert!(!files.iter().any(|f| f.starts_with("target")), "{files:?}");
    }
}
