//! One attempt: its timeout, and how its response body is read.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::Response;
use http_body_util::{BodyExt, Full};

use crate::classify::is_retryable_status;
use crate::idle_timeout::IdleTimeout;
use crate::prefix::{Prefix, read_prefix};
use crate::{AttemptTimedOut, BodyTooLarge, BoxError, BufferedResponse, ResponseBody};

/// How much of the body of a status the retry policy may retry (429, 502, 503, 504) is read for
/// it: enough for any error envelope, little enough to hold for a moment.
const RETRYABLE_BODY_LIMIT: usize = 64 * 1024;

/// A response extension: the whole body of a status the retry policy may retry, read by the
/// attempt. [`Outcome::from_result`](crate::Outcome::from_result) hands it to the retry rules.
#[derive(Clone, Debug)]
pub(crate) struct ReadBody(pub(crate) Bytes);

/// What bounds one attempt: its timeout ([`RequestTimeout`](crate::RequestTimeout) when set,
/// else the default; one tokio timer per attempt, which the stack sets around the response
/// head and [`Attempt::read_body`]), and how its body is read. The body is read within the
/// timeout when the caller reads it whole ([`BufferedResponse`]) or when its status is one the
/// retry policy may retry (up to 64 KiB, so the policy can tell Flink's error envelope from a
/// proxy's page). Any other body is handed on as a stream that fails after `body_idle_timeout`
/// without data.
pub(crate) struct Attempt {
    body_idle_timeout: Duration,
}

impl Attempt {
    pub(crate) fn new(body_idle_timeout: Duration) -> Self {
        Self { body_idle_timeout }
    }

    /// The error of an attempt that did not end within `after`.
    pub(crate) fn timed_out(after: Duration) -> BoxError {
        Box::new(AttemptTimedOut { after })
    }

    /// Reads the body the attempt must read, and puts the idle timeout on any other. What to
    /// read is decided before the future starts, so that it holds the response once.
    pub(crate) fn read_body<B>(
        &self,
        response: Response<B>,
        buffered: Option<BufferedResponse>,
    ) -> impl Future<Output = Result<Response<ResponseBody>, BoxError>> + Send + 'static
    where
        B: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Send + Unpin + 'static,
    {
        let idle = self.body_idle_timeout;
        let (mut parts, body) = response.into_parts();
        let retryable = is_retryable_status(parts.status);
        // Read whole: up to the caller's limit, past which the answer is refused, or else up to
        // 64 KiB for the retry rules, past which it streams.
        let whole = match buffered.filter(|b| b.applies_to(parts.status)) {
            Some(buffered) => Some((buffered.limit(), true)),
            None => retryable.then_some((RETRYABLE_BODY_LIMIT, false)),
        };
        async move {
            let Some((limit, refused_past_it)) = whole else {
                return Ok::<_, BoxError>(Response::from_parts(
                    parts,
                    IdleTimeout::wrap(body, idle),
                ));
            };
            let whole = match read_prefix(body, limit).await? {
                Prefix::Whole(bytes) => bytes,
                Prefix::Longer(_) if refused_past_it => {
                    return Err(Box::new(BodyTooLarge { limit }));
                }
                Prefix::Longer(body) => {
                    return Ok(Response::from_parts(parts, IdleTimeout::wrap(body, idle)));
                }
            };
            if retryable {
                // Only these statuses are retried, and only these bodies tell the rules anything.
                parts.extensions.insert(ReadBody(whole.clone()));
            }
            let body = Full::new(whole)
                .map_err(|never| match never {})
                .boxed_unsync();
            Ok(Response::from_parts(parts, body))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Body, BodyTooLarge, is_timeout};
    use http::StatusCode;
    use std::future::Future;

    /// One attempt as the stack runs it: `head`, then the body, within `after` (30 s idle).
    async fn attempt(
        after: Duration,
        buffered: Option<BufferedResponse>,
        head: impl Future<Output = Result<Response<ResponseBody>, BoxError>>,
    ) -> Result<Response<ResponseBody>, BoxError> {
        let attempt = Attempt::new(Duration::from_secs(30));
        tokio::time::timeout(after, async {
            attempt.read_body(head.await?, buffered).await
        })
        .await
        .unwrap_or_else(|_| Err(Attempt::timed_out(after)))
    }

    /// One 60 s attempt whose head is `response`, at once.
    async fn run(
        response: Response<ResponseBody>,
        buffered: Option<BufferedResponse>,
    ) -> Result<Response<ResponseBody>, BoxError> {
        attempt(Duration::from_secs(60), buffered, async { Ok(response) }).await
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

    #[tokio::test(start_paused = true)]
    async fn a_silent_server_times_the_attempt_out() {
        for after in [Duration::from_secs(60), Duration::from_secs(2)] {
            let start = tokio::time::Instant::now();
            let never = std::future::pending::<Result<Response<ResponseBody>, BoxError>>();
            let error = attempt(after, None, never).await.unwrap_err();
            assert!(is_timeout(&*error));
            assert_eq!(
                error.downcast_ref::<AttemptTimedOut>().unwrap().after,
                after
            );
            assert_eq!(start.elapsed(), after);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_buffered_answer_that_stalls_times_the_attempt_out() {
        let start = tokio::time::Instant::now();
        let error = run(stalling(200), Some(BufferedResponse::always(1000)))
            .await
            .unwrap_err();
        assert!(error.is::<AttemptTimedOut>(), "{error}");
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn a_streamed_answer_that_stalls_fails_after_the_idle_timeout() {
        let start = tokio::time::Instant::now();
        let response = run(
            stalling(200),
            Some(BufferedResponse::unless_successful(1000)),
        )
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
        let error = run(
            stalling(404),
            Some(BufferedResponse::unless_successful(1000)),
        )
        .await
        .unwrap_err();
        assert!(error.is::<AttemptTimedOut>(), "{error}");
    }

    #[tokio::test]
    async fn a_buffered_answer_past_its_limit_is_too_large() {
        let response = Response::new(crate::prefix::prefixed(
            Bytes::from_static(b"12345"),
            Body::empty().boxed_unsync(),
        ));
        let error = run(response, Some(BufferedResponse::always(4)))
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
        let response = run(answer(503, b"upstream connect error"), None)
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
        let response = run(answer(200, b"{}"), None).await.unwrap();
        assert!(response.extensions().get::<ReadBody>().is_none());
        assert_eq!(
            response.into_body().collect().await.unwrap().to_bytes(),
            "{}"
        );
        // A 200 read whole for the caller is not the rules' business.
        let response = run(answer(200, b"{}"), Some(BufferedResponse::always(10)))
            .await
            .unwrap();
        assert!(response.extensions().get::<ReadBody>().is_none());
        assert_eq!(
            response.into_body().collect().await.unwrap().to_bytes(),
            "{}"
        );

        // A retryable status with a body past 64 KiB reaches the caller whole, unread by the policy.
        let mut response = Response::new(crate::prefix::prefixed(
            Bytes::from(vec![b'x'; RETRYABLE_BODY_LIMIT + 1]),
            Body::empty().boxed_unsync(),
        ));
        *response.status_mut() = StatusCode::BAD_GATEWAY;
        let response = run(response, None).await.unwrap();
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
