//! Request extensions the layers read; the caller (e.g. flink-client) sets them.

use std::time::Duration;

use http::{Method, Request};

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
    fn extension_wins_over_method() {
        let mut request = Request::post("/jars/1/run").body(()).unwrap();
        assert_eq!(Idempotency::of(&request), Idempotency::NotIdempotent);
        request.extensions_mut().insert(Idempotency::Idempotent);
        assert_eq!(Idempotency::of(&request), Idempotency::Idempotent);
    }
}
