//! The HTTP client under the steps: what each attempt is sent through.

use std::future::Future;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::{Service, ServiceExt};

use crate::{Body, BoxError, ResponseBody};

/// Sends one attempt: hyper's client (`client.rs`), or a tower service of the user's
/// ([`Towered`]). Called through `&self`, so the stack needs no clone of itself per call.
pub(crate) trait HttpClient: Send + Sync + 'static {
    /// Whether requests reach the client with the stack's own hint extensions
    /// ([`Idempotency`](crate::Idempotency), [`RequestTimeout`](crate::RequestTimeout),
    /// [`BufferedResponse`](crate::BufferedResponse),
    /// [`UnavailableRetryWindow`](crate::UnavailableRetryWindow),
    /// [`OperationName`](crate::OperationName)). A tower service of the user's sees them; hyper
    /// reads none, so a request that carries nothing else goes to it without extensions, and
    /// a retry has none to copy.
    const SEES_HINTS: bool;

    /// The response body, read or wrapped by the attempt step before it is boxed.
    type Body: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Send + Unpin + 'static;

    /// Sends `request`, whose URI is absolute.
    fn call(
        &self,
        request: Request<Body>,
    ) -> impl Future<Output = Result<Response<Self::Body>, BoxError>> + Send + 'static;
}

/// A tower service as an [`HttpClient`]: each attempt goes to a clone, since a tower service
/// is called through `&mut self`.
#[derive(Clone)]
pub(crate) struct Towered<S> {
    service: S,
}

impl<S> Towered<S> {
    pub(crate) fn new(service: S) -> Self {
        Self { service }
    }
}

impl<S, B> HttpClient for Towered<S>
where
    S: Service<Request<Body>, Response = Response<B>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    const SEES_HINTS: bool = true;

    type Body = ResponseBody;

    fn call(
        &self,
        request: Request<Body>,
    ) -> impl Future<Output = Result<Response<ResponseBody>, BoxError>> + Send + 'static {
        let service = self.service.clone();
        async move {
            let response = service.oneshot(request).await.map_err(Into::into)?;
            Ok(response.map(|body| body.map_err(Into::into).boxed_unsync()))
        }
    }
}
