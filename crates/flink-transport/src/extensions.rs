//! Request extensions the layers read; the caller (e.g. flink-client) sets them.

use std::time::Duration;

use http::{Method, Request, StatusCode};

/// Whether sending a request twice has the same effect as sending it once. Decides which
/// failures are retried (see [`classify`](crate::classify)).
///
/// Set it as a request extension; when it is absent, `GET`, `HEAD`, `OPTIONS`, `PUT` and
/// `DELETE` count as idempotent and every other method does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Safe to resend.
    Idempotent,
    /// Resending may repeat a side effect.
    NotIdempotent,
}

impl Idempotency {
    /// The fallback used when a request carries no [`Idempotency`] extension.
    pub fn from_method(method: &Method) -> Self {
        match *method {
            Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE => {
                Self::Idempotent
            }
            _ => Self::NotIdempotent,
        }
    }

    /// The request's [`Idempotency`] extension, or the method-based fallback.
    pub fn of<B>(request: &Request<B>) -> Self {
        request
            .extensions()
            .get::<Self>()
            .copied()
            .unwrap_or_else(|| Self::from_method(request.method()))
    }
}

/// Overrides [`TransportConfig::attempt_timeout`](crate::TransportConfig::attempt_timeout) for
/// one request, e.g. a long jar upload. It applies to each attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestTimeout(pub Duration);

/// Says the caller reads the answer whole (a JSON answer, an error body), so the attempt
/// reads it: the body then counts against the attempt's timeout (a stalled body fails the
/// attempt with [`AttemptTimedOut`](crate::AttemptTimedOut), retried like any timeout: only for
/// idempotent requests), a body past `limit` fails with [`BodyTooLarge`](crate::BodyTooLarge)
/// (never retried), and the response arrives with its body in memory.
///
/// Without it, a body is handed over as a stream, with
/// [`TransportConfig::body_idle_timeout`](crate::TransportConfig::body_idle_timeout) between
/// chunks.
///
/// ```
/// use flink_transport::{Body, BufferedResponse};
///
/// let mut request = http::Request::get("/overview").body(Body::empty()).unwrap();
/// request.extensions_mut().insert(BufferedResponse::always(64 << 20));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferedResponse {
    limit: usize,
    only_unsuccessful: bool,
}

impl BufferedResponse {
    /// Read every answer whole, up to `limit` bytes.
    pub fn always(limit: usize) -> Self {
        Self {
            limit,
            only_unsuccessful: false,
        }
    }

    /// Read only answers without a 2xx status whole, up to `limit` bytes: for a stream (a log,
    /// a download) whose error answer the caller decodes, while a successful body streams.
    pub fn unless_successful(limit: usize) -> Self {
        Self {
            limit,
            only_unsuccessful: true,
        }
    }

    /// The largest body accepted, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Whether an answer with `status` is read whole.
    pub fn applies_to(&self, status: StatusCode) -> bool {
        !(self.only_unsuccessful && status.is_success())
    }
}

/// Overrides [`RetryConfig::unavailable_retry_window`](crate::RetryConfig::unavailable_retry_window)
/// for one request. A poll inside a wait that rides out outages on its own sets it to zero, so
/// that each poll returns what it met (connection refused, no leader) instead of retrying
/// until the wait's deadline cuts it off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnavailableRetryWindow(pub Duration);

/// Names the logical operation (e.g. `"jobs.cancel"`); recorded as the `operation` field of the
/// request's tracing span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationName(pub &'static str);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_fallback() {
        for method in [
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::PUT,
            Method::DELETE,
        ] {
            assert_eq!(Idempotency::from_method(&method), Idempotency::Idempotent);
        }
        for method in [Method::POST, Method::PATCH, Method::CONNECT, Method::TRACE] {
            assert_eq!(
                Idempotency::from_method(&method),
                Idempotency::NotIdempotent
            );
        }
    }

    #[test]
    fn buffering_scope() {
        let always = BufferedResponse::always(10);
        let errors = BufferedResponse::unless_successful(20);
        assert_eq!((always.limit(), errors.limit()), (10, 20));
        for (status, unsuccessful) in [
            (200, false),
            (206, false),
            (304, true),
            (404, true),
            (503, true),
        ] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(always.applies_to(status), "{status}");
            assert_eq!(errors.applies_to(status), unsuccessful, "{status}");
        }
    }

    #[test]
    fn extension_wins_over_method() {
        let mut request = Request::post("/jars/1/run").body(()).unwrap();
        assert_eq!(Idempotency::of(&request), Idempotency::NotIdempotent);
        request.extensions_mut().insert(Idempotency::Idempotent);
        assert_eq!(Idempotency::of(&request), Idempotency::Idempotent);
    }
}
