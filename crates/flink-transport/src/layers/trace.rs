//! One tracing span per logical call.

use std::task::{Context, Poll};

use http::{Request, Response};
use tower::Service;
use tracing::Instrument;
use tracing::field::{Empty, display};

use crate::{Body, BoxError, BoxFuture, OperationName, ResponseBody};

/// Opens a span around the whole call, retries included, so each retry's event lands inside.
/// Header values are never recorded: they may hold credentials.
#[derive(Clone)]
pub(crate) struct Trace<S> {
    inner: S,
}

impl<S> Trace<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S> Service<Request<Body>> for Trace<S>
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
        // Span names must be static in tracing, so the operation is a field.
        let operation = request
            .extensions()
            .get::<OperationName>()
            .map(|name| name.0);
        let span = tracing::info_span!(
            "flink_transport.request",
            operation,
            method = %request.method(),
            path = %request.uri().path(),
            status = Empty,
            error = Empty,
        );
        let response = span.in_scope(|| self.inner.call(request));
        let record_on = span.clone();
        Box::pin(
            async move {
                let result = response.await;
                match &result {
                    Ok(response) => {
                        record_on.record("status", response.status().as_u16());
                    }
                    Err(error) => {
                        record_on.record("error", display(error));
                    }
                }
                result
            }
            .instrument(span),
        )
    }
}
