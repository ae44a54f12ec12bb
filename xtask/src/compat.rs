//! `cargo xtask compat`: the live integration suite against every Flink version the client
//! supports, one cluster per version, and a table of the results, printed and written to
//! `target/compat.md` (ready to paste into `docs/compatibility.md`).
//!
//! It takes a few minutes per version, so CI does not run it; `cargo xtask test` covers the two
//! versions CI cares about. A failing test is a result, not an error: the command exits
//! non-zero for failures only with `--strict`.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::flink::{self, UpArgs, dist, java, parse_version};
use crate::paths::workspace_root;
use crate::test::{ADAPTIVE, DESTRUCTIVE, cargo, have_nextest, live_env, nextest_with};
use crate::testjob;

/// The versions `compat` tests by default: the newest patch release of each minor version on
/// PyPI, from 1.15 on (1.15 to 1.17 run on Java 11, see `flink::java`).
const VERSIONS: [&str; 10] = [
    "1.15.4", "1.16.3", "1.17.2", "1.18.1", "1.19.3", "1.20.5", "2.0.2", "2.1.3", "2.2.1", "2.3.0",
];

/// The REST port of the first version's cluster; the others follow (18121-18130), clear of
/// the ports `cargo xtask test` uses.
const FIRST_PORT: u16 = 18121;

/// The live tests' binary: restricting the run to it makes nextest's "skipped" count the live
/// tests left out, not every unit test of the workspace.
const LIVE: &str = "binary_id(flink-client::live)";

/// The version the test job is compiled against; the jar runs on every tested version.
const JAR_VERSION: &str = "2.3.0";

/// Arguments of `cargo xtask compat`.
#[derive(Args)]
pub(crate) struct CompatArgs {
    /// Flink versions to test, as published on PyPI; the n-th gets port 18120 + n.
    #[arg(long, value_delimiter = ',', default_values_t = VERSIONS.map(str::to_owned),
          value_parser = parse_version)]
    versions: Vec<String>,
    /// How many clusters run at once (each with its own test run).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    parallel: u8,
    /// Exit non-zero when a version fails a test or its cluster does not start.
    #[arg(long)]
    strict: bool,
    /// Leave the clusters running afterwards.
    #[arg(long)]
    keep: bool,
}

/// What nextest reported for one version.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    passed: u32,
    failed: u32,
    skipped: u32,
}

/// One line of the table.
struct Row {
    version: String,
    port: u16,
    /// The version of the Java the cluster ran on.
    java: Option<String>,
    startup: Option<Duration>,
    counts: Option<Counts>,
    duration: Option<Duration>,
    /// The first failing test and its message, or why the version could not be tested.
    failure: Option<String>,
}

pub(crate) fn run(args: &CompatArgs) -> Result<()> {
    if args.versions.is_empty() || args.versions.len() > VERSIONS.len() {
        bail!(
            "give 1 to {} versions (their clusters use the ports from {FIRST_PORT} on)",
            VERSIONS.len()
        );
    }
    if !have_nextest() {
        // Without nextest the live tests cannot leave out the shutdown test.
        bail!("compat needs cargo-nextest: cargo install cargo-nextest --locked");
    }
    let started = Instant::now();
    let out_dir = workspace_root().join("target/compat");
    fs::create_dir_all(&out_dir)?;

    eprintln!("==> build the test job and the live tests");
    let jar = testjob::build(JAR_VERSION)?;
    // Built once here, so that no version's duration includes compiling.
    cargo(
        &[
            "nextest",
            "run",
            "--workspace",
            "--all-features",
            "--no-run",
        ],
        &[],
    )?;

    let queue: Mutex<VecDeque<(u16, String)>> =
        Mutex::new((FIRST_PORT..).zip(args.versions.iter().cloned()).collect());
    let rows: Mutex<Vec<Row>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..args.parallel {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.pop_front());
                    let Ok(Some((port, version))) = next else {
                        break;
                    };
                    let row = test_version(&version, port, &jar, &out_dir, args.keep);
                    eprintln!("==> Flink {version}: {}", summary_of(&row));
                    if let Ok(mut rows) = rows.lock() {
                        rows.push(row);
                    }
                }
            });
        }
    });
    let mut rows = rows.into_inner().unwrap_or_default();
    rows.sort_by_key(|row| row.port);

    let table = report(&rows, started.elapsed());
    println!("\n{table}");
    let path = workspace_root().join("target/compat.md");
    fs::write(&path, &table).with_context(|| format!("could not write {}", path.display()))?;
    eprintln!(
        "xtask: table written to {}; test output in {}",
        path.display(),
        out_dir.display()
    );
    if args.keep {
        eprintln!("xtask: clusters left running (--keep); stop them with `cargo xtask flink down`");
    }
    let bad = rows
        .iter()
        .filter(|r| r.counts.as_ref().is_none_or(|c| c.failed > 0))
        .count();
    if args.strict && bad > 0 {
        bail!("{bad} version(s) failed (--strict)");
    }
    Ok(())
}

/// Starts a cluster of `version`, runs the live suite against it, stops it.
fn test_version(version: &str, port: u16, jar: &Path, out_dir: &Path, keep: bool) -> Row {
    let mut row = Row {
        version: version.to_owned(),
        port,
        java: None,
        startup: None,
        counts: None,
        duration: None,
        failure: None,
    };
    let log_path = out_dir.join(format!("{version}.log"));
    // The distribution and the Java first, so that their download does not count as startup
    // time.
    if let Err(error) = dist::ensure(version) {
        row.failure = Some(format!("no distribution: {}", first_line(&error)));
        return row;
    }
    match java::tool_for(version, "java").and_then(|java| java::version_of(&java)) {
        Ok(java) => row.java = Some(java),
        Err(error) => {
            row.failure = Some(format!("no Java: {}", first_line(&error)));
            return row;
        }
    }
    eprintln!("==> Flink {version}: starting on :{port}");
    let begin = Instant::now();
    let mut up = UpArgs::plain(version, port);
    // With a HistoryServer, so that the `history::` tests run too.
    up.history = true;
    let cluster = match flink::up(&up) {
        Ok(cluster) => cluster,
        Err(error) => {
            let _ = fs::write(&log_path, format!("{error:#}\n"));
            row.failure = Some(format!("cluster did not start: {}", first_line(&error)));
            return row;
        }
    };
    row.startup = Some(begin.elapsed());
    eprintln!(
        "==> Flink {version}: live tests (output in {})",
        log_path.display()
    );

    let filter = format!("{LIVE} and not {DESTRUCTIVE} and not {ADAPTIVE}");
    let env = live_env(&cluster, Some(jar));
    let mut lines = Vec::new();
    let mut log = fs::File::create(&log_path).ok();
    let begin = Instant::now();
    let result = nextest_with(
        &[
            "--run-ignored",
            "only",
            "--test-threads",
            "4",
            "-E",
            &filter,
        ],
        &env,
        &mut |line| {
            if let Some(log) = log.as_mut() {
                let _ = writeln!(log, "{line}");
            }
            lines.push(line.to_owned());
        },
    );
    row.duration = Some(begin.elapsed());
    row.counts = lines.iter().rev().find_map(|l| parse_counts(l));
    row.failure = first_failure(&lines).or_else(|| match (&result, &row.counts) {
        (Err(error), _) => Some(first_line(error)),
        (Ok(_), None) => Some("no test summary in the runner's output".to_owned()),
        (Ok(_), Some(_)) => None,
    });

    if !keep && let Err(error) = flink::down(Some(port)) {
        eprintln!("xtask: could not stop the cluster on :{port}: {error:#}");
    }
    row
}

fn first_line(error: &anyhow::Error) -> String {
    format!("{error:#}")
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The counts of nextest's summary line, e.g.
/// `Summary [  80.1s] 52 tests run: 50 passed, 1 failed, 1 timed out, 200 skipped`.
fn parse_counts(line: &str) -> Option<Counts> {
    let (_, rest) = line.split_once(" run: ")?;
    let mut counts = Counts::default();
    for part in rest.split(',') {
        let mut words = part.split_whitespace();
        let Some(Ok(n)) = words.next().map(str::parse::<u32>) else {
            continue;
        };
        match words.next() {
            Some("passed") => counts.passed += n,
            Some("failed" | "timed") => counts.failed += n,
            Some("skipped") => counts.skipped += n,
            _ => {}
        }
    }
    Some(counts)
}

/// The first failing test and the first line of its panic message.
fn first_failure(lines: &[String]) -> Option<String> {
    let (index, name, timed_out) = lines.iter().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let timed_out = trimmed.starts_with("TIMEOUT [");
        (trimmed.starts_with("FAIL [") || timed_out)
            .then(|| trimmed.split_whitespace().last())
            .flatten()
            .map(|name| (i, name.to_owned(), timed_out))
    })?;
    if timed_out {
        return Some(format!("{name}: timed out"));
    }
    let short = name.rsplit("::").next().unwrap_or(&name);
    let message = lines[index..]
        .iter()
        .skip_while(|l| !(l.contains("panicked at") && l.contains(short)))
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .map_or("(no panic message)", |l| l.trim());
    let mut message = message.to_owned();
    if message.chars().count() > 200 {
        message = message.chars().take(200).collect::<String>() + "…";
    }
    Some(format!("{name}: {message}"))
}

fn summary_of(row: &Row) -> String {
    match (&row.counts, &row.failure) {
        (Some(c), None) => format!("{} passed, {} skipped", c.passed, c.skipped),
        (Some(c), Some(failure)) => format!("{} passed, {} failed; {failure}", c.passed, c.failed),
        (None, Some(failure)) => failure.clone(),
        (None, None) => "no result".to_owned(),
    }
}

fn seconds(duration: Option<Duration>) -> String {
    duration.map_or_else(|| "–".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()))
}

/// The table as Markdown, with the date and the commit it was run at.
fn report(rows: &[Row], took: Duration) -> String {
    let mut text = format!(
        "Live suite (all live tests but `shutdown::` and the adaptive-scheduler ones), \
         {}, commit {}; {:.0} min in all.\n\n",
        command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "?".to_owned()),
        commit(),
        took.as_secs_f64() / 60.0
    );
    text.push_str(
        "| Flink | Java | startup | passed | failed | skipped | duration | first failure |\n\
         | --- | --- | --: | --: | --: | --: | --: | --- |\n",
    );
    for row in rows {
        let count = |f: fn(&Counts) -> u32| {
            row.counts
                .as_ref()
                .map_or_else(|| "–".to_owned(), |c| f(c).to_string())
        };
        let failure = row.failure.as_deref().map_or_else(
            || "–".to_owned(),
            |f| f.replace('|', "\\|").replace('`', "'"),
        );
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {failure} |",
            row.version,
            row.java.as_deref().unwrap_or("–"),
            seconds(row.startup),
            count(|c| c.passed),
            count(|c| c.failed),
            count(|c| c.skipped),
            seconds(row.duration),
        );
    }
    text
}

/// The commit of the workspace, marked when the tree has uncommitted changes.
fn commit() -> String {
    let root = workspace_root();
    let root = root.display().to_string();
    let Some(hash) = command_output("git", &["-C", &root, "rev-parse", "--short", "HEAD"]) else {
        return "?".to_owned();
    };
    let dirty = command_output("git", &["-C", &root, "status", "--porcelain"])
        .is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{hash} with local changes")
    } else {
        hash
    }
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_come_from_the_nextest_summary() {
        assert_eq!(
            parse_counts(
                "     Summary [  80.123s] 52 tests run: 49 passed (2 slow), 2 failed, 1 timed out, 210 skipped"
            ),
            Some(Counts {
                passed: 49,
                failed: 3,
                skipped: 210
            })
        );
        assert_eq!(parse_counts("   Compiling xtask"), None);
    }

    #[test]
    fn the_first_failure_names_the_test_and_its_panic() {
        let lines: Vec<String> = [
            "        PASS [   1.0s] flink-client::live cluster::a",
            "        FAIL [   2.0s] flink-client::live jobs::details_decode",
            "--- STDERR:              flink-client::live jobs::details_decode ---",
            "",
            "thread 'jobs::details_decode' panicked at crates/flink-client/tests/live/jobs.rs:9:5:",
            "GET /jobs/x: invalid type: null, expected a string at vertices[0].name",
            "        FAIL [   3.0s] flink-client::live jobs::other",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            first_failure(&lines).as_deref(),
            Some(
                "jobs::details_decode: GET /jobs/x: invalid type: null, expected a string at vertices[0].name"
            )
        );
        assert_eq!(first_failure(&lines[..1]), None);
    }

    #[test]
    fn default_versions_fit_the_port_range() {
        assert_eq!(usize::from(FIRST_PORT) + VERSIONS.len() - 1, 18130);
        assert!(VERSIONS.iter().all(|v| parse_version(v).is_ok()));
    }
}
