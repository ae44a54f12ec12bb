//! The real retry, timeout, header and base-URL layers over the scripted mock.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

#[path = "common/capture.rs"]
mod capture;

use std::time::Duration;

use http::header::{AUTHORIZATION, USER_AGENT};
use http::{Request, StatusCode};
use tokio::time::Instant;

use flink_transport::mock::{self, ScriptedResponse};
use flink_transport::{
    Auth, Body, BoxError, Idempotency, OperationName, RequestTimeout, RetryBudget, RetryConfig,
    TransportConfig, is_connect, is_timeout,
};

fn config() -> TransportConfig {
    TransportConfig::new("http://flink.test/").unwrap()
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn post(path: &str) -> Request<Body> {
    Request::post(path).body(Body::from(r#"{"a":1}"#)).unwrap()
}

fn status(code: u16) -> ScriptedResponse {
    ScriptedResponse::status(code)
}

#[tokio::test(start_paused = true)]
async fn get_is_retried_after_two_503s() {
    let (transport, handle) = mock::scripted_with(
        &config(),
        [
            status(503),
            status(503),
            ScriptedResponse::json(200, r#"{"jobs":[]}"#),
        ],
    )
    .unwrap();
    let response = transport.send(get("/jobs/overview")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(handle.request_count(), 3);
    assert!(
        handle
            .requests()
            .iter()
            .all(|r| r.uri == "http://flink.test/jobs/overview")
    );
}

#[tokio::test(start_paused = true)]
async fn post_is_not_retried_after_an_attempt_timeout() {
    let mut config = config();
    config.attempt_timeout = Duration::from_secs(5);
    let (transport, handle) =
        mock::scripted_with(&config, [ScriptedResponse::never(), status(200)]).unwrap();
    let start = Instant::now();
    let error = transport.send(post("/jars/1/run")).await.unwrap_err();
    assert!(is_timeout(&*error), "{error}");
    assert_eq!(
        error.to_string(),
        "no response within 5s; raise the timeout or check the server"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(handle.request_count(), 1);
    assert_eq!(handle.remaining(), 1);
}

#[tokio::test(start_paused = true)]
async fn get_is_retried_after_an_attempt_timeout_and_request_timeout_overrides() {
    let (transport, handle) = mock::scripted_with(
        &config(),
        [
            ScriptedResponse::never(),
            status(200).after(Duration::from_secs(2)),
        ],
    )
    .unwrap();
    let mut request = get("/jobs");
    request
        .extensions_mut()
        .insert(RequestTimeout(Duration::from_secs(3)));
    let start = Instant::now();
    assert_eq!(transport.send(request).await.unwrap().status(), 200);
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(5) && elapsed < Duration::from_secs(6),
        "{elapsed:?}"
    );
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_on_503() {
    let (transport, handle) = mock::scripted_with(&config(), [status(503), status(200)]).unwrap();
    assert_eq!(transport.send(post("/jobs")).await.unwrap().status(), 200);
    assert_eq!(handle.request_count(), 2);
    let requests = handle.requests();
    assert_eq!(
        requests[1].body_text(),
        r#"{"a":1}"#,
        "the body is replayed"
    );
}

#[tokio::test(start_paused = true)]
async fn post_is_not_retried_on_502_or_504_or_429() {
    for code in [502, 504, 429] {
        let (transport, handle) =
            mock::scripted_with(&config(), [status(code), status(200)]).unwrap();
        assert_eq!(transport.send(post("/jobs")).await.unwrap().status(), code);
        assert_eq!(handle.request_count(), 1, "{code}");
    }
}

#[tokio::test(start_paused = true)]
async fn post_marked_idempotent_is_retried_on_502() {
    let (transport, handle) = mock::scripted_with(&config(), [status(502), status(200)]).unwrap();
    let mut request = post("/jobs/1?mode=cancel");
    request.extensions_mut().insert(Idempotency::Idempotent);
    assert_eq!(transport.send(request).await.unwrap().status(), 200);
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn get_is_retried_on_502_honouring_retry_after() {
    let (transport, handle) =
        mock::scripted_with(&config(), [status(502).retry_after(2), status(200)]).unwrap();
    let start = Instant::now();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        200
    );
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_capped() {
    let mut config = config();
    config.retry.max_retry_after = Duration::from_secs(10);
    let (transport, handle) =
        mock::scripted_with(&config, [status(502).retry_after(3600), status(200)]).unwrap();
    let start = Instant::now();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        200
    );
    assert_eq!(start.elapsed(), Duration::from_secs(10));
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn streamed_body_is_never_retried() {
    let (transport, handle) = mock::scripted_with(&config(), [status(503), status(200)]).unwrap();
    let body = http_body_util::Full::new(bytes::Bytes::from_static(b"jar bytes"));
    let mut request = Request::post("/jars/upload")
        .body(Body::streaming(body))
        .unwrap();
    request.extensions_mut().insert(Idempotency::Idempotent);
    assert_eq!(transport.send(request).await.unwrap().status(), 503);
    assert_eq!(handle.request_count(), 1);
    let recorded = &handle.requests()[0];
    assert!(recorded.streamed);
    assert_eq!(recorded.body, "jar bytes");
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded_by_max_retries() {
    let mut config = config();
    config.retry.max_retries = 2;
    let (transport, handle) = mock::scripted_with(&config, (0..5).map(|_| status(503))).unwrap();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        503
    );
    assert_eq!(handle.request_count(), 3);

    let (transport, handle) = mock::scripted_with(
        &TransportConfig {
            retry: RetryConfig::disabled(),
            ..config
        },
        [status(503), status(200)],
    )
    .unwrap();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        503
    );
    assert_eq!(handle.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn retry_budget_exhausts_across_clones() {
    let mut config = config();
    // One retry in reserve and none earned by requests.
    config.retry.budget = Some(RetryBudget {
        ttl: Duration::from_secs(1),
        min_retries_per_sec: 1,
        retry_ratio: 0.0,
    });
    let (transport, handle) = mock::scripted_with(&config, (0..10).map(|_| status(503))).unwrap();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        503
    );
    assert_eq!(
        handle.request_count(),
        2,
        "one retry, then the budget is spent"
    );
    let clone = transport.clone();
    assert_eq!(clone.send(get("/overview")).await.unwrap().status(), 503);
    assert_eq!(
        handle.request_count(),
        3,
        "the clone shares the spent budget"
    );
}

#[tokio::test(start_paused = true)]
async fn connect_errors_are_retried_for_post() {
    let (transport, handle) = mock::scripted_with(
        &config(),
        [
            ScriptedResponse::connect_error(),
            ScriptedResponse::connect_error(),
            status(200),
        ],
    )
    .unwrap();
    assert_eq!(
        transport.send(post("/jars/1/run")).await.unwrap().status(),
        200
    );
    assert_eq!(handle.request_count(), 3);

    let mut config = config();
    config.retry.max_retries = 1;
    let (transport, handle) = mock::scripted_with(
        &config,
        [
            ScriptedResponse::connect_error(),
            ScriptedResponse::connect_error(),
        ],
    )
    .unwrap();
    let error = transport.send(post("/jars/1/run")).await.unwrap_err();
    assert!(is_connect(&*error), "{error}");
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn io_errors_mid_request_are_retried_only_when_idempotent() {
    let reset =
        || ScriptedResponse::error(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
    let (transport, handle) = mock::scripted_with(&config(), [reset(), status(200)]).unwrap();
    assert_eq!(transport.send(get("/jobs")).await.unwrap().status(), 200);
    assert_eq!(handle.request_count(), 2);

    let (transport, handle) = mock::scripted_with(&config(), [reset(), status(200)]).unwrap();
    let error: BoxError = transport.send(post("/jobs")).await.unwrap_err();
    assert!(error.is::<std::io::Error>());
    assert_eq!(handle.request_count(), 1);
}

#[tokio::test]
async fn base_url_path_prefix_is_joined() {
    let config = TransportConfig::new("https://gw.example/flink/").unwrap();
    let (transport, handle) = mock::scripted_with(&config, [status(200)]).unwrap();
    transport.send(get("/jobs/overview?x=1")).await.unwrap();
    assert_eq!(
        handle.requests()[0].uri,
        "https://gw.example/flink/jobs/overview?x=1"
    );
}

#[tokio::test]
async fn default_headers_and_auth() {
    let mut config = config();
    config.auth = Some(Auth::basic("Aladdin", "open sesame"));
    let (transport, handle) = mock::scripted_with(&config, [status(200), status(200)]).unwrap();
    transport.send(get("/overview")).await.unwrap();
    let mut own_agent = get("/overview");
    own_agent
        .headers_mut()
        .insert(USER_AGENT, "mine/1".parse().unwrap());
    transport.send(own_agent).await.unwrap();

    let requests = handle.requests();
    let headers = &requests[0].headers;
    assert_eq!(
        headers[USER_AGENT],
        concat!("flink-rs/", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(headers[AUTHORIZATION], "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    assert!(headers[AUTHORIZATION].is_sensitive());
    assert_eq!(requests[1].headers[USER_AGENT], "mine/1");

    config.auth = Some(Auth::bearer("t0k3n"));
    let (transport, handle) = mock::scripted_with(&config, [status(200)]).unwrap();
    transport.send(get("/overview")).await.unwrap();
    let headers = &handle.requests()[0].headers;
    assert_eq!(headers[AUTHORIZATION], "Bearer t0k3n");
    assert!(headers[AUTHORIZATION].is_sensitive());
}

#[tokio::test(start_paused = true)]
async fn one_span_per_call_with_retry_events_and_no_header_values() {
    let capture = capture::Capture::default();
    let _guard = capture.install();
    let mut config = config();
    config.auth = Some(Auth::bearer("very-secret-token"));
    let (transport, _handle) = mock::scripted_with(&config, [status(503), status(204)]).unwrap();
    let mut request = get("/jobs/overview?secret-query=1");
    request
        .extensions_mut()
        .insert(OperationName("jobs.overview"));
    request
        .headers_mut()
        .insert("x-custom", "header-value-secret".parse().unwrap());
    assert_eq!(transport.send(request).await.unwrap().status(), 204);

    let spans = capture.spans();
    let requests: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "flink_transport.request")
        .collect();
    assert_eq!(requests.len(), 1, "{spans:?}");
    let span = requests[0];
    assert_eq!(span.field("operation"), Some("\"jobs.overview\""));
    assert_eq!(span.field("method"), Some("GET"));
    assert_eq!(span.field("path"), Some("/jobs/overview"));
    assert_eq!(span.field("status"), Some("204"));

    let retries = capture.retries();
    assert_eq!(retries.len(), 1);
    assert_eq!(retries[0].field("attempt"), Some("2"));
    assert_eq!(
        retries[0].field("reason"),
        Some("status 503 Service Unavailable")
    );

    let text = capture.all_text();
    for secret in ["very-secret-token", "header-value-secret"] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into tracing: {text}"
        );
    }
}
