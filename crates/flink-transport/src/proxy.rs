//! The connector of a plain `http` base URL behind a proxy: every connection goes to the proxy
//! and is marked as proxied, so hyper sends requests in absolute form (`GET http://host/path`).
//! (An `https` base URL goes through hyper-util's `Tunnel` instead.)

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection};
use tower::Service;

/// Connects to `proxy` whatever the destination, through `inner`.
#[derive(Clone, Debug)]
pub(crate) struct ForwardProxy<C> {
    pub(crate) proxy: Uri,
    pub(crate) inner: C,
}

impl<C> Service<Uri> for ForwardProxy<C>
where
    C: Service<Uri>,
    C::Future: Send + 'static,
{
    type Response = Proxied<C::Response>;
    type Error = C::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, C::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), C::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, _destination: Uri) -> Self::Future {
        let connecting = self.inner.call(self.proxy.clone());
        Box::pin(async move { connecting.await.map(|stream| Proxied { stream }) })
    }
}

pin_project_lite::pin_project! {
    /// A connection to a proxy, which hyper then speaks absolute-form HTTP on.
    #[derive(Debug)]
    pub(crate) struct Proxied<T> {
        #[pin]
        stream: T,
    }
}

impl<T: Connection> Connection for Proxied<T> {
    fn connected(&self) -> Connected {
        self.stream.connected().proxy(true)
    }
}

impl<T: Read> Read for Proxied<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_read(cx, buf)
    }
}

impl<T: Write> Write for Proxied<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.project().stream.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        self.project().stream.poll_write_vectored(cx, bufs)
    }
}
