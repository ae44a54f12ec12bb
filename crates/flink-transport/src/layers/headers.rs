//! Adds the default headers.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::EXPECT;
use http::{HeaderMap, Request};
use tower::Service;

use crate::Body;

/// Adds each configured header the request does not already carry (`User-Agent`,
/// `Authorization`, [`TransportConfig::headers`](crate::TransportConfig::headers)), and drops
/// `Expect`: Flink's Netty server does not answer `100-continue`.
#[derive(Clone)]
pub(crate) struct DefaultHeaders<S> {
    inner: S,
    headers: Arc<HeaderMap>,
}

impl<S> DefaultHeaders<S> {
    pub(crate) fn new(inner: S, headers: HeaderMap) -> Self {
        Self {
            inner,
            headers: Arc::new(headers),
        }
    }
}

impl<S> Service<Request<Body>> for DefaultHeaders<S>
where
    S: Service<Request<Body>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let headers = request.headers_mut();
        for name in self.headers.keys() {
            if !headers.contains_key(name) {
                for value in self.headers.get_all(name) {
                    headers.append(name.clone(), value.clone());
                }
            }
        }
        headers.remove(EXPECT);
        self.inner.call(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use http::header::{ACCEPT, USER_AGENT};
    use std::convert::Infallible;
    use tower::ServiceExt;

    #[tokio::test]
    async fn adds_missing_headers_only() {
        let mut defaults = HeaderMap::new();
        defaults.insert(USER_AGENT, HeaderValue::from_static("flink-rs/test"));
        defaults.append(ACCEPT, HeaderValue::from_static("application/json"));
        defaults.append(ACCEPT, HeaderValue::from_static("text/plain"));
        defaults.insert("x-tenant", HeaderValue::from_static("a"));
        let echo = tower::service_fn(|request: Request<Body>| async move {
            Ok::<_, Infallible>(request.headers().clone())
        });
        let request = Request::get("/")
            .header("x-tenant", "b")
            .header(EXPECT, "100-continue")
            .body(Body::empty())
            .unwrap();
        let seen = DefaultHeaders::new(echo, defaults)
            .oneshot(request)
            .await
            .unwrap();
        assert_eq!(seen[USER_AGENT], "flink-rs/test");
        assert_eq!(seen.get_all(ACCEPT).iter().count(), 2);
        assert_eq!(seen["x-tenant"], "b");
        assert!(!seen.contains_key(EXPECT));
    }
}
