//! A connection's stream with something attached for as long as it is open: the mark of a
//! connection to a forward proxy, or the permit that counts it against the per-host limit.

use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::{Connected, Connection};

/// What an [`Attached`] carries, and how it changes what hyper learns of the connection.
pub(crate) trait Attachment {
    /// The connection's metadata, as the attachment changes it. Unchanged by default.
    fn connected(&self, connected: Connected) -> Connected {
        connected
    }
}

pin_project_lite::pin_project! {
    /// `stream`, with `attachment` kept until the connection closes.
    #[derive(Debug)]
    pub(crate) struct Attached<T, A> {
        #[pin]
        stream: T,
        attachment: A,
    }
}

impl<T, A> Attached<T, A> {
    pub(crate) fn new(stream: T, attachment: A) -> Self {
        Self { stream, attachment }
    }
}

impl<T: Connection, A: Attachment> Connection for Attached<T, A> {
    fn connected(&self) -> Connected {
        self.attachment.connected(self.stream.connected())
    }
}

impl<T: Read, A> Read for Attached<T, A> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.project().stream.poll_read(cx, buf)
    }
}

impl<T: Write, A> Write for Attached<T, A> {
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
