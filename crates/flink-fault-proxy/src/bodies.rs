//! The response bodies the proxy sends: Flink's as it comes, cut short or stalled, its own
//! answers, endless ones (JSON or a log) and a deeply nested one.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use tokio::time::Sleep;

use crate::BoxError;

/// The body of every response the proxy sends; an error ends the client's connection.
pub(crate) type ProxyBody = BoxBody<Bytes, BoxError>;

/// A body of known bytes.
pub(crate) fn full(bytes: Bytes) -> ProxyBody {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

/// The upstream's body, as it comes.
pub(crate) fn upstream(body: Incoming) -> ProxyBody {
    body.map_err(BoxError::from).boxed()
}

/// A body that never yields a byte nor ends.
pub(crate) fn stalled() -> ProxyBody {
    Stalled.boxed()
}

/// The first `limit` bytes of the upstream's body, then an error that ends the connection.
pub(crate) fn cut(body: Incoming, limit: usize) -> ProxyBody {
    Cut {
        inner: body,
        left: limit,
        flushed: None,
    }
    .boxed()
}

/// `{"endless":[0,0,0,…` for ever, in 64 KiB chunks that share one buffer.
pub(crate) fn endless() -> ProxyBody {
    Endless {
        start: Some(Bytes::from_static(br#"{"endless":["#)),
        chunk: Bytes::from("0,".repeat(32 * 1024)),
    }
    .boxed()
}

/// The same log line for ever, in chunks of about 64 KiB that share one buffer.
pub(crate) fn endless_log() -> ProxyBody {
    let line =
        "2024-05-01 12:00:00,000 INFO  org.apache.flink.Endless - a line of an endless log\n";
    Endless {
        start: None,
        chunk: Bytes::from(line.repeat(64 * 1024 / line.len())),
    }
    .boxed()
}

/// `{"nested":` followed by `depth` nested arrays, then `}`.
pub(crate) fn nested(depth: usize) -> Bytes {
    let mut document = Vec::with_capacity(2 * depth + 11);
    document.extend_from_slice(br#"{"nested":"#);
    document.resize(document.len() + depth, b'[');
    document.resize(document.len() + depth, b']');
    document.push(b'}');
    Bytes::from(document)
}

struct Stalled;

impl Body for Stalled {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        // Never woken: the connection waits until the client or the proxy ends it.
        Poll::Pending
    }
}

struct Cut {
    inner: Incoming,
    left: usize,
    /// Started once the limit is reached: hyper flushes what it holds while the body is
    /// pending, and drops it unsent when the body fails at once.
    flushed: Option<Pin<Box<Sleep>>>,
}

impl Body for Cut {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        if self.left == 0 {
            // A body no longer than the limit passes whole.
            if self.inner.is_end_stream() {
                return Poll::Ready(None);
            }
            let flushed = self
                .flushed
                .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(100))));
            ready!(flushed.as_mut().poll(cx));
            return Poll::Ready(Some(Err("the fault proxy cut the body".into())));
        }
        let frame = match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => frame,
            Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => return Poll::Pending,
        };
        let Ok(mut data) = frame.into_data() else {
            // Trailers: past the body, so nothing to cut.
            return Poll::Ready(None);
        };
        data.truncate(self.left);
        self.left -= data.len();
        Poll::Ready(Some(Ok(Frame::data(data))))
    }
}

struct Endless {
    /// Sent once, first.
    start: Option<Bytes>,
    /// Sent over and over after it.
    chunk: Bytes,
}

impl Body for Endless {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let data = match self.start.take() {
            Some(start) => start,
            None => self.chunk.clone(),
        };
        Poll::Ready(Some(Ok(Frame::data(data))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_document_nests_as_deep_as_asked() {
        assert_eq!(&nested(3)[..], br#"{"nested":[[[]]]}"#);
        assert_eq!(nested(1_000_000).len(), 2_000_000 + 11);
    }
}
