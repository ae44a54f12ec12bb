//! The connector of a plain `http` base URL behind a proxy: every connection goes to the proxy
//! and is marked as proxied, so hyper sends requests in absolute form (`GET http://host/path`).
//! (An `https` base URL goes through hyper-util's `Tunnel` instead.)

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Uri;
use hyper_util::client::legacy::connect::Connected;
use tower::Service;

use crate::stream::{Attached, Attachment};

/// Connects to `proxy` whatever the destination, through `inner`.
#[derive(Clone, Debug)]
pub(crate) struct ForwardProxy<C> {
    pub(crate) proxy: Uri,
    pub(crate) inner: C,
}

/// Marks a connection as one to a proxy, which hyper then speaks absolute-form HTTP on.
#[derive(Debug)]
pub(crate) struct ProxyMark;

impl Attachment for ProxyMark {
    fn connected(&self, connected: Connected) -> Connected {
        connected.proxy(true)
    }
}

impl<C> Service<Uri> for ForwardProxy<C>
where
    C: Service<Uri>,
    C::Future: Send + 'static,
{
    type Response = Attached<C::Response, ProxyMark>;
    type Error = C::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, C::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), C::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, _destination: Uri) -> Self::Future {
        let connecting = self.inner.call(self.proxy.clone());
        Box::pin(async move {
            connecting
                .await
                .map(|stream| Attached::new(stream, ProxyMark))
        })
    }
}
