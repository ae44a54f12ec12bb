//! Issue 10, point 5: a document nested a million levels deep is a typed error, not a stack
//! overflow that aborts the process (which would end this test with a signal).

use flink_client::ApiError;
use flink_client::api::cluster::GetOverview;
use flink_client::prelude::*;
use flink_fault_proxy::{Fault, Route, Rule};
use http::Method;

use super::{chain, client_through, proxy};

/// Asserts that `error` says the answer nests too deep.
fn assert_too_deep(error: &ApiError) {
    let text = chain(error).to_lowercase();
    assert!(
        ["deep", "depth", "nest"]
            .iter()
            .any(|word| text.contains(word)),
        "the error must say the document nests too deep: {error:?}"
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_deeply_nested_answer_is_a_typed_error() {
    let Some(proxy) = proxy().await else { return };
    let overview = Route::exact(Method::GET, "/overview");
    proxy.add(Rule::new(overview.clone(), Fault::NestedBody(1_000_000)));
    let client = client_through(&proxy, |_| {});
    let typed = client.overview().await;
    assert_too_deep(&typed.expect_err("a million nested arrays are no overview"));
    // The raw JSON, as flinkctl prints it.
    let raw = client.execute(Raw(GetOverview)).await;
    assert_too_deep(&raw.expect_err("a million nested arrays are refused as raw JSON too"));
    assert_eq!(proxy.received(&overview), 2, "one request per call");
    assert_eq!(proxy.forwarded(&overview), 0, "the proxy answered itself");
}
