//! The real default stack against a loopback hyper server.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

#[path = "common/capture.rs"]
mod capture;
#[path = "common/counting.rs"]
mod counting;
#[path = "common/proxy.rs"]
mod proxy;
#[path = "common/raw.rs"]
mod raw;
#[path = "common/server.rs"]
mod server;

use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use http::Request;
use http::header::{CONTENT_LENGTH, EXPECT, TRANSFER_ENCODING, USER_AGENT};
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};

use flink_transport::{
    AttemptTimedOut, Body, BodyIdleTimedOut, BufferedResponse, Idempotency, Outcome, ProxyConfig,
    TransportConfig, Verdict, classify, is_connect, is_timeout, read_body_limited,
};

#[tokio::test]
async fn streamed_upload_has_content_length_and_no_chunking() {
    let server = server::spawn(None).await;
    let config = TransportConfig::new(&format!("http://{}/v1/", server.addr)).unwrap();
    let transport = config.build().unwrap();

    let file = vec![7_u8; 100_000];
    let chunks = [
        &b"--boundary\r\n"[..],
        &file[..],
        &b"\r\n--boundary--\r\n"[..],
    ];
    let total: usize = chunks.iter().map(|c| c.len()).sum();
    let frames = chunks
        .iter()
        .map(|c| Ok::<_, std::io::Error>(Frame::data(Bytes::copy_from_slice(c))))
        .collect::<Vec<_>>();
    let request = Request::post("/jars/upload")
        .header(CONTENT_LENGTH, total)
        .header(EXPECT, "100-continue")
        .body(Body::streaming(StreamBody::new(stream::iter(frames))))
        .unwrap();

    let response = transport.send(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        read_body_limited(response.into_body(), 16).await.unwrap(),
        "ok"
    );

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let seen = &seen[0];
    assert_eq!(seen.uri, "/v1/jars/upload");
    assert_eq!(seen.headers[CONTENT_LENGTH], total.to_string().as_str());
    assert!(
        !seen.headers.contains_key(TRANSFER_ENCODING),
        "{:?}",
        seen.headers
    );
    assert!(!seen.headers.contains_key(EXPECT), "{:?}", seen.headers);
    assert!(
        seen.headers[USER_AGENT]
            .to_str()
            .unwrap()
            .starts_with("flink-rs/")
    );
    assert_eq!(seen.body.len(), total);
}

#[tokio::test]
async fn buffered_get_keeps_the_query() {
    let server = server::spawn(None).await;
    let transport = TransportConfig::new(&format!("http://{}", server.addr))
        .unwrap()
        .build()
        .unwrap();
    let request = Request::get("/jobs/overview?x=1")
        .body(Body::empty())
        .unwrap();
    assert_eq!(transport.send(request).await.unwrap().status(), 200);
    assert_eq!(server.seen()[0].uri, "/jobs/overview?x=1");
}

#[tokio::test]
async fn connect_errors_are_retried_for_post() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // dropped: nothing listens there now
    let mut config = TransportConfig::new(&format!("http://127.0.0.1:{port}")).unwrap();
    config.retry.initial_backoff = Duration::from_millis(1);
    config.retry.max_backoff = Duration::from_millis(5);
    // max_retries alone; the unavailable-retry window is tested over the mock.
    config.retry.unavailable_retry_window = Duration::ZERO;
    let transport = config.build().unwrap();

    let capture = capture::Capture::default();
    let _guard = capture.install();
    let request = Request::post("/jars/1/run").body(Body::from("{}")).unwrap();
    let error = transport.send(request).await.unwrap_err();

    assert!(is_connect(&*error), "{error:?}");
    assert!(!is_timeout(&*error), "{error:?}");
    assert_eq!(
        classify(Idempotency::NotIdempotent, Outcome::Error(&*error)),
        Verdict::Retry
    );
    assert_eq!(
        capture.retries().len(),
        3,
        "max_retries retries, then the error"
    );
}

#[tokio::test]
async fn an_http_base_url_is_sent_to_the_proxy_in_absolute_form_with_its_credentials() {
    let proxy = proxy::spawn().await;
    // Nothing listens at the base URL: only the proxy can answer.
    let mut config = TransportConfig::new("http://127.0.0.1:9/v1/").unwrap();
    config.proxy = ProxyConfig::Url {
        url: format!("http://ops:pw@{}", proxy.addr),
        no_proxy: String::new(),
    };
    let transport = config.build().unwrap();
    let response = transport
        .send(Request::get("/overview").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with("get http://127.0.0.1:9/v1/overview http/1.1\r\n"),
        "{heads:?}"
    );
    assert!(
        heads[0].contains("proxy-authorization: basic b3bzonb3\r\n"),
        "{heads:?}"
    );
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    let proxy = proxy::spawn().await;
    let server = server::spawn(None).await;
    let mut config = TransportConfig::new(&format!("http://{}/", server.addr)).unwrap();
    config.proxy = ProxyConfig::Url {
        url: format!("http://{}", proxy.addr),
        no_proxy: "example.org, 127.0.0.1".to_owned(),
    };
    let response = config
        .build()
        .unwrap()
        .send(Request::get("/overview").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(server.seen().len(), 1);
    assert!(proxy.heads().is_empty());
}

#[test]
fn credentials_over_plain_http_are_warned_of_except_on_loopback() {
    let capture = capture::Capture::default();
    let _guard = capture.install();
    let warning = "credentials are sent over plain http";
    let build = |url: &str| {
        let mut config = TransportConfig::new(url).unwrap();
        config.auth = Some(flink_transport::Auth::bearer("t0k3n"));
        config.build().unwrap();
    };
    build("http://127.0.0.1:8081/");
    build("http://localhost:8081/");
    build("https://flink.example/");
    assert!(
        !capture.all_text().contains(warning),
        "{}",
        capture.all_text()
    );
    build("http://flink.example:8081/");
    let text = capture.all_text();
    assert!(text.contains(warning) && !text.contains("t0k3n"), "{text}");
}

const FLINK_503: &str = r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;

/// A server that answers every request `503`, as a JobManager without a leader does.
async fn leaderless() -> raw::RawServer {
    let answer = raw::answer(
        "503 Service Unavailable",
        "application/json; charset=UTF-8",
        FLINK_503,
    );
    raw::spawn(answer, false).await
}

fn fast_retries(config: &mut TransportConfig) {
    config.retry.initial_backoff = Duration::from_millis(1);
    config.retry.max_backoff = Duration::from_millis(5);
}

#[tokio::test]
async fn an_unreachable_or_leaderless_jobmanager_fails_over_to_the_next() {
    let server = server::spawn(None).await;
    for first in [
        "http://127.0.0.1:9/".to_owned(),
        format!("http://{}/", leaderless().await.addr),
    ] {
        let capture = capture::Capture::default();
        let _guard = capture.install();
        let mut config = TransportConfig::new(&first).unwrap();
        config
            .add_failover_url(&format!("http://{}/", server.addr))
            .unwrap();
        fast_retries(&mut config);
        let transport = config.build().unwrap();
        let overview = || Request::get("/overview").body(Body::empty()).unwrap();
        assert_eq!(
            transport.send(overview()).await.unwrap().status(),
            200,
            "{first}"
        );
        assert_eq!(
            capture.retries().len(),
            1,
            "{first}: one attempt at the first"
        );
        // Later calls, also from clones, go straight to the JobManager that answered.
        assert_eq!(
            transport.clone().send(overview()).await.unwrap().status(),
            200
        );
        assert_eq!(
            capture.retries().len(),
            1,
            "{first}: no more attempts at the first"
        );
        assert!(capture.all_text().contains("failing over"), "{first}");
    }
    assert_eq!(server.seen().len(), 4);
}

#[test]
fn failover_urls_are_checked_like_the_base_url() {
    let mut config = TransportConfig::new("https://jm-0.example/").unwrap();
    assert!(config.add_failover_url("jm-1.example:8081").is_err());
    config
        .add_failover_url("http://jm-1.example:8081/")
        .unwrap();
    let error = config.build().unwrap_err().to_string();
    assert!(error.contains("scheme"), "{error}");
}

/// Fails the test instead of hanging it when `future` takes longer than a generous bound.
async fn within<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("hung: no deadline applied")
}

fn get_whole(path: &str) -> Request<Body> {
    let mut request = Request::get(path).body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(BufferedResponse::always(1 << 20));
    request
}

#[tokio::test]
async fn a_post_is_not_resent_after_a_proxys_503_and_the_caller_gets_its_page() {
    let page = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
    let proxy = raw::spawn(
        raw::answer("503 Service Unavailable", "text/plain", page),
        false,
    )
    .await;
    let mut config = TransportConfig::new(&format!("http://{}/", proxy.addr)).unwrap();
    fast_retries(&mut config);
    let transport = config.build().unwrap();
    let request = Request::post("/jars/1/run").body(Body::from("{}")).unwrap();
    let response = within(transport.send(request)).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        read_body_limited(response.into_body(), 1 << 20)
            .await
            .unwrap(),
        page
    );
    assert_eq!(
        proxy.requests(),
        1,
        "the proxy may have run it: never resent"
    );
}

#[tokio::test]
async fn a_post_is_resent_after_flinks_own_503() {
    let jobmanager = leaderless().await;
    let mut config = TransportConfig::new(&format!("http://{}/", jobmanager.addr)).unwrap();
    fast_retries(&mut config);
    config.retry.unavailable_retry_window = Duration::from_millis(200);
    let transport = config.build().unwrap();
    let request = Request::post("/jars/1/run").body(Body::from("{}")).unwrap();
    let response = within(transport.send(request)).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        read_body_limited(response.into_body(), 1 << 20)
            .await
            .unwrap(),
        FLINK_503
    );
    assert!(jobmanager.requests() > 1, "{}", jobmanager.requests());
}

#[tokio::test]
async fn a_json_body_that_stalls_after_the_head_times_the_attempt_out() {
    // The head promises 100 bytes; 10 arrive.
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"jobs\":[";
    let server = raw::spawn(head.to_owned(), true).await;
    let mut config = TransportConfig::new(&format!("http://{}/", server.addr)).unwrap();
    config.attempt_timeout = Duration::from_millis(500);
    fast_retries(&mut config);
    let transport = config.build().unwrap();
    let error = within(transport.send(get_whole("/overview")))
        .await
        .unwrap_err();
    assert!(error.is::<AttemptTimedOut>(), "{error}");
    assert_eq!(server.requests(), 4, "a GET is retried like any timeout");
}

#[tokio::test]
async fn a_stream_that_stalls_fails_after_the_body_idle_timeout() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n6\r\nline 1\r\n";
    let server = raw::spawn(head.to_owned(), true).await;
    let mut config = TransportConfig::new(&format!("http://{}/", server.addr)).unwrap();
    config.body_idle_timeout = Duration::from_millis(300);
    let transport = config.build().unwrap();
    let response =
        within(transport.send(Request::get("/jobmanager/log").body(Body::empty()).unwrap()))
            .await
            .unwrap();
    let mut body = response.into_body();
    let first = within(body.frame()).await.unwrap().unwrap();
    assert_eq!(first.into_data().unwrap(), "line 1");
    let error = within(body.frame()).await.unwrap().unwrap_err();
    assert!(is_timeout(&*error), "{error}");
    assert!(error.is::<BodyIdleTimedOut>(), "{error}");
}

/// Sends `calls` GETs at once and waits for all of them to succeed.
async fn burst(transport: &flink_transport::Transport, calls: usize) {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let transport = transport.clone();
        set.spawn(async move {
            let response = transport
                .send(Request::get("/overview").body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            read_body_limited(response.into_body(), 16).await.unwrap();
        });
    }
    while let Some(call) = within(set.join_next()).await {
        call.unwrap();
    }
}

#[tokio::test]
async fn idle_connections_close_after_the_idle_timeout_without_another_call() {
    let server = counting::spawn(Duration::from_millis(50)).await;
    let mut config = TransportConfig::new(&format!("http://{}/", server.addr)).unwrap();
    config.pool_idle_timeout = Duration::from_millis(300);
    let transport = config.build().unwrap();
    burst(&transport, 16).await;
    assert!(
        server.most_open() > 1,
        "the burst opened several connections"
    );
    assert!(
        server.all_closed_within(Duration::from_secs(10)).await,
        "{} connections still open",
        server.open()
    );
    // The transport still works after its pool emptied.
    burst(&transport, 1).await;
}

#[tokio::test]
async fn connections_per_host_are_capped_under_a_burst() {
    let server = counting::spawn(Duration::from_millis(20)).await;
    let mut config = TransportConfig::new(&format!("http://{}/", server.addr)).unwrap();
    config.max_connections_per_host = 4;
    let transport = config.build().unwrap();
    burst(&transport, 100).await;
    let most = server.most_open();
    assert!(most <= 4, "{most} connections at once");
    assert!(most > 1, "the burst was concurrent");
}

#[tokio::test]
async fn a_request_that_finds_every_connection_busy_fails_as_never_sent() {
    let server = counting::spawn(Duration::from_secs(1)).await;
    let mut config = TransportConfig::new(&format!("http://{}/", server.addr)).unwrap();
    config.max_connections_per_host = 1;
    config.connect_timeout = Duration::from_millis(200);
    config.retry = flink_transport::RetryConfig::disabled();
    let transport = config.build().unwrap();
    let slow = tokio::spawn({
        let transport = transport.clone();
        async move {
            transport
                .send(Request::get("/overview").body(Body::empty()).unwrap())
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let request = Request::post("/jars/1/run").body(Body::from("{}")).unwrap();
    let error = within(transport.send(request)).await.unwrap_err();
    assert!(is_connect(&*error), "{error:?}");
    assert!(
        format!("{error:?}").contains("ConnectionsBusy"),
        "{error:?}"
    );
    assert_eq!(
        classify(Idempotency::NotIdempotent, Outcome::Error(&*error)),
        Verdict::Retry
    );
    assert_eq!(within(slow).await.unwrap().unwrap().status(), 200);
    assert_eq!(server.most_open(), 1);
}
