//! One tracing span per logical call.

use http::{Request, Response};
use tracing::Span;
use tracing::field::{Empty, display};

use crate::{Body, BoxError, ResponseBody};

/// The span of a call, opened around all its attempts so each retry's event lands inside:
/// `operation` (from [`OperationName`](crate::OperationName)), `method` and `path`, then `status` or `error` once the
/// call ends ([`record`]). Header values and the query are never recorded:
/// they may hold credentials.
pub(crate) fn span(request: &Request<Body>, operation: Option<&'static str>) -> Span {
    // Span names must be static in tracing, so the operation is a field.
    tracing::info_span!(
        "flink_transport.request",
        operation,
        method = %request.method(),
        path = %request.uri().path(),
        status = Empty,
        error = Empty,
    )
}

/// Records on `span` how the call ended.
pub(crate) fn record(span: &Span, result: &Result<Response<ResponseBody>, BoxError>) {
    match result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
        }
        Err(error) => {
            span.record("error", display(error));
        }
    }
}
