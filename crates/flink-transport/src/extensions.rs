//! Request extensions the steps read (the caller, e.g. flink-client, sets them), and [`Hints`],
//! what the stack reads of them once per call.

use std::time::Duration;

use http::{Extensions, Method, Request, StatusCode};

use crate::Body;

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

/// What the steps read from a request's extensions, once per call.
#[derive(Clone, Copy)]
pub(crate) struct Hints {
    pub(crate) operation: Option<&'static str>,
    pub(crate) idempotency: Idempotency,
    pub(crate) timeout: Duration,
    pub(crate) buffered: Option<BufferedResponse>,
    /// The request's own unavailable-retry window.
    pub(crate) window: Option<Duration>,
}

impl Hints {
    /// Reads the hints of `request`, an attempt's timeout defaulting to `timeout`. When the
    /// client does not see them (`keep` is false) and the request carries nothing else, its
    /// extensions are dropped: no attempt needs them, and a retry has none to copy.
    pub(crate) fn take(request: &mut Request<Body>, timeout: Duration, keep: bool) -> Self {
        let extensions = request.extensions();
        let mut left = extensions.len();
        // Those flink-client always sets first, so that the search ends early.
        let buffered = hint::<BufferedResponse>(extensions, &mut left);
        let operation = hint::<OperationName>(extensions, &mut left).map(|name| name.0);
        let idempotency = hint::<Idempotency>(extensions, &mut left);
        let own_timeout = hint::<RequestTimeout>(extensions, &mut left).map(|timeout| timeout.0);
        let window = hint::<UnavailableRetryWindow>(extensions, &mut left).map(|window| window.0);
        let hints = Self {
            operation,
            idempotency: idempotency.unwrap_or_else(|| Idempotency::from_method(request.method())),
            timeout: own_timeout.unwrap_or(timeout),
            buffered,
            window,
        };
        if !keep && left == 0 {
            *request.extensions_mut() = Extensions::new();
        }
        hints
    }
}

/// The extension `T`, counted off `left` (the extensions not yet found); none is looked for
/// once all are found.
fn hint<T: Clone + Send + Sync + 'static>(extensions: &Extensions, left: &mut usize) -> Option<T> {
    if *left == 0 {
        return None;
    }
    let found = extensions.get::<T>().cloned();
    if found.is_some() {
        *left -= 1;
    }
    found
}

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

    #[test]
    fn hints_are_read_once_and_dropped_when_nothing_else_needs_them() {
        let mut request = Request::post("/jars/1/run").body(Body::empty()).unwrap();
        request.extensions_mut().insert(OperationName("jars.run"));
        request
            .extensions_mut()
            .insert(RequestTimeout(Duration::from_secs(3)));
        let hints = Hints::take(&mut request, Duration::from_secs(60), false);
        assert_eq!(hints.operation, Some("jars.run"));
        assert_eq!(
            hints.idempotency,
            Idempotency::NotIdempotent,
            "by the method"
        );
        assert_eq!(hints.timeout, Duration::from_secs(3));
        assert_eq!((hints.buffered, hints.window), (None, None));
        assert!(request.extensions().is_empty(), "only hints: none kept");

        // A client that sees hints keeps them; an extension of the caller's keeps them all.
        let mut request = Request::get("/jobs").body(Body::empty()).unwrap();
        request.extensions_mut().insert(Idempotency::NotIdempotent);
        let hints = Hints::take(&mut request, Duration::from_secs(60), true);
        assert_eq!(hints.idempotency, Idempotency::NotIdempotent);
        assert_eq!(hints.timeout, Duration::from_secs(60));
        assert_eq!(request.extensions().len(), 1);
        request.extensions_mut().insert(7_u8);
        Hints::take(&mut request, Duration::from_secs(60), false);
        assert_eq!(request.extensions().len(), 2);
    }
}
