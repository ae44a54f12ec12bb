//! The whole client over the scripted mock transport: retries, timeouts, errors, streaming.

mod common;

use flink_client::models::common::{ProfilingMode, ProfilingRequest};
use flink_client::prelude::*;
use flink_client::transport::mock::ScriptedResponse;
use http::{HeaderValue, header::CONTENT_TYPE};

use common::client_over;

const OVERVIEW: &str = r#"{"taskmanagers":1,"slots-total":4,"slots-available":4,"jobs-running":0,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":"2.3.0","flink-commit":"c0f8d1a"}"#;

#[tokio::test(start_paused = true)]
async fn a_get_is_retried_after_two_503s_and_then_succeeds() {
    let unavailable = r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;
    let (client, handle) = client_over([
        ScriptedResponse::json(503, unavailable),
        ScriptedResponse::json(503, unavailable),
        ScriptedResponse::json(200, OVERVIEW),
    ]);
    let overview = client.overview().await.unwrap();
    assert_eq!(overview.flink_version, "2.3.0");
    let requests = handle.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.uri == "http://flink.test:8081/overview")
    );
}

#[tokio::test(start_paused = true)]
async fn a_post_is_not_retried_after_a_timeout() {
    let (client, handle) =
        client_over([ScriptedResponse::never(), ScriptedResponse::json(200, "{}")]);
    // A known version: the profiler is version-dependent, so the client would ask first.
    let client = client.with_server_version("2.3.0".parse().unwrap());
    let error = client
        .trigger_jobmanager_profiling(ProfilingRequest::new(ProfilingMode::Cpu, 5))
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("POST /jobmanager/profiler: the request may have reached Flink"),
        "{error}"
    );
    assert_eq!(
        handle.request_count(),
        1,
        "a POST that may have been processed is not resent"
    );
}

#[tokio::test(start_paused = true)]
async fn a_jar_run_answered_by_a_proxys_503_is_not_resent_and_says_so() {
    let envoy = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
    let (client, handle) = client_over([
        ScriptedResponse::bytes(503, envoy)
            .with_header(CONTENT_TYPE, HeaderValue::from_static("text/plain")),
        ScriptedResponse::json(200, r#"{"jobid":"d7b2518b7cc9b04478ed2eb249c5b9a0"}"#),
    ]);
    let client = client.with_server_version("2.3.0".parse().unwrap());
    let jar: JarId = "0c4e7b1a-1b2c-4d5e-8f90-abcdef012345_job.jar"
        .parse()
        .unwrap();
    let error = client.run_jar(RunJar::new(jar)).await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert!(error.is_unavailable(), "the proxy's status stays visible");
    assert_eq!(handle.request_count(), 1, "the run went out once");
}

#[tokio::test(start_paused = true)]
async fn a_refused_post_was_never_sent_so_its_outcome_is_known() {
    let (client, handle) =
        client_over(std::iter::repeat_with(ScriptedResponse::connect_error).take(100));
    let client = client.with_server_version("2.3.0".parse().unwrap());
    let error = client
        .trigger_jobmanager_profiling(ProfilingRequest::new(ProfilingMode::Cpu, 5))
        .await
        .unwrap_err();
    assert!(!error.is_outcome_unknown(), "{error:?}");
    assert!(matches!(error, ApiError::Transport { .. }), "{error:?}");
    assert!(
        handle.request_count() > 1,
        "refused connections are retried"
    );
}

#[tokio::test(start_paused = true)]
async fn a_proxy_html_502_becomes_a_typed_error() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let page = || {
        ScriptedResponse::bytes(502, html)
            .with_header(CONTENT_TYPE, HeaderValue::from_static("text/html"))
    };
    let (client, handle) = client_over([page(), page(), page(), page()]);
    let error = client.overview().await.unwrap_err();
    match &error {
        ApiError::UnexpectedResponse {
            status,
            content_type,
            body_prefix,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert!(body_prefix.contains("502 Bad Gateway"));
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert_eq!(
        handle.request_count(),
        4,
        "a GET is retried on 502, three times by default"
    );
}

#[tokio::test]
async fn invalid_input_is_rejected_without_a_request() {
    // No version given: bad input is refused before the client would ask for it.
    let (client, handle) = client_over([]);
    assert!(
        "not-a-job-id"
            .parse::<JobId>()
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        "../../etc/passwd"
            .parse::<FileName>()
            .unwrap_err()
            .is_invalid_input()
    );
    assert!("".parse::<TaskManagerId>().unwrap_err().is_invalid_input());
    let error = client.jobmanager_metrics(&["a,b"]).await.unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    let error = client
        .trigger_jobmanager_profiling(ProfilingRequest::new(ProfilingMode::Cpu, 0))
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    assert_eq!(handle.request_count(), 0);
}

#[tokio::test]
async fn flink_errors_are_typed_and_name_the_request() {
    let body = r#"{"errors":["Internal server error.","<Exception on server side:\njava.util.concurrent.CompletionException: x\nCaused by: org.apache.flink.runtime.resourcemanager.exceptions.UnknownTaskExecutorException: No TaskExecutor registered under tm-9.\n\tat a.b(C.java:1)\n\nEnd of exception on server side>"]}"#;
    let (client, _handle) = client_over([ScriptedResponse::json(500, body)]);
    let error = client
        .taskmanager("tm-9".parse().unwrap())
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with("GET /taskmanagers/tm-9: Flink answered 500"),
        "{message}"
    );
    assert!(
        message.ends_with("No TaskExecutor registered under tm-9."),
        "{message}"
    );
}

#[tokio::test]
async fn a_wrong_shape_names_the_json_path() {
    let (client, _handle) = client_over([ScriptedResponse::json(200, r#"{"taskmanagers":"one"}"#)]);
    match client.overview().await.unwrap_err() {
        ApiError::Decode { path, .. } => assert_eq!(path, "taskmanagers"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_log_file_arrives_as_a_stream() {
    let log = "line 1\nline 2\n".repeat(1000);
    let (client, handle) = client_over([ScriptedResponse::bytes(200, log.clone())
        .with_header(CONTENT_TYPE, HeaderValue::from_static("text/plain"))]);
    let mut stream = client.jobmanager_log_file(LogFile::Main).await.unwrap();
    assert_eq!(stream.content_length(), Some(log.len() as u64));
    let mut received = Vec::new();
    while let Some(chunk) = stream.next_chunk().await {
        received.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(received, log.as_bytes());
    assert_eq!(
        handle.requests()[0].uri,
        "http://flink.test:8081/jobmanager/log"
    );
}

#[tokio::test]
async fn a_missing_log_file_is_an_error_not_a_stream() {
    let (client, _handle) = client_over([ScriptedResponse::json(
        404,
        r#"{"errors":["This file does not exist in JobManager log dir."]}"#,
    )]);
    let error = client
        .jobmanager_log_file(LogFile::Named("gone.log".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}
