//! [`Transport`], the swap point between the client and whatever carries its requests.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response};
use tower::Service;

use crate::layers::{HttpClient, Towered};
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
    inner: Arc<dyn Exchange>,
}

/// The future of one logical request, borrowing the pipeline that runs it.
pub(crate) type Exchanging<'a> =
    Pin<Box<dyn Future<Output = Result<Response<ResponseBody>, BoxError>> + Send + 'a>>;

/// Runs one logical request, all its attempts included, through `&self`: the default stack
/// ([`Stack`](crate::stack::Stack)) or a tower service of the user's. The one boxed future of a
/// call is this one.
pub(crate) trait Exchange: Send + Sync + 'static {
    /// Sends `request` and returns the response head with its body.
    fn exchange(&self, request: Request<Body>) -> Exchanging<'_>;
}

impl<S> Exchange for Towered<S>
where
    Self: HttpClient<Body = ResponseBody>,
{
    fn exchange(&self, request: Request<Body>) -> Exchanging<'_> {
        Box::pin(self.call(request))
    }
}

impl Transport {
    /// Wraps any tower service that answers `Request<Body>` with an HTTP response. Each call
    /// goes to a clone of it, as tower's `&mut self` calls require.
    pub fn new<S, B>(service: S) -> Self
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self::over(Towered::new(service))
    }

    /// A transport that runs each call through `exchange`.
    pub(crate) fn over(exchange: impl Exchange) -> Self {
        Self {
            inner: Arc::new(exchange),
        }
    }

    /// Sends one logical request (all retries included) and returns the response head with a
    /// streaming body.
    pub fn send(
        &self,
        request: Request<Body>,
    ) -> impl Future<Output = Result<Response<ResponseBody>, BoxError>> + Send + '_ {
        self.inner.exchange(request)
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport").finish_non_exhaustive()
    }
}

/// Always ready: each call runs on its own, and a wrapped service is polled for readiness in
/// the call.
impl Service<Request<Body>> for Transport {
    type Response = Response<ResponseBody>;
    type Error = BoxError;
    type Future = BoxFuture<Response<ResponseBody>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), BoxError>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { inner.exchange(request).await })
    }
}
