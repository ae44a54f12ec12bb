//! Adds the default headers.

use std::sync::Arc;
use std::task::{Context, Poll};

use http::header::{AUTHORIZATION, EXPECT};
use http::{HeaderMap, Request};
use tower::Service;

use crate::{Body, BoxError, BoxFuture, TokenSource};

/// Adds each configured header the request does not already carry (`User-Agent`,
/// `Authorization`, [`TransportConfig::headers`](crate::TransportConfig::headers)), the
/// token of a [`TokenSource`] once per call, and drops `Expect`: Flink's Netty server does not
/// answer `100-continue`.
#[derive(Clone)]
pub(crate) struct DefaultHeaders<S> {
    inner: S,
    headers: Arc<HeaderMap>,
    token_source: Option<TokenSource>,
}

impl<S> DefaultHeaders<S> {
    pub(crate) fn new(inner: S, headers: HeaderMap, token_source: Option<TokenSource>) -> Self {
        Self {
            inner,
            headers: Arc::new(headers),
            token_source,
        }
    }
}

impl<S> Service<Request<Body>> for DefaultHeaders<S>
where
    S: Service<Request<Body>, Error = BoxError>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFuture<S::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        if let Some(source) = &self.token_source
            && !request.headers().contains_key(AUTHORIZATION)
        {
            match source.header_value() {
                Ok(value) => {
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
                Err(error) => return Box::pin(std::future::ready(Err(error))),
            }
        }
        let headers = request.headers_mut();
        for name in self.headers.keys() {
            if !headers.contains_key(name) {
                for value in self.headers.get_all(name) {
                    headers.append(name.clone(), value.clone());
                }
            }
        }
        headers.remove(EXPECT);
        Box::pin(self.inner.call(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use http::header::{ACCEPT, USER_AGENT};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tower::ServiceExt;

    fn echo()
    -> impl Service<Request<Body>, Response = HeaderMap, Error = BoxError, Future: Send> + Clone
    {
        tower::service_fn(|request: Request<Body>| async move {
            Ok::<_, BoxError>(request.headers().clone())
        })
    }

    #[tokio::test]
    async fn adds_missing_headers_only() {
        let mut defaults = HeaderMap::new();
        defaults.insert(USER_AGENT, HeaderValue::from_static("flink-rs/test"));
        defaults.append(ACCEPT, HeaderValue::from_static("application/json"));
        defaults.append(ACCEPT, HeaderValue::from_static("text/plain"));
        defaults.insert("x-tenant", HeaderValue::from_static("a"));
        let request = Request::get("/")
            .header("x-tenant", "b")
            .header(EXPECT, "100-continue")
            .body(Body::empty())
            .unwrap();
        let seen = DefaultHeaders::new(echo(), defaults, None)
            .oneshot(request)
            .await
            .unwrap();
        assert_eq!(seen[USER_AGENT], "flink-rs/test");
        assert_eq!(seen.get_all(ACCEPT).iter().count(), 2);
        assert_eq!(seen["x-tenant"], "b");
        assert!(!seen.contains_key(EXPECT));
    }

    #[tokio::test]
    async fn a_token_source_is_asked_for_each_call() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let source = TokenSource::new(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(crate::Secret::new(format!("t{n}")))
        });
        let service = DefaultHeaders::new(echo(), HeaderMap::new(), Some(source));
        let get = || Request::get("/").body(Body::empty()).unwrap();
        let first = service.clone().oneshot(get()).await.unwrap();
        let second = service.clone().oneshot(get()).await.unwrap();
        assert_eq!(first[AUTHORIZATION], "Bearer t1");
        assert_eq!(second[AUTHORIZATION], "Bearer t2");
        assert!(first[AUTHORIZATION].is_sensitive());
        // A request that brings its own credentials keeps them; the source is not asked.
        let own = Request::get("/")
            .header(AUTHORIZATION, "Bearer mine")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            service.oneshot(own).await.unwrap()[AUTHORIZATION],
            "Bearer mine"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_failing_token_source_fails_the_call_before_sending() {
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&sent);
        let inner = tower::service_fn(move |_request: Request<Body>| {
            counter.fetch_add(1, Ordering::SeqCst);
            async { Ok::<_, BoxError>(()) }
        });
        let source = TokenSource::new(|| Err("the identity provider is down".into()));
        let error = DefaultHeaders::new(inner, HeaderMap::new(), Some(source))
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("token source failed") && error.contains("identity provider"),
            "{error}"
        );
        assert_eq!(sent.load(Ordering::SeqCst), 0);
    }
}
