//! A scripted mock transport for tests of code built on flink-rs (feature `test-util`).
//!
//! The mock answers requests in script order and records each one, so a test can check what
//! was sent. Routes ([`MockHandle::reply_to`]) answer every request of a method and path
//! pattern, before the script: for what the code under test asks any number of times (a
//! status it polls). [`scripted`] gives a bare [`Transport`] (no retries, no timeouts: each
//! request consumes one scripted answer); [`scripted_with`] runs the real stack of a
//! [`TransportConfig`] (headers, retries, per-attempt timeout and body reading, base URL) over
//! the mock, so retry and timeout behaviour can be tested without a network (a body that stalls:
//! [`ScriptedResponse::body_stalls`]). Use paused Tokio time
//! (`#[tokio::test(start_paused = true)]`) so backoff and timeouts take no real time.
//!
//! ```
//! use flink_transport::mock::{self, ScriptedResponse};
//! use flink_transport::{Body, TransportConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), flink_transport::BoxError> {
//! let config = TransportConfig::new("http://flink.test/")?;
//! let (transport, handle) = mock::scripted_with(&config, [
//!     ScriptedResponse::status(503),
//!     ScriptedResponse::json(200, r#"{"jobs":[]}"#),
//! ])?;
//!
//! let response = transport.send(http::Request::get("/jobs").body(Body::empty())?).await?;
//! assert_eq!(response.status(), 200);
//!
//! let requests = handle.requests();
//! assert_eq!(requests.len(), 2); // the 503 was retried
//! assert_eq!(requests[1].uri, "http://flink.test/jobs");
//! assert_eq!(handle.remaining(), 0);
//! # Ok(())
//! # }
//! ```

mod route;
mod script;

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, Uri};
use http_body_util::BodyExt;
use tower::Service;

use self::route::Route;
pub use self::script::{InvalidScriptedStatus, ScriptedResponse};
use crate::{Body, BoxError, BoxFuture, ConfigError, ResponseBody, Transport, TransportConfig};

/// A bare [`Transport`] over a mock that answers with `script`, in order, plus the handle to
/// inspect what it received.
pub fn scripted(script: impl IntoIterator<Item = ScriptedResponse>) -> (Transport, MockHandle) {
    let (service, handle) = MockService::new(script);
    (Transport::new(service), handle)
}

/// The stack `config` describes, over a mock that answers with `script`. The mock sees one
/// request per attempt, with absolute URIs joined onto `config.base_url`.
pub fn scripted_with(
    config: &TransportConfig,
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> Result<(Transport, MockHandle), ConfigError> {
    let (service, handle) = MockService::new(script);
    Ok((config.build_with_service(service)?, handle))
}

/// The mock as a tower service, for [`Transport::new`] or
/// [`TransportConfig::build_with_service`]. Clones share the script and the record.
#[derive(Clone)]
pub struct MockService {
    shared: Arc<Mutex<Shared>>,
}

/// Inspects and extends the script of a [`MockService`]; clones share it.
#[derive(Clone)]
pub struct MockHandle {
    shared: Arc<Mutex<Shared>>,
}

#[derive(Default)]
struct Shared {
    script: VecDeque<ScriptedResponse>,
    /// Standing answers, the latest added first.
    routes: Vec<Route>,
    requests: Vec<RecordedRequest>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A test that panicked mid-request must not hide the record from the next assertion.
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

impl MockService {
    /// A mock answering with `script`, and its handle.
    pub fn new(script: impl IntoIterator<Item = ScriptedResponse>) -> (Self, MockHandle) {
        let shared = Arc::new(Mutex::new(Shared {
            script: script.into_iter().collect(),
            ..Shared::default()
        }));
        (
            Self {
                shared: Arc::clone(&shared),
            },
            MockHandle { shared },
        )
    }
}

impl fmt::Debug for MockService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockService").finish_non_exhaustive()
    }
}

impl Service<Request<Body>> for MockService {
    type Response = Response<ResponseBody>;
    type Error = BoxError;
    type Future = BoxFuture<Response<ResponseBody>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let shared = Arc::clone(&self.shared);
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let streamed = body.is_streaming();
            let body = body.collect().await?.to_bytes();
            let answer = {
                let mut shared = lock(&shared);
                shared.requests.push(RecordedRequest {
                    method: parts.method.clone(),
                    uri: parts.uri.clone(),
                    headers: parts.headers,
                    body,
                    streamed,
                });
                let routed = shared
                    .routes
                    .iter()
                    .find(|route| route.matches(&parts.method, &parts.uri))
                    .map(Route::answer);
                routed.or_else(|| shared.script.pop_front())
            };
            match answer {
                Some(answer) => answer.answer().await,
                None => Err(Box::new(ScriptExhausted {
                    method: parts.method,
                    uri: parts.uri,
                }) as BoxError),
            }
        })
    }
}

impl MockHandle {
    /// Every request received so far, oldest first (one per attempt).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).requests.clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        lock(&self.shared).requests.len()
    }

    /// How many scripted answers are still unused.
    pub fn remaining(&self) -> usize {
        lock(&self.shared).script.len()
    }

    /// Appends an answer to the script.
    pub fn push(&self, answer: ScriptedResponse) {
        lock(&self.shared).script.push_back(answer);
    }

    /// Answers every `method` request whose path matches `path` with `answer`, from now on and
    /// before the script (which such requests leave alone). In `path`, `*` stands for any one
    /// segment (`/jobs/*/status`); the query does not count. Behind [`scripted_with`], paths
    /// carry the base URL's prefix. A later route for the same requests replaces this one, so a
    /// test can change what a polled status says.
    ///
    /// A route's error answer is given to each request as an `io::Error` of the same kind and
    /// message (`Other` for an error that is not an `io::Error`).
    pub fn reply_to(&self, method: Method, path: &str, answer: ScriptedResponse) {
        lock(&self.shared)
            .routes
            .insert(0, Route::new(method, path, answer));
    }
}

impl fmt::Debug for MockHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = lock(&self.shared);
        f.debug_struct("MockHandle")
            .field("requests", &shared.requests.len())
            .field("remaining", &shared.script.len())
            .field("routes", &shared.routes.len())
            .finish()
    }
}

/// One request as the mock received it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The URI: absolute behind [`scripted_with`], as sent behind [`scripted`].
    pub uri: Uri,
    /// The headers, including the stack's defaults behind [`scripted_with`].
    pub headers: HeaderMap,
    /// The body bytes (collected, for a streamed body).
    pub body: Bytes,
    /// Whether the body was a [`Body::streaming`] one.
    pub streamed: bool,
}

impl RecordedRequest {
    /// The body as text, with invalid UTF-8 replaced.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The script ran out: the code under test sent more requests than expected.
#[derive(Debug, thiserror::Error)]
#[error("the mock script has no answer left for {method} {uri}; add one to the script")]
#[non_exhaustive]
pub struct ScriptExhausted {
    /// The unexpected request's method.
    pub method: Method,
    /// The unexpected request's URI.
    pub uri: Uri,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{is_connect, read_body_limited};
    use http::header::{CONTENT_TYPE, RETRY_AFTER};
    use http_body_util::Full;
    use std::time::Duration;

    #[tokio::test]
    async fn answers_in_order_and_records() {
        let (transport, handle) = scripted([
            ScriptedResponse::json(201, r#"{"ok":true}"#).retry_after(3),
            ScriptedResponse::connect_error(),
            ScriptedResponse::status(1000),
        ]);
        let request = Request::post("/jars/upload")
            .header("x-test", "1")
            .body(Body::from("payload"))
            .unwrap();
        let response = transport.send(request).await.unwrap();
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(response.headers()[RETRY_AFTER], "3");
        let body = read_body_limited(response.into_body(), 100).await.unwrap();
        assert_eq!(body, r#"{"ok":true}"#);

        let error = transport
            .send(Request::new(Body::empty()))
            .await
            .unwrap_err();
        assert!(is_connect(&*error));
        let error = transport
            .send(Request::new(Body::empty()))
            .await
            .unwrap_err();
        assert!(error.is::<InvalidScriptedStatus>());
        let error = transport
            .send(Request::new(Body::empty()))
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("no answer left for GET /"),
            "{error}"
        );

        let requests = handle.requests();
        assert_eq!(requests.len(), 4);
        assert_eq!(requests[0].method, Method::POST);
        assert_eq!(requests[0].uri, "/jars/upload");
        assert_eq!(requests[0].headers["x-test"], "1");
        assert_eq!(requests[0].body_text(), "payload");
        assert!(!requests[0].streamed);
        assert_eq!(handle.remaining(), 0);
        handle.push(ScriptedResponse::status(204));
        assert_eq!(handle.remaining(), 1);
        assert_eq!(
            format!("{handle:?}"),
            "MockHandle { requests: 4, remaining: 1, routes: 0 }"
        );
    }

    #[tokio::test]
    async fn routes_answer_every_match_before_the_script_and_the_latest_wins() {
        let (transport, handle) = scripted([ScriptedResponse::json(200, "scripted")]);
        handle.reply_to(
            Method::GET,
            "/jobs/*/status",
            ScriptedResponse::json(200, "RUNNING"),
        );
        handle.reply_to(
            Method::POST,
            "/jobs/*/stop",
            ScriptedResponse::connect_error(),
        );
        let send = |method: Method, uri: &'static str| {
            let request = Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty());
            transport.send(request.unwrap())
        };
        let body = |response: Response<ResponseBody>| read_body_limited(response.into_body(), 100);

        for _ in 0..3 {
            let response = send(Method::GET, "/jobs/a1/status").await.unwrap();
            assert_eq!(body(response).await.unwrap(), "RUNNING");
        }
        // Each match gets the route's error afresh, of the same kind.
        for _ in 0..2 {
            assert!(is_connect(
                &*send(Method::POST, "/jobs/a1/stop").await.unwrap_err()
            ));
        }
        assert_eq!(
            handle.remaining(),
            1,
            "routed requests leave the script alone"
        );
        let response = send(Method::GET, "/jobs/a1/status/more").await.unwrap();
        assert_eq!(body(response).await.unwrap(), "scripted");

        handle.reply_to(
            Method::GET,
            "/jobs/*/status",
            ScriptedResponse::json(200, "FINISHED"),
        );
        let response = send(Method::GET, "/jobs/a1/status").await.unwrap();
        assert_eq!(body(response).await.unwrap(), "FINISHED");
        assert_eq!(
            handle.request_count(),
            7,
            "routed requests are recorded too"
        );
    }

    #[tokio::test]
    async fn records_streamed_bodies() {
        let (transport, handle) = scripted([ScriptedResponse::status(200)]);
        let body = Body::streaming(Full::new(Bytes::from_static(b"chunk")));
        transport.send(Request::new(body)).await.unwrap();
        let request = &handle.requests()[0];
        assert!(request.streamed);
        assert_eq!(request.body, "chunk");
    }

    #[tokio::test(start_paused = true)]
    async fn delays_and_silence() {
        let (transport, _handle) = scripted([
            ScriptedResponse::status(200).after(Duration::from_secs(5)),
            ScriptedResponse::never(),
        ]);
        let start = tokio::time::Instant::now();
        transport.send(Request::new(Body::empty())).await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        let silent = tokio::time::timeout(
            Duration::from_secs(3600),
            transport.send(Request::new(Body::empty())),
        );
        assert!(silent.await.is_err());
    }
}
