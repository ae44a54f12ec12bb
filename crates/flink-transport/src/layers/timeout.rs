//! Per-attempt timeout, overridable per request.

use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response};
use tower::Service;

use crate::{AttemptTimedOut, Body, BoxError, BoxFuture, RequestTimeout, ResponseBody};

/// Fails an attempt with [`AttemptTimedOut`] when no response head arrives in time. Unlike
/// tower's `Timeout`, the limit comes from the request's [`RequestTimeout`] extension when set.
#[derive(Clone)]
pub(crate) struct AttemptTimeout<S> {
    inner: S,
    default: Duration,
}

impl<S> AttemptTimeout<S> {
    pub(crate) fn new(inner: S, default: Duration) -> Self {
        Self { inner, default }
    }
}

impl<S> Service<Request<Body>> for AttemptTimeout<S>
where
    S: Service<Request<Body>, Response = Response<ResponseBody>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<ResponseBody>;
    type Error = BoxError;
    type Future = BoxFuture<Response<ResponseBody>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let after = request
            .extensions()
            .get::<RequestTimeout>()
            .map_or(self.default, |timeout| timeout.0);
        let response = self.inner.call(request);
        Box::pin(async move {
            tokio::time::timeout(after, response)
                .await
                .unwrap_or_else(|_| Err(Box::new(AttemptTimedOut { after })))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::is_timeout;
    use tower::ServiceExt;

    fn never() -> AttemptTimeout<
        tower::util::BoxCloneSyncService<Request<Body>, Response<ResponseBody>, BoxError>,
    > {
        let inner = tower::service_fn(|_: Request<Body>| std::future::pending());
        AttemptTimeout::new(
            tower::util::BoxCloneSyncService::new(inner),
            Duration::from_secs(60),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn default_and_override() {
        let start = tokio::time::Instant::now();
        let error = never()
            .oneshot(Request::new(Body::empty()))
            .await
            .unwrap_err();
        assert!(is_timeout(&*error));
        assert_eq!(start.elapsed(), Duration::from_secs(60));

        let start = tokio::time::Instant::now();
        let mut request = Request::new(Body::empty());
        request
            .extensions_mut()
            .insert(RequestTimeout(Duration::from_secs(2)));
        let error = never().oneshot(request).await.unwrap_err();
        assert_eq!(
            error.downcast_ref::<AttemptTimedOut>().unwrap().after,
            Duration::from_secs(2)
        );
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }
}
