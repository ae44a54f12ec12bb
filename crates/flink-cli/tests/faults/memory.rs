//! Issue 10, point 4: `flinkctl api` does not hold an endless answer in memory: it streams it
//! out, or stops at the typed calls' limit with an error. Flink is not needed: a standalone
//! proxy sends the endless answers.

use std::time::Duration;

use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use crate::common::fault_proxy::Standalone;
use crate::common::process::{Limits, watch};

const MIB: usize = 1024 * 1024;

/// More than flinkctl needs for a 64 MiB answer, far less than a buffered endless one.
const RSS_LIMIT_MIB: u64 = 200;

/// An endless log is printed as it arrives: hundreds of MiB go through a process that stays
/// small.
#[test]
fn an_endless_answer_is_streamed_in_bounded_memory() {
    let log = Route::exact(Method::GET, "/jobmanager/log");
    let server = Standalone::start([Rule::new(log.clone(), Fault::EndlessLog)]);
    let watched = watch(
        server.flinkctl(&["api", "GET", "/jobmanager/log"]),
        Limits::new(Duration::from_secs(60), 128).printed(256 * MIB),
    );
    assert!(
        watched.stdout_bytes >= 256 * MIB,
        "neither streamed nor ended; {}",
        watched.describe()
    );
    assert!(watched.peak_rss_mib <= 128, "{}", watched.describe());
    assert!(
        watched.stdout.starts_with("2024-05-01 "),
        "not the log as it came; {}",
        watched.describe()
    );
    assert_eq!(server.proxy.received(&log), 1, "one request");
}

/// An answer that must be parsed (JSON, or any answer with `-o json|yaml`) is read up to the
/// typed calls' limit, then refused with a way out (`--raw`).
#[test]
fn an_endless_document_is_refused_at_the_limit() {
    let server = Standalone::start([
        Rule::new(
            Route::exact(Method::GET, "/jobs/overview"),
            Fault::EndlessBody,
        ),
        Rule::new(
            Route::exact(Method::GET, "/jobmanager/log"),
            Fault::EndlessLog,
        ),
    ]);
    for (path, output) in [("/jobs/overview", "table"), ("/jobmanager/log", "yaml")] {
        let watched = watch(
            server.flinkctl(&["api", "GET", path, "-o", output]),
            Limits::new(Duration::from_secs(60), RSS_LIMIT_MIB),
        );
        assert_eq!(watched.code(), Some(1), "{path}: {}", watched.describe());
        assert!(
            watched.stderr.contains("64 MiB") && watched.stderr.contains("--raw"),
            "{path}: {}",
            watched.describe()
        );
        assert_eq!(watched.stdout_bytes, 0, "{path}: {}", watched.describe());
        assert_eq!(
            server.proxy.received(&Route::exact(Method::GET, path)),
            1,
            "one request"
        );
    }
}
