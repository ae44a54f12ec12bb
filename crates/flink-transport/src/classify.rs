//! The retry rules, as a pure function.

use std::error::Error;
use std::fmt;
use std::time::Duration;

use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, Response, StatusCode};

use crate::error::{chain, client_errors};
use crate::layers::ReadBody;
use crate::{BoxError, Idempotency, is_connect, is_timeout};

/// What to do about one attempt's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
pub enum Outcome<'a> {
    /// A response arrived.
    Status {
        /// Its status.
        status: StatusCode,
        /// Its headers.
        headers: &'a HeaderMap,
        /// Its whole body, when the attempt read it for these rules: the default stack reads
        /// the body of every 429, 502, 503 and 504, up to 64 KiB (or the limit of a
        /// [`BufferedResponse`](crate::BufferedResponse)). `None` for any other status, whose
        /// body the rules never look at, and for a body not read.
        body: Option<&'a [u8]>,
    },
    /// The attempt failed without a response.
    Error(&'a (dyn Error + 'static)),
}

impl<'a> Outcome<'a> {
    /// The outcome of a transport result, with the body the attempt read, if it did.
    pub fn from_result<B>(result: &'a Result<Response<B>, BoxError>) -> Self {
        match result {
            Ok(response) => Self::Status {
                status: response.status(),
                headers: response.headers(),
                body: response
                    .extensions()
                    .get::<ReadBody>()
                    .map(|read| &read.0[..]),
            },
            Err(error) => Self::Error(&**error),
        }
    }

    /// Whether the server could not be reached ([`is_connect`]) or answered 503: what a
    /// JobManager says while its cluster elects a leader. The retry policy keeps retrying these,
    /// when [`classify`] allows it, for
    /// [`RetryConfig::unavailable_retry_window`](crate::RetryConfig::unavailable_retry_window).
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Status { status, .. } => *status == StatusCode::SERVICE_UNAVAILABLE,
            Self::Error(error) => is_connect(*error),
        }
    }
}

impl fmt::Display for Outcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status { status, .. } => write!(f, "status {status}"),
            Self::Error(error) => write!(f, "error: {error}"),
        }
    }
}

/// Decides whether an attempt is retried.
///
/// | outcome | idempotent | not idempotent |
/// |---|---|---|
/// | connect error ([`is_connect`]): the request never left the client | retry | retry |
/// | 503 with Flink's error envelope as its body (see below) | retry | retry |
/// | any other 503: a proxy's (Envoy's `text/plain` "upstream connect error or disconnect/reset before headers", nginx's HTML page, an empty body) or an unread body | retry | no |
/// | 429, 502, 504 | retry | no |
/// | timeout ([`is_timeout`]) or I/O error mid-request (a reset) | retry | no |
/// | TLS failure (a `rustls::Error` in the chain): retrying cannot fix it | no | no |
/// | any other status or error, such as [`BodyTooLarge`](crate::BodyTooLarge) | no | no |
///
/// The one piece of Flink knowledge in this crate: Flink's REST server answers 503 *before*
/// dispatching to a handler while its cluster elects a leader, with its JSON error envelope
/// (`Content-Type: application/json`, a body like
/// `{"errors": ["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}`,
/// an object with a non-empty `errors` array of strings). Such a request never ran, so resending
/// it is safe even when it is not idempotent. A proxy in front of Flink (Envoy, Istio, nginx)
/// answers 503 itself, and may do so *after* forwarding the request: a resent `POST` could run
/// twice, so a non-idempotent request is resent after a 503 only when its body proves it came
/// from Flink.
///
/// A retryable status with a `Retry-After` header in seconds gives
/// [`Verdict::RetryAfter`]; the HTTP-date form is not parsed and falls back to
/// [`Verdict::Retry`]. Requests with a streamed body are never retried; that is decided before
/// this function (their body cannot be replayed).
///
/// ```
/// use flink_transport::{Idempotency, Outcome, Verdict, classify};
/// use http::{HeaderMap, HeaderValue, StatusCode, header::CONTENT_TYPE};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
/// let flink = br#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;
/// let outcome = |body: &'static [u8]| Outcome::Status {
///     status: StatusCode::SERVICE_UNAVAILABLE,
///     headers: &headers,
///     body: Some(body),
/// };
/// assert_eq!(classify(Idempotency::NotIdempotent, outcome(flink)), Verdict::Retry);
/// let envoy = b"upstream connect error or disconnect/reset before headers";
/// assert_eq!(classify(Idempotency::NotIdempotent, outcome(envoy)), Verdict::DoNotRetry);
/// assert_eq!(classify(Idempotency::Idempotent, outcome(envoy)), Verdict::Retry);
/// ```
pub fn classify(idempotency: Idempotency, outcome: Outcome<'_>) -> Verdict {
    let idempotent = idempotency == Idempotency::Idempotent;
    match outcome {
        Outcome::Status {
            status,
            headers,
            body,
        } => {
            let before_dispatch = status == StatusCode::SERVICE_UNAVAILABLE
                && body.is_some_and(|body| is_flink_error_envelope(headers, body));
            if is_retryable_status(status) && (idempotent || before_dispatch) {
                retry_after(headers)
            } else {
                Verdict::DoNotRetry
            }
        }
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

/// The statuses [`classify`] may retry; the attempt reads their bodies for it.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Whether a response is Flink's JSON error envelope: typed `application/json`, and a JSON
/// object with a non-empty `errors` array of strings. (`serde_json` refuses nesting past 128
/// levels, so a hostile body cannot exhaust the stack here.)
fn is_flink_error_envelope(headers: &HeaderMap, body: &[u8]) -> bool {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"));
    json && serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .as_ref()
        .and_then(|value| value.get("errors"))
        .and_then(serde_json::Value::as_array)
        .is_some_and(|errors| !errors.is_empty() && errors.iter().all(serde_json::Value::is_string))
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
    chain(error).any(client_errors::is_tls)
}

/// The connection broke while the request was in flight.
fn is_io(error: &(dyn Error + 'static)) -> bool {
    chain(error).any(|e| e.is::<std::io::Error>() || client_errors::is_broken(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AttemptTimedOut, BodyIdleTimedOut, BodyTooLarge};
    use http::HeaderValue;
    use proptest::prelude::*;
    use std::io;

    use Idempotency::{Idempotent as I, NotIdempotent as N};
    use Verdict::{DoNotRetry, Retry, RetryAfter};

    const FLINK_503: &str = r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;
    const ENVOY_503: &str = "upstream connect error or disconnect/reset before headers. reset reason: connection termination";
    const NGINX_503: &str = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    /// A response outcome: status, `Content-Type` and `Retry-After` when given, and the body
    /// the attempt read.
    struct Answer {
        code: u16,
        content_type: Option<&'static str>,
        retry_after: Option<&'static str>,
        body: Option<&'static str>,
    }

    impl Answer {
        fn new(code: u16) -> Self {
            Self {
                code,
                content_type: None,
                retry_after: None,
                body: Some(""),
            }
        }

        fn json(code: u16, body: &'static str) -> Self {
            Self {
                content_type: Some("application/json; charset=UTF-8"),
                body: Some(body),
                ..Self::new(code)
            }
        }

        fn text(code: u16, content_type: &'static str, body: &'static str) -> Self {
            Self {
                content_type: Some(content_type),
                body: Some(body),
                ..Self::new(code)
            }
        }

        fn unread(self) -> Self {
            Self { body: None, ..self }
        }

        fn retry_after(self, value: &'static str) -> Self {
            Self {
                retry_after: Some(value),
                ..self
            }
        }

        fn verdict(&self, idempotency: Idempotency) -> Verdict {
            let mut headers = HeaderMap::new();
            if let Some(value) = self.content_type {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            }
            if let Some(value) = self.retry_after {
                headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
            }
            let outcome = Outcome::Status {
                status: StatusCode::from_u16(self.code).unwrap(),
                headers: &headers,
                body: self.body.map(str::as_bytes),
            };
            classify(idempotency, outcome)
        }
    }

    fn status(code: u16, idempotency: Idempotency, retry_after: Option<&'static str>) -> Verdict {
        let answer = Answer::new(code);
        match retry_after {
            Some(value) => answer.retry_after(value),
            None => answer,
        }
        .verdict(idempotency)
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

    fn body_idle() -> BoxError {
        Box::new(BodyIdleTimedOut {
            after: Duration::from_secs(60),
        })
    }

    fn reset() -> BoxError {
        Box::new(io::Error::from(io::ErrorKind::ConnectionReset))
    }

    /// A certificate error, as the default client's rustls reports it.
    #[cfg(feature = "default-client")]
    fn tls() -> BoxError {
        Box::new(io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        ))
    }

    /// Without the default client, no error counts as a TLS failure: any other error.
    #[cfg(not(feature = "default-client"))]
    fn tls() -> BoxError {
        other()
    }

    fn too_large() -> BoxError {
        Box::new(BodyTooLarge { limit: 10 })
    }

    #[derive(Debug, thiserror::Error)]
    #[error("some other failure")]
    struct Other;

    fn other() -> BoxError {
        Box::new(Other)
    }

    /// Verdicts for an idempotent and a non-idempotent request.
    type Pair = (Verdict, Verdict);

    #[test]
    fn table() {
        let secs = |s| RetryAfter(Duration::from_secs(s));
        let both = |answer: Answer| (answer.verdict(I), answer.verdict(N));
        #[rustfmt::skip]
        let rows: Vec<(&str, Pair, Pair)> = vec![
            // (case, (idempotent, not idempotent), expected)
            ("connect error", (error(&refused(), I), error(&refused(), N)), (Retry, Retry)),
            ("Flink's 503", both(Answer::json(503, FLINK_503)), (Retry, Retry)),
            ("Flink's 503 + Retry-After", both(Answer::json(503, FLINK_503).retry_after("7")), (secs(7), secs(7))),
            ("Flink's 503, bare application/json", both(Answer::text(503, "Application/JSON", r#"{"errors":["x","y"]}"#)), (Retry, Retry)),
            ("Envoy's 503", both(Answer::text(503, "text/plain", ENVOY_503)), (Retry, DoNotRetry)),
            ("nginx's 503", both(Answer::text(503, "text/html", NGINX_503)), (Retry, DoNotRetry)),
            ("empty 503", both(Answer::new(503)), (Retry, DoNotRetry)),
            ("503, body not read", both(Answer::json(503, FLINK_503).unread()), (Retry, DoNotRetry)),
            ("503, envelope typed text/plain", both(Answer::text(503, "text/plain", FLINK_503)), (Retry, DoNotRetry)),
            ("503, JSON without errors", both(Answer::json(503, r#"{"code":503,"message":"no healthy upstream"}"#)), (Retry, DoNotRetry)),
            ("503, errors not strings", both(Answer::json(503, r#"{"errors":[{"x":1}]}"#)), (Retry, DoNotRetry)),
            ("503, errors empty", both(Answer::json(503, r#"{"errors":[]}"#)), (Retry, DoNotRetry)),
            ("503, errors not an array", both(Answer::json(503, r#"{"errors":"down"}"#)), (Retry, DoNotRetry)),
            ("503, an array of errors", both(Answer::json(503, r#"[{"errors":["x"]}]"#)), (Retry, DoNotRetry)),
            ("503, broken JSON", both(Answer::json(503, r#"{"errors":["x"]"#)), (Retry, DoNotRetry)),
            ("503, deeply nested JSON", both(Answer::json(503, deep())), (Retry, DoNotRetry)),
            ("503 + Retry-After, proxy", both(Answer::new(503).retry_after("7")), (secs(7), DoNotRetry)),
            ("429", (status(429, I, None), status(429, N, None)), (Retry, DoNotRetry)),
            ("502", (status(502, I, None), status(502, N, None)), (Retry, DoNotRetry)),
            ("502 with Flink's envelope", both(Answer::json(502, FLINK_503)), (Retry, DoNotRetry)),
            ("504", (status(504, I, None), status(504, N, None)), (Retry, DoNotRetry)),
            ("429 + Retry-After", (status(429, I, Some("2")), status(429, N, Some("2"))), (secs(2), DoNotRetry)),
            ("502 + Retry-After", (status(502, I, Some(" 3 ")), status(502, N, Some("3"))), (secs(3), DoNotRetry)),
            ("504 + date Retry-After", (status(504, I, Some("Wed, 21 Oct 2015 07:28:00 GMT")), status(504, N, Some("Wed, 21 Oct 2015 07:28:00 GMT"))), (Retry, DoNotRetry)),
            ("attempt timeout", (error(&timed_out(), I), error(&timed_out(), N)), (Retry, DoNotRetry)),
            ("body idle timeout", (error(&body_idle(), I), error(&body_idle(), N)), (Retry, DoNotRetry)),
            ("I/O error mid-request", (error(&reset(), I), error(&reset(), N)), (Retry, DoNotRetry)),
            ("body too large", (error(&too_large(), I), error(&too_large(), N)), (DoNotRetry, DoNotRetry)),
            ("TLS failure", (error(&tls(), I), error(&tls(), N)), (DoNotRetry, DoNotRetry)),
            ("other error", (error(&other(), I), error(&other(), N)), (DoNotRetry, DoNotRetry)),
            ("200", (status(200, I, None), status(200, N, None)), (DoNotRetry, DoNotRetry)),
            ("404", (status(404, I, None), status(404, N, None)), (DoNotRetry, DoNotRetry)),
            ("500", (status(500, I, Some("1")), status(500, N, Some("1"))), (DoNotRetry, DoNotRetry)),
            ("500 with Flink's envelope", both(Answer::json(500, FLINK_503)), (DoNotRetry, DoNotRetry)),
        ];
        for (case, (idempotent, not_idempotent), (want_i, want_n)) in rows {
            assert_eq!(idempotent, want_i, "{case}, idempotent");
            assert_eq!(not_idempotent, want_n, "{case}, not idempotent");
        }
    }

    /// An envelope nested 100,000 levels deep, inside the `errors` array.
    fn deep() -> &'static str {
        let depth = 100_000;
        format!("{{\"errors\":{}{}}}", "[".repeat(depth), "]".repeat(depth)).leak()
    }

    #[test]
    fn every_status() {
        for code in 200..=599 {
            for idempotency in [I, N] {
                let want = match (code, idempotency) {
                    (429 | 502 | 503 | 504, I) => Retry,
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
        assert!(matches!(
            Outcome::from_result(&ok),
            Outcome::Status { status, body: None, .. } if status == 503
        ));
        assert!(Outcome::from_result(&ok).is_unavailable());
        assert_eq!(
            Outcome::from_result(&ok).to_string(),
            "status 503 Service Unavailable"
        );
        assert_eq!(classify(N, Outcome::from_result(&ok)), DoNotRetry);

        let read: Result<Response<()>, BoxError> = Ok(Response::builder()
            .status(503)
            .header(CONTENT_TYPE, "application/json")
            .extension(ReadBody(bytes::Bytes::from_static(FLINK_503.as_bytes())))
            .body(())
            .unwrap());
        assert_eq!(classify(N, Outcome::from_result(&read)), Retry);

        let err: Result<Response<()>, BoxError> = Err(refused());
        assert_eq!(classify(N, Outcome::from_result(&err)), Retry);
        assert!(Outcome::from_result(&err).is_unavailable());
        let err: Result<Response<()>, BoxError> = Err(timed_out());
        assert!(!Outcome::from_result(&err).is_unavailable());
        let ok: Result<Response<()>, BoxError> =
            Ok(Response::builder().status(502).body(()).unwrap());
        assert!(!Outcome::from_result(&ok).is_unavailable());
    }

    /// The kinds of failure without a response.
    fn any_error() -> impl Strategy<Value = BoxError> {
        prop_oneof![
            Just(refused as fn() -> BoxError),
            Just(timed_out as fn() -> BoxError),
            Just(body_idle as fn() -> BoxError),
            Just(reset as fn() -> BoxError),
            Just(tls as fn() -> BoxError),
            Just(too_large as fn() -> BoxError),
            Just(other as fn() -> BoxError),
            Just((|| Box::new(io::Error::from(io::ErrorKind::UnexpectedEof))) as fn() -> BoxError),
        ]
        .prop_map(|make| make())
    }

    /// Bodies a 503 may carry: Flink's envelope with any messages, proxies' pages, JSON of
    /// other shapes, and arbitrary bytes.
    fn any_body() -> impl Strategy<Value = (Vec<u8>, bool)> {
        let envelope = prop::collection::vec(".*", 1..4).prop_map(|errors| {
            (
                serde_json::to_vec(&serde_json::json!({ "errors": errors })).unwrap(),
                true,
            )
        });
        let proxy = prop_oneof![
            Just(ENVOY_503),
            Just(NGINX_503),
            Just(""),
            Just("no healthy upstream")
        ]
        .prop_map(|page| (page.as_bytes().to_vec(), false));
        let other_json = prop_oneof![
            Just(r#"{"errors":[]}"#),
            Just(r#"{"errors":[1,2]}"#),
            Just(r#"{"error":"x"}"#),
            Just(r#"["errors"]"#),
            Just("null"),
        ]
        .prop_map(|json| (json.as_bytes().to_vec(), false));
        let bytes = prop::collection::vec(any::<u8>(), 0..200).prop_map(|bytes| (bytes, false));
        prop_oneof![envelope, proxy, other_json, bytes]
    }

    fn any_content_type() -> impl Strategy<Value = Option<&'static str>> {
        prop_oneof![
            Just(None),
            Just(Some("application/json")),
            Just(Some("application/json; charset=UTF-8")),
            Just(Some("text/plain")),
            Just(Some("text/html")),
            Just(Some("application/problem+json")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A non-idempotent request is resent only when it never left the client (a connect
        /// error) or when Flink answered 503 before dispatch (its JSON envelope).
        #[test]
        fn a_non_idempotent_request_is_resent_only_when_it_never_ran(
            code in prop_oneof![
                3 => Just(503_u16),
                1 => prop::sample::select(vec![429_u16, 502, 504, 500, 200, 404]),
                1 => 100_u16..=599,
            ],
            content_type in any_content_type(),
            retry_after in prop::option::of("[0-9]{1,3}|.*"),
            (body, is_envelope) in any_body(),
            read in any::<bool>(),
            failure in prop::option::of(any_error()),
        ) {
            let mut headers = HeaderMap::new();
            if let Some(value) = content_type {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            }
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(RETRY_AFTER, value);
            }
            let status = StatusCode::from_u16(code).unwrap();
            let outcome = match &failure {
                Some(error) => Outcome::Error(&**error),
                None => Outcome::Status { status, headers: &headers, body: read.then_some(&body[..]) },
            };
            let retried = classify(N, outcome) != DoNotRetry;
            let json = content_type.is_some_and(|t| t.starts_with("application/json"));
            let safe = failure.as_ref().map_or(
                code == 503 && read && is_envelope && json,
                |error| is_connect(&**error),
            );
            prop_assert_eq!(retried, safe, "{}", outcome);
            // Whatever is resent when not idempotent is resent when idempotent.
            if retried {
                prop_assert_ne!(classify(I, outcome), DoNotRetry);
            }
        }
    }
}
