//! Issue 10, point 2: a body that stops coming after the response head does not hang a call.

use std::time::{Duration, Instant};

use flink_client::prelude::*;
use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use super::{client_through, proxy};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_body_stalled_after_the_head_times_out_instead_of_hanging() {
    let Some(proxy) = proxy().await else { return };
    let overview = Route::exact(Method::GET, "/overview");
    proxy.add(Rule::new(overview.clone(), Fault::StallBodyAfterHead));
    let client = client_through(&proxy, |config| {
        config.attempt_timeout = Duration::from_secs(2);
    });
    let started = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(45), client.overview())
        .await
        .unwrap_or_else(|_| {
            panic!("GET /overview still hangs after 45 s on a body that never comes (attempt timeout 2 s)")
        });
    let took = started.elapsed();
    let error = result.expect_err("no body, no overview");
    assert!(error.is_timeout(), "a timeout, not {error:?}");
    // Four attempts of 2 s and their backoff, with room for a busy machine.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        proxy.forwarded(&overview) >= 1,
        "Flink answered the head that the proxy sent"
    );
}
