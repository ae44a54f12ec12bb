//! The retry rules, as a pure function.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use http::header::RETRY_AFTER;
use http::{HeaderMap, Response, StatusCode};

use crate::error::chain;
use crate::{BoxError, Idempotency, is_connect, is_timeout};

/// What to do about one attempt's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Return the outcome to the caller.
    DoNotRetry,
    /// Retry after the usual backoff.
    Retry,
    /// Retry after the server's `Retry-After` delay (the retry layer caps it).
    RetryAfter(Duration),
}

/// One attempt's outcome, as [`classify`] sees it.
#[derive(Clone, Copy, Debug)]
pub enum Outcome<'a> {
    /// A response arrived with this status and these headers.
    Status(StatusCode, &'a HeaderMap),
    /// The attempt failed without a response.
    Error(&'a (dyn Error + 'static)),
}

impl<'a> Outcome<'a> {
    /// The outcome of a transport result.
    pub fn from_result<B>(result: &'a Result<Response<B>, BoxError>) -> Self {
        match result {
            Ok(response) => Self::Status(response.status(), response.headers()),
            Err(error) => Self::Error(&**error),
        }
    }
}

impl fmt::Display for Outcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(status, _) => write!(f, "status {status}"),
            Self::Error(error) => write!(f, "error: {error}"),
        }
    }
}

/// Decides whether an attempt is retried.
///
/// | outcome | idempotent | not idempotent |
/// |---|---|---|
/// | connect error ([`is_connect`]): the request never left the client | retry | retry |
/// | 503 (Flink answers it before dispatch during leader election) | retry | retry |
/// | 429, 502, 504 | retry | no |
/// | timeout ([`is_timeout`]) or I/O error mid-request | retry | no |
/// | TLS failure (a `rustls::Error` in the chain): retrying cannot fix it | no | no |
/// | any other status or error | no | no |
///
/// A retryable status with a `Retry-After` header in seconds gives
/// [`Verdict::RetryAfter`]; the HTTP-date form is not parsed and falls back to
/// [`Verdict::Retry`]. Requests with a streamed body are never retried; that is decided before
/// this function (their body cannot be replayed).
///
/// ```
/// use flink_transport::{Idempotency, Outcome, Verdict, classify};
/// use http::{HeaderMap, StatusCode};
///
/// let headers = HeaderMap::new();
/// let outcome = Outcome::Status(StatusCode::SERVICE_UNAVAILABLE, &headers);
/// assert_eq!(classify(Idempotency::NotIdempotent, outcome), Verdict::Retry);
/// ```
pub fn classify(idempotency: Idempotency, outcome: Outcome<'_>) -> Verdict {
    let idempotent = idempotency == Idempotency::Idempotent;
    match outcome {
        Outcome::Status(status, headers) => match status.as_u16() {
            503 => retry_after(headers),
            429 | 502 | 504 if idempotent => retry_after(headers),
            _ => Verdict::DoNotRetry,
        },
        Outcome::Error(error) => {
            if is_tls_failure(error) {
                Verdict::DoNotRetry
            } else if is_connect(error) || (idempotent && (is_timeout(error) || is_io(error))) {
                Verdict::Retry
            } else {
                Verdict::DoNotRetry
            }
        }
    }
}

fn retry_after(headers: &HeaderMap) -> Verdict {
    headers
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map_or(Verdict::Retry, |seconds| {
            Verdict::RetryAfter(Duration::from_secs(seconds))
        })
}

/// A certificate or handshake error fails the same way every time.
fn is_tls_failure(error: &(dyn Error + 'static)) -> bool {
    chain(error).any(<dyn Error>::is::<rustls::Error>)
}

/// The connection broke while the request was in flight.
fn is_io(error: &(dyn Error + 'static)) -> bool {
    chain(error).any(|e| {
        e.is::<std::io::Error>()
            || e.downcast_ref::<hyper::Error>()
                .is_some_and(|e| e.is_incomplete_message() || e.is_closed() || e.is_canceled())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AttemptTimedOut;
    use http::HeaderValue;
    use std::io;

    use Idempotency::{Idempotent as I, NotIdempotent as N};
    use Verdict::{DoNotRetry, Retry, RetryAfter};

    fn status(code: u16, idempotency: Idempotency, retry_after: Option<&'static str>) -> Verdict {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
        }
        let code = StatusCode::from_u16(code).unwrap();
        classify(idempotency, Outcome::Status(code, &headers))
    }

    fn error(error: &BoxError, idempotency: Idempotency) -> Verdict {
        classify(idempotency, Outcome::Error(&**error))
    }

    fn refused() -> BoxError {
        Box::new(io::Error::from(io::ErrorKind::ConnectionRefused))
    }

    fn timed_out() -> BoxError {
        Box::new(AttemptTimedOut {
            after: Duration::from_secs(60),
        })
    }

    fn reset() -> BoxError {
        Box::new(io::Error::from(io::ErrorKind::ConnectionReset))
    }

    fn tls() -> BoxError {
        Box::new(io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        ))
    }

    #[derive(Debug, thiserror::Error)]
    #[error("some other failure")]
    struct Other;

    fn other() -> BoxError {
        Box::new(Other)
    }

    #[test]
    fn table() {
        let secs = |s| RetryAfter(Duration::from_secs(s));
        #[rustfmt::skip]
        let rows: Vec<(&str, Verdict, Verdict)> = vec![
            // (case, idempotent, not idempotent)
            ("connect error", error(&refused(), I), error(&refused(), N)),
            ("503", status(503, I, None), status(503, N, None)),
            ("503 + Retry-After", status(503, I, Some("7")), status(503, N, Some("7"))),
            ("429", status(429, I, None), status(429, N, None)),
            ("502", status(502, I, None), status(502, N, None)),
            ("504", status(504, I, None), status(504, N, None)),
            ("429 + Retry-After", status(429, I, Some("2")), status(429, N, Some("2"))),
            ("502 + Retry-After", status(502, I, Some(" 3 ")), status(502, N, Some("3"))),
            ("504 + date Retry-After", status(504, I, Some("Wed, 21 Oct 2015 07:28:00 GMT")), status(504, N, Some("Wed, 21 Oct 2015 07:28:00 GMT"))),
            ("attempt timeout", error(&timed_out(), I), error(&timed_out(), N)),
            ("I/O error mid-request", error(&reset(), I), error(&reset(), N)),
            ("TLS failure", error(&tls(), I), error(&tls(), N)),
            ("other error", error(&other(), I), error(&other(), N)),
            ("200", status(200, I, None), status(200, N, None)),
            ("404", status(404, I, None), status(404, N, None)),
            ("500", status(500, I, Some("1")), status(500, N, Some("1"))),
        ];
        #[rustfmt::skip]
        let expected = [
            (Retry, Retry),
            (Retry, Retry),
            (secs(7), secs(7)),
            (Retry, DoNotRetry),
            (Retry, DoNotRetry),
            (Retry, DoNotRetry),
            (secs(2), DoNotRetry),
            (secs(3), DoNotRetry),
            (Retry, DoNotRetry),
            (Retry, DoNotRetry),
            (Retry, DoNotRetry),
            (DoNotRetry, DoNotRetry),
            (DoNotRetry, DoNotRetry),
            (DoNotRetry, DoNotRetry),
            (DoNotRetry, DoNotRetry),
            (DoNotRetry, DoNotRetry),
        ];
        assert_eq!(rows.len(), expected.len());
        for ((case, idempotent, not_idempotent), (want_i, want_n)) in rows.into_iter().zip(expected)
        {
            assert_eq!(idempotent, want_i, "{case}, idempotent");
            assert_eq!(not_idempotent, want_n, "{case}, not idempotent");
        }
    }

    #[test]
    fn every_status() {
        for code in 200..=599 {
            for idempotency in [I, N] {
                let want = match (code, idempotency) {
                    (503, _) | (429 | 502 | 504, I) => Retry,
                    _ => DoNotRetry,
                };
                assert_eq!(
                    status(code, idempotency, None),
                    want,
                    "{code} {idempotency:?}"
                );
            }
        }
    }

    #[test]
    fn outcome_from_result() {
        let ok: Result<Response<()>, BoxError> =
            Ok(Response::builder().status(503).body(()).unwrap());
        assert!(matches!(Outcome::from_result(&ok), Outcome::Status(s, _) if s == 503));
        assert_eq!(
            Outcome::from_result(&ok).to_string(),
            "status 503 Service Unavailable"
        );
        let err: Result<Response<()>, BoxError> = Err(refused());
        assert_eq!(classify(N, Outcome::from_result(&err)), Retry);
    }
}
