//! Issue 10, point 2: a body that stops coming after the response head does not hang
//! `flinkctl`.

use std::time::Duration;

use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use crate::common::process::{Limits, watch};
use crate::proxied::Proxied;

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn overview_exits_4_on_a_body_stalled_after_the_head() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    let overview = Route::exact(Method::GET, "/overview");
    proxied
        .proxy
        .add(Rule::new(overview.clone(), Fault::StallBodyAfterHead));
    let watched = watch(
        proxied.flinkctl(&["--timeout", "2s", "overview"]),
        Limits::new(Duration::from_secs(60), 1024),
    );
    assert_eq!(watched.code(), Some(4), "{}", watched.describe());
    assert!(
        watched.took < Duration::from_secs(10),
        "{}",
        watched.describe()
    );
    assert!(
        proxied.proxy.forwarded(&overview) >= 1,
        "Flink sent the head"
    );
}
