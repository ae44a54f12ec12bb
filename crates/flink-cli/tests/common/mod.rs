//! What the flinkctl process tests share: running the binary against the cluster of the
//! environment or a fault proxy, checking its exit code, watching it run, and the test job.

#![allow(dead_code, reason = "each test binary uses a part of it")]

pub(crate) mod fault_proxy;
pub(crate) mod process;
pub(crate) mod test_job;

use std::process::{Command, Output};

use serde_json::Value;

/// `flinkctl ARGS` as a command, with no config file or context of the user's and no colour.
pub(crate) fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_flinkctl"));
    command
        .args(args)
        .env_remove("FLINKCTL_CONTEXT")
        .env_remove("FLINKCTL_CONFIG")
        .env("NO_COLOR", "1");
    command
}

/// `flinkctl ARGS` against the cluster of the environment; panics with what to do without one.
pub(crate) fn flinkctl(args: &[&str]) -> Output {
    assert!(
        std::env::var("FLINK_REST_URL").is_ok(),
        "live tests need FLINK_REST_URL: run `cargo xtask test`"
    );
    command(args).output().expect("flinkctl runs")
}

/// Asserts that `flinkctl ARGS` refuses its input (exit 6) before any request: at a URL where
/// nothing listens, a request would fail to connect (exit 1).
pub(crate) fn refused_offline(args: &[&str]) {
    let output = command(&[&["--url", "http://127.0.0.1:9"], args].concat())
        .env_remove("FLINK_REST_URL")
        .output()
        .expect("flinkctl runs");
    assert_eq!(
        output.status.code(),
        Some(6),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `flinkctl ARGS`, which must succeed; its standard output.
pub(crate) fn ok(args: &[&str]) -> String {
    let output = flinkctl(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "flinkctl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// `flinkctl ARGS`, which must exit with `code`; its standard error.
pub(crate) fn fails(args: &[&str], code: i32) -> String {
    let output = flinkctl(args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "flinkctl {args:?}: {stderr}"
    );
    stderr
}

/// The exit code of a call the cluster's Flink version lacks.
pub(crate) const UNSUPPORTED: i32 = 5;

/// Whether the cluster under test runs Flink `major.minor` or newer, from the version
/// `cargo xtask test` names in `FLINK_TEST_VERSION` (the newest when it names none).
pub(crate) fn flink_at_least(major: u16, minor: u16) -> bool {
    let Ok(version) = std::env::var("FLINK_TEST_VERSION") else {
        return true;
    };
    version
        .parse::<flink_client::prelude::FlinkVersion>()
        .unwrap_or_else(|error| panic!("FLINK_TEST_VERSION: {error}"))
        .at_least(major, minor)
}

/// `flinkctl ARGS` of a call Flink `major.minor` added: its output, or `None` on an older
/// cluster, where flinkctl must refuse it with the exit code of an unsupported call, naming
/// the version it needs.
pub(crate) fn ok_since(major: u16, minor: u16, args: &[&str]) -> Option<String> {
    if flink_at_least(major, minor) {
        Some(ok(args))
    } else {
        let stderr = fails(args, UNSUPPORTED);
        assert!(
            stderr.contains(&format!("needs Flink {major}.{minor}")),
            "{stderr}"
        );
        None
    }
}

/// Runs `attempt` every 250 ms until it returns `Some`, or panics after `limit`.
pub(crate) fn eventually<T>(
    what: &str,
    limit: std::time::Duration,
    mut attempt: impl FnMut() -> Option<T>,
) -> T {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(value) = attempt() {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
}

/// The rows of a printed table after its header, as their cells (columns are three or more
/// spaces apart; empty cells are left out).
pub(crate) fn rows(table: &str) -> Vec<Vec<&str>> {
    table
        .lines()
        .skip(1)
        .map(|line| {
            line.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect()
}

/// `text` as JSON; panics with the text when it is not.
pub(crate) fn json(text: &str) -> Value {
    // A flame graph nests two levels per frame, past serde_json's default limit of 128 when a
    // sampled stack is deep.
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let value = serde::Deserialize::deserialize(&mut deserializer)
        .and_then(|value: Value| deserializer.end().map(|()| value));
    value.unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
}

/// Asserts that `printed` is the document `expected`, keys in the same order (the server's).
pub(crate) fn assert_same_document(printed: &str, expected: &Value) {
    let compact = |value: &Value| serde_json::to_string(value).expect("JSON");
    assert_eq!(compact(&json(printed)), compact(expected));
}
