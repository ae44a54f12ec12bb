//! Issue 10, point 5: an answer nested far too deep ends `flinkctl` with a typed error, or is
//! printed as it came, never with a stack overflow (SIGABRT, exit status 134 in a shell) nor
//! gigabytes of memory. Flink is not needed: a standalone proxy sends the answers.

use std::time::Duration;

use flink_fault_proxy::{Answer, Fault, Route, Rule};
use http::{Method, StatusCode};

use crate::common::fault_proxy::Standalone;
use crate::common::process::{Limits, Watched, watch};

/// How deep the deepest answer nests.
const DEPTH: usize = 1_000_000;

/// `levels` arrays, each inside the one before.
fn arrays(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// A standalone proxy that answers every request with `body` as JSON.
fn answering(body: &str) -> Standalone {
    let answer = Answer::new(StatusCode::OK, "application/json", body.to_owned());
    Standalone::start([Rule::new(Route::any(), Fault::Respond(answer))])
}

/// `flinkctl ARGS` against `server`, stopped if it runs for a minute or holds 512 MiB.
fn run(server: &Standalone, args: &[&str]) -> Watched {
    watch(
        server.flinkctl(args),
        Limits::new(Duration::from_secs(60), 512),
    )
}

#[test]
fn a_million_levels_are_refused_in_every_format() {
    let overview = Route::exact(Method::GET, "/overview");
    let server = Standalone::start([Rule::new(overview.clone(), Fault::NestedBody(DEPTH))]);
    for format in ["table", "json", "yaml"] {
        let watched = run(&server, &["overview", "-o", format]);
        let stderr = &watched.stderr;
        assert_eq!(
            watched.code(),
            Some(1),
            "-o {format}: {}",
            watched.describe()
        );
        assert!(
            stderr.contains("GET /overview")
                && stderr.contains("more than 1024 levels deep")
                && stderr.contains("rest.flamegraph.stack-depth"),
            "-o {format}: {stderr}"
        );
        assert_eq!(watched.stdout_bytes, 0, "-o {format}");
    }
    // `api` prints what it cannot pretty-print as it came.
    let watched = run(&server, &["api", "GET", "/overview"]);
    assert_eq!(watched.code(), Some(0), "{}", watched.describe());
    assert_eq!(
        watched.stdout_bytes,
        2 * DEPTH + 11,
        "{}",
        watched.describe()
    );
    assert!(watched.stdout.starts_with(r#"{"nested":[[["#));
    assert!(
        watched.stderr.contains("more than 1024 levels deep"),
        "{}",
        watched.describe()
    );
    assert_eq!(server.proxy.received(&overview), 4);
}

#[test]
fn the_api_command_prints_a_too_deep_answer_as_it_came() {
    let body = arrays(100_000);
    let server = answering(&body);
    let watched = run(&server, &["api", "GET", "/overview", "-o", "json"]);
    assert_eq!(watched.code(), Some(0), "{}", watched.describe());
    assert_eq!(watched.stdout, body);
    assert!(
        watched.stderr.contains("more than 1024 levels deep"),
        "{}",
        watched.stderr
    );
}

#[test]
fn the_api_command_pretty_prints_json_up_to_the_limit() {
    let body = arrays(1024);
    let server = answering(&body);
    let watched = run(&server, &["api", "GET", "/overview", "-o", "json"]);
    assert_eq!(watched.code(), Some(0), "{}", watched.describe());
    assert!(watched.stderr.is_empty(), "{}", watched.stderr);
    assert!(
        watched.stdout.lines().count() > 1024,
        "not pretty-printed: {}",
        watched.stdout
    );
    let compact: String = watched.stdout.split_whitespace().collect();
    assert_eq!(compact, body);

    let watched = run(&server, &["api", "GET", "/overview", "-o", "yaml"]);
    assert_eq!(watched.code(), Some(0), "{}", watched.describe());
    // YAML writes nested lists on one line: `- - - []`.
    assert_eq!(watched.stdout, format!("{}[]\n", "- ".repeat(1023)));
}
