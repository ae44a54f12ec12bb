//! `ByteStream`: a file answer (log, stdout, profiler output) read chunk by chunk.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

use crate::ApiError;

type BoxedChunks = Pin<Box<dyn Stream<Item = Result<Bytes, ApiError>> + Send>>;

/// The body of a file answer, as it arrives: never buffered whole.
///
/// Read it with [`ByteStream::next_chunk`], or use it as a [`Stream`] of [`Bytes`].
pub struct ByteStream {
    chunks: BoxedChunks,
    content_length: Option<u64>,
}

impl ByteStream {
    /// Wraps a stream of chunks; `content_length` is the announced size, if known.
    pub fn new<S>(chunks: S, content_length: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, ApiError>> + Send + 'static,
    {
        Self {
            chunks: Box::pin(chunks),
            content_length,
        }
    }

    /// The size the server announced (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The next chunk, or `None` at the end of the file.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, ApiError>> {
        std::future::poll_fn(|cx| self.chunks.as_mut().poll_next(cx)).await
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, ApiError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}
