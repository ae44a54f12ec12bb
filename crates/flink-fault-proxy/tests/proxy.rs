//! The fault proxy against a tiny loopback upstream that echoes what it received, and
//! standalone, with none.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use flink_fault_proxy::{Answer, Fault, FaultProxy, Route, Rule};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An upstream that answers each request with its own body, and its method, URI and `Host`
/// in headers; `GET /big` gets 100,000 bytes.
struct Upstream {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl Upstream {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let counter = Arc::clone(&counter);
                tokio::spawn(async move {
                    let service = service_fn(move |request| echo(request, Arc::clone(&counter)));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(tcp), service)
                        .await;
                });
            }
        });
        Self { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn echo(
    request: Request<Incoming>,
    counter: Arc<AtomicUsize>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    counter.fetch_add(1, Ordering::SeqCst);
    let answer = if parts.uri.path().ends_with("/big") {
        Bytes::from(vec![b'x'; 100_000])
    } else {
        body
    };
    let host = parts.headers.get("host").cloned().unwrap();
    Ok(Response::builder()
        .header("x-method", parts.method.as_str())
        .header("x-uri", parts.uri.to_string())
        .header("x-host", host)
        .body(Full::new(answer))
        .unwrap())
}

fn client() -> Client<HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build(HttpConnector::new())
}

fn get(url: &str) -> Request<Full<Bytes>> {
    Request::get(url).body(Full::default()).unwrap()
}

async fn text(response: Response<Incoming>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// Sends a raw GET of `path` on a fresh connection and reads until the connection ends.
async fn raw_get(proxy: &FaultProxy, path: &str) -> (Vec<u8>, std::io::Result<usize>) {
    let mut tcp = TcpStream::connect(proxy.address()).await.unwrap();
    tcp.write_all(format!("GET {path} HTTP/1.1\r\nhost: flink\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut received = Vec::new();
    let mut buffer = [0; 8192];
    loop {
        match tcp.read(&mut buffer).await {
            Ok(0) => return (received, Ok(0)),
            Ok(read) => received.extend_from_slice(&buffer[..read]),
            Err(error) => return (received, Err(error)),
        }
    }
}

#[tokio::test]
async fn forwards_method_path_query_headers_and_body_as_they_came() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&format!("{}/gateway/", upstream.url))
        .await
        .unwrap();
    let body: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
    let request = Request::post(format!("{}/jars/upload?x=1", proxy.url()))
        .header("content-type", "multipart/form-data; boundary=b")
        .body(Full::new(Bytes::from(body.clone())))
        .unwrap();
    let response = client().request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-method"], "POST");
    assert_eq!(response.headers()["x-uri"], "/gateway/jars/upload?x=1");
    let host = upstream.url.trim_start_matches("http://");
    assert_eq!(response.headers()["x-host"], host);
    let echoed = response.into_body().collect().await.unwrap().to_bytes();
    assert!(echoed == body, "the body arrived changed");
    let upload = Route::exact(Method::POST, "/jars/upload");
    assert_eq!((proxy.received(&upload), proxy.forwarded(&upload)), (1, 1));
    let exchanges = proxy.exchanges();
    assert_eq!(exchanges[0].query.as_deref(), Some("x=1"));
    assert!(matches!(exchanges[0].fault, Fault::Forward));
}

#[tokio::test]
async fn answers_itself_a_number_of_times_then_forwards() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    let overview = Route::exact(Method::GET, "/overview");
    proxy.add(Rule::new(overview.clone(), Fault::Respond(Answer::flink_no_leader())).times(2));
    let url = format!("{}/overview", proxy.url());
    for _ in 0..2 {
        let response = client().request(get(&url)).await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers()["content-type"],
            "application/json; charset=UTF-8"
        );
        assert!(text(response).await.starts_with(r#"{"errors":["#));
    }
    assert_eq!(upstream.requests(), 0);
    let response = client().request(get(&url)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        (proxy.received(&overview), proxy.forwarded(&overview)),
        (3, 1)
    );
    assert_eq!(upstream.requests(), 1);
}

#[tokio::test]
async fn rules_end_at_their_moment_or_when_cleared() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    let until = Instant::now() + Duration::from_millis(300);
    proxy.add(Rule::new(Route::any(), Fault::Respond(Answer::flink_no_leader())).until(until));
    let url = format!("{}/overview", proxy.url());
    let first = client().request(get(&url)).await.unwrap();
    assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
    tokio::time::sleep_until(until.into()).await;
    let later = client().request(get(&url)).await.unwrap();
    assert_eq!(later.status(), StatusCode::OK);
    proxy.add(Rule::new(
        Route::any(),
        Fault::Respond(Answer::flink_no_leader()),
    ));
    proxy.clear_rules();
    assert_eq!(
        client().request(get(&url)).await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn forward_then_respond_reaches_the_upstream_and_answers_503() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    let run = Route::matching(Method::POST, |path| path.ends_with("/run"));
    proxy.add(Rule::new(
        run.clone(),
        Fault::ForwardThenRespond(Answer::envoy_upstream_reset()),
    ));
    let request = Request::post(format!("{}/jars/a.jar/run", proxy.url()))
        .body(Full::new(Bytes::from_static(b"{}")))
        .unwrap();
    let response = client().request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["content-type"], "text/plain");
    assert!(text(response).await.starts_with("upstream connect error"));
    assert_eq!(upstream.requests(), 1);
    assert_eq!((proxy.received(&run), proxy.forwarded(&run)), (1, 1));
}

#[tokio::test]
async fn forward_then_reset_resets_the_connection_after_the_upstream_answered() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    proxy.add(Rule::new(Route::any(), Fault::ForwardThenReset));
    let (received, end) = raw_get(&proxy, "/jobs").await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    let error = end.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{error}");
    assert_eq!(upstream.requests(), 1);
    assert_eq!(proxy.forwarded(&Route::exact(Method::GET, "/jobs")), 1);
}

#[tokio::test]
async fn a_delay_holds_the_request_then_forwards_it_even_when_the_client_left() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    let pause = Duration::from_millis(300);
    proxy.add(Rule::new(Route::any(), Fault::Delay(pause)));
    let started = Instant::now();
    let response = client()
        .request(get(&format!("{}/overview", proxy.url())))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() >= pause);
    // A client that gives up before the delay is over: the request still arrives.
    let request = Request::post(format!("{}/jars/a.jar/run", proxy.url()))
        .body(Full::new(Bytes::from_static(b"{\"parallelism\":1}")))
        .unwrap();
    let gave_up = tokio::time::timeout(Duration::from_millis(50), client().request(request)).await;
    assert!(gave_up.is_err(), "answered before the delay");
    let run = Route::exact(Method::POST, "/jars/a.jar/run");
    assert_eq!(proxy.forwarded(&run), 0);
    tokio::time::sleep(pause * 3).await;
    assert_eq!((proxy.received(&run), proxy.forwarded(&run)), (1, 1));
    assert_eq!(upstream.requests(), 2);
}

#[tokio::test]
async fn a_stalled_body_sends_the_head_and_not_one_byte_more() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    proxy.add(Rule::new(Route::any(), Fault::StallBodyAfterHead));
    let response = client()
        .request(get(&format!("{}/big", proxy.url())))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-length"], "100000");
    let mut body = response.into_body();
    let frame = tokio::time::timeout(Duration::from_millis(500), body.frame()).await;
    assert!(frame.is_err(), "a frame arrived: {frame:?}");
    assert_eq!(proxy.forwarded(&Route::any()), 1);
}

#[tokio::test]
async fn cut_after_sends_that_many_bytes_of_the_body_then_closes() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    proxy.add(Rule::new(Route::any(), Fault::CutAfter(1000)));
    let (received, end) = raw_get(&proxy, "/big").await;
    assert_eq!(end.unwrap(), 0, "the connection ends");
    let received = String::from_utf8(received).unwrap();
    let (head, body) = received.split_once("\r\n\r\n").unwrap();
    assert!(
        head.to_lowercase().contains("content-length: 100000"),
        "{head}"
    );
    assert_eq!(body.len(), 1000);
    // A body shorter than the limit passes whole.
    proxy.clear_rules();
    proxy.add(Rule::new(Route::any(), Fault::CutAfter(100_000)));
    let response = client()
        .request(get(&format!("{}/big", proxy.url())))
        .await
        .unwrap();
    assert_eq!(text(response).await.len(), 100_000);
}

#[tokio::test]
async fn an_endless_body_goes_on_and_a_nested_one_nests() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    proxy.add(Rule::new(
        Route::exact(Method::GET, "/endless"),
        Fault::EndlessBody,
    ));
    proxy.add(Rule::new(
        Route::exact(Method::GET, "/nested"),
        Fault::NestedBody(100_000),
    ));
    let response = client()
        .request(get(&format!("{}/endless", proxy.url())))
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=UTF-8"
    );
    let mut body = response.into_body();
    let mut read = Vec::new();
    while read.len() < 10 << 20 {
        let frame = body.frame().await.expect("the body goes on").unwrap();
        read.extend_from_slice(&frame.into_data().unwrap());
    }
    assert!(read.starts_with(br#"{"endless":[0,0,"#));
    let nested = client()
        .request(get(&format!("{}/nested", proxy.url())))
        .await
        .unwrap();
    let nested = text(nested).await;
    assert_eq!(nested.len(), 200_011);
    assert!(nested.starts_with(r#"{"nested":[[["#) && nested.ends_with("]]]}"));
    assert_eq!(upstream.requests(), 0);
    assert_eq!(proxy.received(&Route::any()), 2);
    assert_eq!(proxy.forwarded(&Route::any()), 0);
}

#[tokio::test]
async fn never_answer_leaves_the_request_unanswered_and_unforwarded() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    proxy.add(Rule::new(Route::any(), Fault::NeverAnswer));
    let request = Request::post(format!("{}/jars/a.jar/run", proxy.url()))
        .body(Full::new(Bytes::from(vec![b' '; 1 << 20])))
        .unwrap();
    let waited = tokio::time::timeout(Duration::from_millis(500), client().request(request)).await;
    assert!(waited.is_err(), "answered: {waited:?}");
    assert_eq!(upstream.requests(), 0);
    assert_eq!(
        (
            proxy.received(&Route::any()),
            proxy.forwarded(&Route::any())
        ),
        (1, 0)
    );
}

#[tokio::test]
async fn a_standalone_proxy_answers_by_its_rules_and_the_rest_with_502() {
    let proxy = FaultProxy::standalone().await.unwrap();
    proxy.add(Rule::new(
        Route::exact(Method::GET, "/overview"),
        Fault::Respond(Answer::flink_no_leader()),
    ));
    proxy.add(Rule::new(
        Route::exact(Method::GET, "/jobmanager/log"),
        Fault::EndlessLog,
    ));
    let overview = client()
        .request(get(&format!("{}/overview", proxy.url())))
        .await
        .unwrap();
    assert_eq!(overview.status(), StatusCode::SERVICE_UNAVAILABLE);
    let log = client()
        .request(get(&format!("{}/jobmanager/log", proxy.url())))
        .await
        .unwrap();
    assert_eq!(log.status(), StatusCode::OK);
    assert_eq!(log.headers()["content-type"], "text/plain");
    let mut body = log.into_body();
    let mut read = Vec::new();
    while read.len() < 10 << 20 {
        let frame = body.frame().await.expect("the log goes on").unwrap();
        read.extend_from_slice(&frame.into_data().unwrap());
    }
    let read = String::from_utf8(read).unwrap();
    let first = read.lines().next().unwrap();
    assert!(first.contains(" INFO "), "{first}");
    assert!(read.lines().count() > 100_000);
    let unmatched = client()
        .request(get(&format!("{}/jobs", proxy.url())))
        .await
        .unwrap();
    assert_eq!(unmatched.status(), StatusCode::BAD_GATEWAY);
    let said = text(unmatched).await;
    assert!(said.contains("no upstream"), "{said}");
    assert_eq!(proxy.received(&Route::any()), 3);
    assert_eq!(proxy.forwarded(&Route::any()), 0);
}

#[tokio::test]
async fn a_stopped_proxy_refuses_connections_and_restarts_on_its_address() {
    let upstream = Upstream::start().await;
    let proxy = FaultProxy::start(&upstream.url).await.unwrap();
    let url = format!("{}/overview", proxy.url());
    // A pooled connection must not outlive the stop.
    let client = client();
    assert_eq!(
        client.request(get(&url)).await.unwrap().status(),
        StatusCode::OK
    );
    let address = proxy.stop().await;
    let refused = TcpStream::connect(address).await.unwrap_err();
    assert_eq!(refused.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(client.request(get(&url)).await.is_err());
    let proxy = FaultProxy::start_at(&upstream.url, address).await.unwrap();
    assert_eq!(
        client.request(get(&url)).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(proxy.forwarded(&Route::any()), 1);
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_bad_gateway_and_nothing_is_forwarded() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = FaultProxy::start(&url).await.unwrap();
    let response = client()
        .request(get(&format!("{}/overview", proxy.url())))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert!(text(response).await.contains("could not forward"));
    assert_eq!(proxy.received(&Route::any()), 1);
    assert_eq!(proxy.forwarded(&Route::any()), 0);
}

#[tokio::test]
async fn only_plain_http_upstreams_are_taken() {
    for url in ["https://127.0.0.1:8081", "not a url", "/relative"] {
        let error = FaultProxy::start(url).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{url}");
        assert!(error.to_string().contains(url), "{error}");
    }
}
