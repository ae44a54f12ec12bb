//! Every body read has a deadline: a JSON answer within the attempt's timeout, a stream's
//! chunks within the transport's idle timeout.

mod common;

use std::time::Duration;

use flink_client::prelude::*;
use flink_client::transport::mock::ScriptedResponse;
use http::{HeaderValue, header::CONTENT_TYPE};
use tokio::time::Instant;

use common::client_over;

/// Fails the test instead of hanging it (paused time moves on to this deadline at once).
async fn within_an_hour<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), future)
        .await
        .expect("hung: no deadline applied to the body")
}

#[tokio::test(start_paused = true)]
async fn a_json_answer_that_stalls_after_the_head_is_a_timeout_then_a_retry() {
    let stalled = || ScriptedResponse::json(200, r#"{"taskmanagers":1,"#).body_stalls();
    let (client, handle) = client_over([stalled(), stalled(), stalled(), stalled()]);
    let start = Instant::now();
    let error = within_an_hour(client.overview()).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.to_string().starts_with("GET /overview:"), "{error}");
    assert_eq!(
        handle.request_count(),
        4,
        "a GET is retried like any timeout"
    );
    // Four attempts of 5 s each, plus backoff.
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn a_stream_that_stalls_is_a_timeout_after_the_idle_timeout() {
    let (client, _handle) = client_over([ScriptedResponse::bytes(200, "line 1\n")
        .with_header(CONTENT_TYPE, HeaderValue::from_static("text/plain"))
        .body_stalls()]);
    let mut stream = within_an_hour(client.jobmanager_log_file(LogFile::Main))
        .await
        .unwrap();
    let first = within_an_hour(stream.next_chunk()).await.unwrap().unwrap();
    assert_eq!(&first[..], b"line 1\n");
    let start = Instant::now();
    let error = within_an_hour(stream.next_chunk())
        .await
        .unwrap()
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(60),
        "the default idle timeout"
    );
}

#[tokio::test(start_paused = true)]
async fn the_error_answer_of_a_stream_that_stalls_is_a_timeout() {
    let stalled = || ScriptedResponse::json(404, r#"{"errors":["#).body_stalls();
    let (client, handle) = client_over([stalled(), stalled(), stalled(), stalled()]);
    let error = within_an_hour(client.jobmanager_log_file(LogFile::Main))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(
        handle.request_count(),
        4,
        "a GET is retried like any timeout"
    );
}
