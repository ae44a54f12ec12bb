//! [`Transport`], the swap point between the client and whatever carries its requests.

use std::fmt;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::util::BoxCloneSyncService;
use tower::{Service, ServiceExt};

use crate::{Body, BoxError, BoxFuture, ResponseBody};

/// A cheaply cloneable handle to a request pipeline: `Clone + Send + Sync`, with no background
/// task.
///
/// Build the default pipeline with [`TransportConfig::build`](crate::TransportConfig::build), or
/// wrap any tower service with [`Transport::new`]:
///
/// ```
/// use std::convert::Infallible;
/// use bytes::Bytes;
/// use http_body_util::Full;
/// use flink_transport::{Body, Transport};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), flink_transport::BoxError> {
/// let transport = Transport::new(tower::service_fn(|_request: http::Request<Body>| async {
///     Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from_static(b"{}"))))
/// }));
/// let response = transport.send(http::Request::new(Body::empty())).await?;
/// assert_eq!(response.status(), 200);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Transport {
    inner: BoxCloneSyncService<Request<Body>, Response<ResponseBody>, BoxError>,
}

impl Transport {
    /// Wraps any tower service that answers `Request<Body>` with an HTTP response.
    pub fn new<S, B>(service: S) -> Self
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self::from_boxed(
            service
                .map_response(|response: Response<B>| {
                    response.map(|body| body.map_err(Into::into).boxed_unsync())
                })
                .map_err(Into::into),
        )
    }

    /// Wraps a service whose types already match, without boxing the body a second time.
    pub(crate) fn from_boxed<S>(service: S) -> Self
    where
        S: Service<Request<Body>, Response = Response<ResponseBody>, Error = BoxError>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        Self {
            inner: BoxCloneSyncService::new(service),
        }
    }

    /// Sends one logical request (all retries included) and returns the response head with a
    /// streaming body.
    pub async fn send(&self, request: Request<Body>) -> Result<Response<ResponseBody>, BoxError> {
        self.inner.clone().oneshot(request).await
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport").finish_non_exhaustive()
    }
}

impl Service<Request<Body>> for Transport {
    type Response = Response<ResponseBody>;
    type Error = BoxError;
    type Future = BoxFuture<Response<ResponseBody>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        self.inner.call(request)
    }
}
