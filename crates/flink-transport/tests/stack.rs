//! The real retry, timeout, header and base-URL layers over the scripted mock.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

#[path = "common/capture.rs"]
mod capture;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Request, StatusCode};
use http_body_util::BodyExt;
use tokio::time::Instant;

use flink_transport::mock::{self, ScriptedResponse};
use flink_transport::{
    Auth, Body, BodyIdleTimedOut, BodyTooLarge, BoxError, BufferedResponse, Idempotency,
    OperationName, RequestTimeout, RetryBudget, RetryConfig, Secret, TokenSource, TransportConfig,
    UnavailableRetryWindow, is_connect, is_timeout, read_body_limited,
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

const FLINK_503: &str = r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;
const ENVOY_503: &str = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
const NGINX_503: &str = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Flink's own 503, sent before dispatch while the cluster elects a leader.
fn flink_503() -> ScriptedResponse {
    ScriptedResponse::json(503, FLINK_503)
}

/// A proxy's 503, which it may send after forwarding the request.
fn proxy_503(content_type: &'static str, body: &'static str) -> ScriptedResponse {
    ScriptedResponse::bytes(503, body)
        .with_header(CONTENT_TYPE, HeaderValue::from_static(content_type))
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_on_flinks_own_503() {
    let (transport, handle) = mock::scripted_with(&config(), [flink_503(), status(200)]).unwrap();
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
async fn post_is_not_resent_after_a_proxys_503() {
    for (content_type, page) in [
        ("text/plain", ENVOY_503),
        ("text/html", NGINX_503),
        ("text/plain", ""),
    ] {
        let (transport, handle) =
            mock::scripted_with(&config(), [proxy_503(content_type, page), status(200)]).unwrap();
        let response = transport.send(post("/jars/1/run")).await.unwrap();
        assert_eq!(response.status(), 503, "{page}");
        assert_eq!(
            handle.request_count(),
            1,
            "{page}: the proxy may have forwarded it"
        );
        let body = read_body_limited(response.into_body(), 1 << 20)
            .await
            .unwrap();
        assert_eq!(body, page, "the caller gets the body the policy read");

        // The same answer to a GET is retried.
        let (transport, handle) =
            mock::scripted_with(&config(), [proxy_503(content_type, page), status(200)]).unwrap();
        assert_eq!(
            transport.send(get("/overview")).await.unwrap().status(),
            200
        );
        assert_eq!(handle.request_count(), 2);
    }
}

#[tokio::test(start_paused = true)]
async fn post_is_not_resent_after_a_503_whose_body_is_too_long_to_be_flinks() {
    let mut page = vec![b' '; 100 * 1024];
    page[..FLINK_503.len()].copy_from_slice(FLINK_503.as_bytes());
    let (transport, handle) = mock::scripted_with(
        &config(),
        [ScriptedResponse::json(503, page.clone()), status(200)],
    )
    .unwrap();
    let response = transport.send(post("/jobs")).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(handle.request_count(), 1);
    let body = read_body_limited(response.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(body, page, "the caller still gets every byte");
}

#[tokio::test(start_paused = true)]
async fn post_is_not_resent_after_a_reset_or_a_stalled_answer() {
    let reset =
        || ScriptedResponse::error(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
    let stalled = || ScriptedResponse::json(200, r#"{"jobs":"#).body_stalls();
    for first in [reset(), stalled(), ScriptedResponse::never()] {
        let (transport, handle) = mock::scripted_with(&config(), [first, status(200)]).unwrap();
        let mut request = post("/jars/1/run");
        request
            .extensions_mut()
            .insert(BufferedResponse::always(1 << 20));
        transport.send(request).await.unwrap_err();
        assert_eq!(handle.request_count(), 1);
    }
}

#[tokio::test(start_paused = true)]
async fn a_stalled_json_body_times_the_attempt_out_and_a_get_is_retried() {
    let mut config = config();
    config.attempt_timeout = Duration::from_secs(2);
    let (transport, handle) = mock::scripted_with(
        &config,
        [
            ScriptedResponse::json(200, r#"{"jobs":"#).body_stalls(),
            ScriptedResponse::json(200, r#"{"jobs":[]}"#),
        ],
    )
    .unwrap();
    let mut request = get("/jobs/overview");
    request
        .extensions_mut()
        .insert(BufferedResponse::always(1 << 20));
    let start = Instant::now();
    let response = transport.send(request).await.unwrap();
    assert!(start.elapsed() >= Duration::from_secs(2));
    assert_eq!(handle.request_count(), 2);
    let body = read_body_limited(response.into_body(), 1 << 20)
        .await
        .unwrap();
    assert_eq!(body, r#"{"jobs":[]}"#);

    // A POST's stalled answer is a timeout error, not resent.
    let (transport, handle) = mock::scripted_with(
        &config,
        [ScriptedResponse::json(200, "{").body_stalls(), status(200)],
    )
    .unwrap();
    let mut request = post("/jars/1/run");
    request
        .extensions_mut()
        .insert(BufferedResponse::always(1 << 20));
    let error = transport.send(request).await.unwrap_err();
    assert!(is_timeout(&*error), "{error}");
    assert_eq!(handle.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_buffered_answer_past_its_limit_is_never_retried() {
    let (transport, handle) = mock::scripted_with(
        &config(),
        [ScriptedResponse::json(200, "x".repeat(100)), status(200)],
    )
    .unwrap();
    let mut request = get("/jobs/overview");
    request
        .extensions_mut()
        .insert(BufferedResponse::always(10));
    let error = transport.send(request).await.unwrap_err();
    assert_eq!(error.downcast_ref::<BodyTooLarge>().unwrap().limit, 10);
    assert_eq!(handle.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_stalled_stream_fails_after_the_body_idle_timeout() {
    let mut config = config();
    config.body_idle_timeout = Duration::from_secs(7);
    let (transport, _handle) = mock::scripted_with(
        &config,
        [ScriptedResponse::bytes(200, "2024-01-01 INFO started\n").body_stalls()],
    )
    .unwrap();
    let start = Instant::now();
    let response = transport.send(get("/jobmanager/log")).await.unwrap();
    let mut body = response.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "2024-01-01 INFO started\n");
    let error = body.frame().await.unwrap().unwrap_err();
    assert!(is_timeout(&*error), "{error}");
    assert!(error.is::<BodyIdleTimedOut>(), "{error}");
    assert_eq!(start.elapsed(), Duration::from_secs(7));
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
    let (transport, handle) = mock::scripted_with(&config, (0..5).map(|_| status(502))).unwrap();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        502
    );
    assert_eq!(handle.request_count(), 3);

    // So are 503s, once the unavailable-retry window is off.
    config.retry.unavailable_retry_window = Duration::ZERO;
    let (transport, handle) = mock::scripted_with(&config, (0..5).map(|_| status(503))).unwrap();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        503
    );
    assert_eq!(handle.request_count(), 3);

    config.retry = RetryConfig::disabled();
    let (transport, handle) = mock::scripted_with(&config, [status(503), status(200)]).unwrap();
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
    config.retry.budget = Some(RetryBudget::new(Duration::from_secs(1), 1, 0.0));
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
    config.retry.unavailable_retry_window = Duration::ZERO;
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

#[tokio::test(start_paused = true)]
async fn the_transport_is_a_tower_service_with_the_same_stack() {
    use tower::ServiceExt;
    let (transport, handle) = mock::scripted_with(&config(), [status(503), status(200)]).unwrap();
    let response = transport.oneshot(get("/overview")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        handle.request_count(),
        2,
        "retried as through Transport::send"
    );
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
async fn a_token_source_is_asked_once_per_call_and_its_failure_sends_nothing() {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let mut config = config();
    config.auth = Some(Auth::BearerFrom(TokenSource::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(Secret::new(format!("t{n}")))
    })));
    let (transport, handle) = mock::scripted_with(&config, [status(503), status(200)]).unwrap();
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        200
    );
    let requests = handle.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r.headers[AUTHORIZATION] == "Bearer t1"),
        "the retry carries the call's token"
    );
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    config.auth = Some(Auth::BearerFrom(TokenSource::new(|| {
        Err("the identity provider is down".into())
    })));
    let (transport, handle) = mock::scripted_with(&config, [status(200)]).unwrap();
    let error = transport.send(get("/overview")).await.unwrap_err();
    assert!(error.to_string().contains("identity provider"), "{error}");
    assert_eq!(handle.request_count(), 0);
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

/// How an HA cluster without a leader answers.
#[derive(Clone, Copy, Debug)]
enum Unavailable {
    /// Nothing listens: the JobManager is restarting.
    Refused,
    /// A JobManager is up, but the cluster is electing a leader.
    Electing,
}

/// The default stack over a server that is unavailable for `outage` (Tokio time) after the
/// first request, then answers 200; and the number of requests it saw.
fn recovering_after(
    config: &TransportConfig,
    outage: Duration,
    unavailable: Unavailable,
) -> (flink_transport::Transport, Arc<AtomicUsize>) {
    let requests = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(Mutex::new(None::<Instant>));
    let seen = Arc::clone(&requests);
    let service = tower::service_fn(move |_: Request<Body>| {
        seen.fetch_add(1, Ordering::SeqCst);
        let started = *started.lock().unwrap().get_or_insert_with(Instant::now);
        async move {
            let body = if started.elapsed() >= outage {
                http::Response::new(http_body_util::Full::new(bytes::Bytes::from_static(b"{}")))
            } else {
                match unavailable {
                    Unavailable::Refused => {
                        return Err::<_, BoxError>(Box::new(std::io::Error::from(
                            std::io::ErrorKind::ConnectionRefused,
                        )));
                    }
                    Unavailable::Electing => http::Response::builder()
                        .status(503)
                        .header(CONTENT_TYPE, "application/json; charset=UTF-8")
                        .body(http_body_util::Full::new(bytes::Bytes::from_static(
                            FLINK_503.as_bytes(),
                        )))
                        .unwrap(),
                }
            };
            Ok(body)
        }
    });
    (config.build_with_service(service).unwrap(), requests)
}

#[tokio::test(start_paused = true)]
async fn a_three_second_election_is_ridden_out_by_default() {
    for unavailable in [Unavailable::Refused, Unavailable::Electing] {
        for request in [get("/overview"), post("/jars/1/run")] {
            let (transport, requests) =
                recovering_after(&config(), Duration::from_secs(3), unavailable);
            let start = Instant::now();
            let response = transport.send(request).await.unwrap();
            assert_eq!(response.status(), 200, "{unavailable:?}");
            let elapsed = start.elapsed();
            assert!(
                elapsed >= Duration::from_secs(3) && elapsed <= Duration::from_secs(5),
                "{unavailable:?}: {elapsed:?}"
            );
            assert!(
                requests.load(Ordering::SeqCst) > 4,
                "{unavailable:?}: more attempts than max_retries allows"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_cluster_that_never_recovers_fails_when_the_window_closes() {
    for unavailable in [Unavailable::Refused, Unavailable::Electing] {
        let (transport, requests) =
            recovering_after(&config(), Duration::from_secs(3600), unavailable);
        let capture = capture::Capture::default();
        let _guard = capture.install();
        let start = Instant::now();
        let result = transport.send(post("/jars/1/run")).await;
        match unavailable {
            Unavailable::Refused => assert!(is_connect(&*result.unwrap_err())),
            Unavailable::Electing => assert_eq!(result.unwrap().status(), 503),
        }
        // The last retry is sent as the window closes; none sleeps past it.
        assert_eq!(start.elapsed(), Duration::from_secs(5), "{unavailable:?}");
        let attempts = requests.load(Ordering::SeqCst);
        assert_eq!(capture.retries().len() + 1, attempts);
        assert!(
            !capture.all_text().contains("budget is spent"),
            "the default budget does not cut one call's window short"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn the_window_is_configurable_and_zero_turns_it_off() {
    let mut config = config();
    config.retry.unavailable_retry_window = Duration::from_secs(20);
    let (transport, _) = recovering_after(&config, Duration::from_secs(15), Unavailable::Refused);
    assert_eq!(
        transport.send(get("/overview")).await.unwrap().status(),
        200
    );

    config.retry.unavailable_retry_window = Duration::ZERO;
    let (transport, requests) =
        recovering_after(&config, Duration::from_secs(3), Unavailable::Refused);
    let error = transport.send(get("/overview")).await.unwrap_err();
    assert!(is_connect(&*error));
    assert_eq!(requests.load(Ordering::SeqCst), 4, "max_retries alone");
}

#[tokio::test(start_paused = true)]
async fn a_request_can_set_its_own_window() {
    let (transport, requests) =
        recovering_after(&config(), Duration::from_secs(3), Unavailable::Refused);
    let mut request = get("/overview");
    request
        .extensions_mut()
        .insert(UnavailableRetryWindow(Duration::ZERO));
    let error = transport.send(request).await.unwrap_err();
    assert!(is_connect(&*error));
    assert_eq!(requests.load(Ordering::SeqCst), 4, "max_retries alone");
}

#[tokio::test(start_paused = true)]
async fn the_window_does_not_extend_other_failures() {
    // Timeouts and 502s stay bounded by max_retries.
    let mut config = config();
    config.attempt_timeout = Duration::from_millis(100);
    let (transport, handle) =
        mock::scripted_with(&config, (0..10).map(|_| ScriptedResponse::never())).unwrap();
    assert!(is_timeout(
        &*transport.send(get("/overview")).await.unwrap_err()
    ));
    assert_eq!(handle.request_count(), 4);
    // A proxy's 503 to a POST is not retried at all.
    let (transport, handle) =
        mock::scripted_with(&config, (0..10).map(|_| proxy_503("text/plain", ENVOY_503))).unwrap();
    assert_eq!(transport.send(post("/jobs")).await.unwrap().status(), 503);
    assert_eq!(handle.request_count(), 1);
}
