//! Issue 10, point 4: `flinkctl api` does not hold an endless answer in memory: it streams it
//! out, or stops at a limit with an error.

use std::time::Duration;

use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use crate::process::watch;
use crate::proxied::Proxied;

/// More than flinkctl needs for a 64 MiB answer, far less than a buffered endless one.
const RSS_LIMIT_MIB: u64 = 200;

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn api_holds_an_endless_answer_in_bounded_memory() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    let overview = Route::exact(Method::GET, "/overview");
    proxied
        .proxy
        .add(Rule::new(overview.clone(), Fault::EndlessBody));
    let window = Duration::from_secs(20);
    let watched = watch(
        proxied.flinkctl(&["api", "GET", "/overview"]),
        window,
        RSS_LIMIT_MIB,
    );
    assert!(
        watched.peak_rss_mib <= RSS_LIMIT_MIB,
        "flinkctl held the endless answer in memory; {}",
        watched.describe()
    );
    if watched.stopped.is_some() {
        // Still running at the end of the window: it must have been streaming the answer out.
        assert!(
            watched.stdout_bytes > 64 << 20,
            "neither streamed nor ended; {}",
            watched.describe()
        );
    } else {
        assert!(
            watched.code().is_some_and(|code| code != 0) && !watched.stderr.is_empty(),
            "an endless answer is no success; {}",
            watched.describe()
        );
    }
    assert_eq!(proxied.proxy.received(&overview), 1, "one request");
}
