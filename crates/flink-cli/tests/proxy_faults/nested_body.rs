//! Issue 10, point 5: a document nested a million levels deep ends `flinkctl` with an error
//! and a message, not with a stack overflow (SIGABRT, exit status 134 in a shell).

use std::time::Duration;

use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use crate::process::watch;
use crate::proxied::Proxied;

/// How deep the answer nests.
const DEPTH: usize = 1_000_000;

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn a_deeply_nested_answer_is_an_error_not_an_abort() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    let overview = Route::exact(Method::GET, "/overview");
    proxied
        .proxy
        .add(Rule::new(overview.clone(), Fault::NestedBody(DEPTH)));
    let printed = watch(
        proxied.flinkctl(&["-o", "json", "overview"]),
        Duration::from_secs(60),
        512,
    );
    assert_eq!(printed.signal(), None, "{}", printed.describe());
    assert!(
        printed.code().is_some_and(|code| code != 0),
        "{}",
        printed.describe()
    );
    let stderr = printed.stderr.to_lowercase();
    assert!(
        ["deep", "depth", "nest"]
            .iter()
            .any(|word| stderr.contains(word)),
        "flinkctl must say the answer nests too deep; {}",
        printed.describe()
    );
    // `api` may print an answer it cannot pretty-print as it came, or refuse it.
    let raw = watch(
        proxied.flinkctl(&["api", "GET", "/overview"]),
        Duration::from_secs(60),
        512,
    );
    assert_eq!(raw.signal(), None, "{}", raw.describe());
    match raw.code() {
        Some(0) => assert!(
            raw.stdout_bytes >= 2 * DEPTH && raw.stdout.starts_with(r#"{"nested":[[["#),
            "printed, but not the answer as it came; {}",
            raw.describe()
        ),
        code => assert!(
            code.is_some() && !raw.stderr.is_empty(),
            "{}",
            raw.describe()
        ),
    }
    assert_eq!(
        proxied.proxy.forwarded(&overview),
        0,
        "the proxy answered itself"
    );
}
