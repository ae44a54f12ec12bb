//! One attempt: its timeout, and how its response body is read.

use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use tower::Service;

use crate::classify::is_retryable_status;
use crate::idle_timeout::IdleTimeout;
use crate::prefix::{Prefix, read_prefix};
use crate::{
    AttemptTimedOut, Body, BoxError, BoxFuture, BufferedResponse, RequestTimeout, ResponseBody,
    read_body_limited,
};

/// How much of the body of a status the retry policy may retry (429, 502, 503, 504) is read for
/// it: enough for any error envelope, little enough to hold for a moment.
const RETRYABLE_BODY_LIMIT: usize = 64 * 1024;

/// A response extension: the whole body, read by the attempt.
/// [`Outcome::from_result`](crate::Outcome::from_result) hands it to the retry rules.
#[derive(Clone, Debug)]
pub(crate) struct ReadBody(pub(crate) Bytes);

/// Bounds one attempt by its timeout ([`RequestTimeout`] when set, else the default): the
/// response head, and the whole body when the caller reads it whole ([`BufferedResponse`]) or
/// when its status is one the retry policy may retry (up to 64 KiB, so the policy can tell
/// Flink's error envelope from a proxy's page). Any other body is handed on as a stream that
/// fails after `body_idle_timeout` without data.
#[derive(Clone)]
pub(crate) struct Attempt<S> {
    inner: S,
    timeout: Duration,
    body_idle_timeout: Duration,
}

impl<S> Attempt<S> {
    pub(crate) fn new(inner: S, timeout: Duration, body_idle_timeout: Duration) -> Self {
        Self {
            inner,
            timeout,
            body_idle_timeout,
        }
    }
}

impl<S> Service<Request<Body>> for Attempt<S>
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
            .map_or(self.timeout, |timeout| timeout.0);
        let buffered = request.extensions().get::<BufferedResponse>().copied();
        let idle = self.body_idle_timeout;
        let response = self.inner.call(request);
        Box::pin(async move {
            let attempt = async move { read_body(response.await?, buffered, idle).await };
            tokio::time::timeout(after, attempt)
                .await
                .unwrap_or_else(|_| Err(Box::new(AttemptTimedOut { after })))
        })
    }
}

/// Reads the body the attempt must read, and puts the idle timeout on any other.
async fn read_body(
    response: Response<ResponseBody>,
    buffered: Option<BufferedResponse>,
    idle: Duration,
) -> Result<Response<ResponseBody>, BoxError> {
    let (mut parts, body) = response.into_parts();
    let whole = if let Some(buffered) = buffered.filter(|b| b.applies_to(parts.status)) {
        read_body_limited(body, buffered.limit()).await?
    } else if is_retryable_status(parts.status) {
        match read_prefix(body, RETRYABLE_BODY_LIMIT).await? {
            Prefix::Whole(bytes) => bytes,
            Prefix::Longer(body) => {
                return Ok(Response::from_parts(parts, IdleTimeout::wrap(body, idle)));
            }
        }
    } else {
        return Ok(Response::from_parts(parts, IdleTimeout::wrap(body, idle)));
    };
    parts.extensions.insert(ReadBody(whole.clone()));
    let body = Full::new(whole)
        .map_err(|never| match never {})
        .boxed_unsync();
    Ok(Response::from_parts(parts, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BodyTooLarge, is_timeout};
    use http::StatusCode;
    use tower::ServiceExt;
    use tower::util::BoxCloneSyncService;

    type Inner = BoxCloneSyncService<Request<Body>, Response<ResponseBody>, BoxError>;

    fn attempt(answer: fn() -> Response<ResponseBody>) -> Attempt<Inner> {
        let inner = tower::service_fn(move |_: Request<Body>| async move { Ok(answer()) });
        Attempt::new(
            BoxCloneSyncService::new(inner),
            Duration::from_secs(60),
            Duration::from_secs(30),
        )
    }

    fn never() -> Attempt<Inner> {
        let inner = tower::service_fn(|_: Request<Body>| std::future::pending());
        Attempt::new(
            BoxCloneSyncService::new(inner),
            Duration::from_secs(60),
            Duration::from_secs(30),
        )
    }

    /// A response with `status` whose body sends `b"start"`, then nothing, forever.
    fn stalling(status: u16) -> Response<ResponseBody> {
        let silent = http_body_util::StreamBody::new(futures_util::stream::pending::<
            Result<http_body::Frame<Bytes>, BoxError>,
        >());
        let body = crate::prefix::prefixed(Bytes::from_static(b"start"), silent.boxed_unsync());
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        response
    }

    fn with(extension: BufferedResponse) -> Request<Body> {
        let mut request = Request::new(Body::empty());
        request.extensions_mut().insert(extension);
        request
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

    #[tokio::test(start_paused = true)]
    async fn a_buffered_answer_that_stalls_times_the_attempt_out() {
        let start = tokio::time::Instant::now();
        let error = attempt(|| stalling(200))
            .oneshot(with(BufferedResponse::always(1000)))
            .await
            .unwrap_err();
        assert!(error.is::<AttemptTimedOut>(), "{error}");
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_streamed_answer_that_stalls_fails_after_the_idle_timeout() {
        let start = tokio::time::Instant::now();
        let response = attempt(|| stalling(200))
            .oneshot(with(BufferedResponse::unless_successful(1000)))
            .await
            .unwrap();
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the head is handed over at once"
        );
        let error = response.into_body().collect().await.unwrap_err();
        assert!(error.is::<crate::BodyIdleTimedOut>(), "{error}");
        assert_eq!(start.elapsed(), Duration::from_secs(30));
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_answer_of_a_stream_is_read_within_the_attempt() {
        let error = attempt(|| stalling(404))
            .oneshot(with(BufferedResponse::unless_successful(1000)))
            .await
            .unwrap_err();
        assert!(error.is::<AttemptTimedOut>(), "{error}");
    }

    #[tokio::test]
    async fn a_buffered_answer_past_its_limit_is_too_large() {
        let error = attempt(|| {
            Response::new(crate::prefix::prefixed(
                Bytes::from_static(b"12345"),
                Body::empty().boxed_unsync(),
            ))
        })
        .oneshot(with(BufferedResponse::always(4)))
        .await
        .unwrap_err();
        assert_eq!(error.downcast_ref::<BodyTooLarge>().unwrap().limit, 4);
    }

    #[tokio::test]
    async fn bodies_read_for_the_retry_rules_are_kept_for_the_caller() {
        fn answer(status: u16, body: &'static [u8]) -> Response<ResponseBody> {
            let mut response = Response::new(
                Full::new(Bytes::from_static(body))
                    .map_err(|never| match never {})
                    .boxed_unsync(),
            );
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            response
        }
        // A 503 is read whole and shown to the policy; a 200 streams untouched.
        let response = attempt(|| answer(503, b"upstream connect error"))
            .oneshot(Request::new(Body::empty()))
            .await
            .unwrap();
        assert_eq!(
            response.extensions().get::<ReadBody>().unwrap().0,
            "upstream connect error"
        );
        assert_eq!(
            response.into_body().collect().await.unwrap().to_bytes(),
            "upstream connect error"
        );
        let response = attempt(|| answer(200, b"{}"))
            .oneshot(Request::new(Body::empty()))
            .await
            .unwrap();
        assert!(response.extensions().get::<ReadBody>().is_none());
        assert_eq!(
            response.into_body().collect().await.unwrap().to_bytes(),
            "{}"
        );

        // A retryable status with a body past 64 KiB reaches the caller whole, unread by the policy.
        let response = attempt(|| {
            let mut response = Response::new(crate::prefix::prefixed(
                Bytes::from(vec![b'x'; RETRYABLE_BODY_LIMIT + 1]),
                Body::empty().boxed_unsync(),
            ));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response
        })
        .oneshot(Request::new(Body::empty()))
        .await
        .unwrap();
        assert!(response.extensions().get::<ReadBody>().is_none());
        assert_eq!(
            response
                .into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .len(),
            RETRYABLE_BODY_LIMIT + 1
        );
    }
}
