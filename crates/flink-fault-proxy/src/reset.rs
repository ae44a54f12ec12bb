//! A client connection that can be reset (TCP RST) instead of closed when it ends.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// Arms the reset of one connection; shared by the connection and its request handler.
#[derive(Clone, Debug, Default)]
pub(crate) struct ResetSwitch(Arc<AtomicBool>);

impl ResetSwitch {
    /// The connection is reset, not closed, when it ends.
    pub(crate) fn arm(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn is_armed(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A TCP stream that, when its [`ResetSwitch`] is armed, is dropped with `SO_LINGER` 0, so the
/// client sees a reset rather than an orderly close.
#[derive(Debug)]
pub(crate) struct ResettableStream {
    inner: TcpStream,
    switch: ResetSwitch,
}

impl ResettableStream {
    pub(crate) fn new(inner: TcpStream, switch: ResetSwitch) -> Self {
        Self { inner, switch }
    }
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.switch.is_armed() {
            // Without the option the connection still ends, with a FIN: a fault all the same.
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
