//! A body cut short (the connection closed mid-answer) is an error, for a decoded answer and
//! for a streamed file alike: never a short file taken for the whole.

use std::time::Duration;

use flink_client::prelude::*;
use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use super::{client_through, proxy};

/// How long a call on a cut connection may take before it counts as hung.
const HUNG: Duration = Duration::from_secs(60);

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_body_cut_short_is_an_error_not_a_short_answer() {
    let Some(proxy) = proxy().await else { return };
    let overview = Route::exact(Method::GET, "/overview");
    let log = Route::exact(Method::GET, "/jobmanager/log");
    proxy.add(Rule::new(overview.clone(), Fault::CutAfter(20)));
    proxy.add(Rule::new(log.clone(), Fault::CutAfter(1000)));
    let client = client_through(&proxy, |_| {});
    let decoded = tokio::time::timeout(HUNG, client.overview())
        .await
        .expect("GET /overview ends");
    decoded.expect_err("20 bytes of an overview are no overview");
    assert!(proxy.forwarded(&overview) >= 1, "Flink answered");
    let streamed = async {
        let mut stream = client.jobmanager_log_file(LogFile::Main).await?;
        let mut read = 0;
        while let Some(chunk) = stream.next_chunk().await {
            read += chunk?.len();
        }
        Ok::<_, ApiError>(read)
    };
    let streamed = tokio::time::timeout(HUNG, streamed)
        .await
        .expect("reading the log ends");
    let error = streamed.expect_err("a log cut after 1000 bytes must not end like a whole one");
    assert_eq!(proxy.forwarded(&log), 1, "a stream is asked once: {error}");
}
