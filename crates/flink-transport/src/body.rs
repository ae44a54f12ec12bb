//! Request and response bodies.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;

use crate::BoxError;
use crate::prefix::{Prefix, len_u64, read_prefix};

/// A response body as the transport hands it out: a boxed stream of [`Bytes`].
///
/// Read it whole with [`read_body_limited`], or frame by frame with
/// [`http_body_util::BodyExt`].
pub type ResponseBody = UnsyncBoxBody<Bytes, BoxError>;

/// A request body: buffered bytes (replayable, so retryable) or a one-shot stream (never
/// retried).
///
/// ```
/// use flink_transport::Body;
///
/// let body = Body::from(r#"{"parallelism": 2}"#);
/// assert!(body.try_clone().is_some());
/// assert!(!body.is_streaming());
/// ```
pub struct Body {
    repr: Repr,
}

enum Repr {
    /// `None` once the bytes were handed out, or when there never were any.
    Buffered(Option<Bytes>),
    Streaming(UnsyncBoxBody<Bytes, BoxError>),
}

impl Body {
    /// An empty body, as for most `GET` requests.
    pub fn empty() -> Self {
        Self {
            repr: Repr::Buffered(None),
        }
    }

    /// A buffered body. It can be replayed, so a request carrying it can be retried.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self {
            repr: Repr::Buffered((!bytes.is_empty()).then_some(bytes)),
        }
    }

    /// A one-shot streamed body, such as a file upload. A request carrying it is never retried.
    ///
    /// Set a `Content-Length` header on the request when the length is known, so the body is not
    /// sent with chunked encoding.
    pub fn streaming<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self {
            repr: Repr::Streaming(body.map_err(Into::into).boxed_unsync()),
        }
    }

    /// A copy of a buffered body; `None` for a streamed one. This alone decides whether a request
    /// can be retried.
    pub fn try_clone(&self) -> Option<Self> {
        match &self.repr {
            Repr::Buffered(bytes) => Some(Self {
                repr: Repr::Buffered(bytes.clone()),
            }),
            Repr::Streaming(_) => None,
        }
    }

    /// Whether this body is a one-shot stream.
    pub fn is_streaming(&self) -> bool {
        matches!(self.repr, Repr::Streaming(_))
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Buffered(bytes) => f
                .debug_struct("Body")
                .field("buffered_len", &bytes.as_ref().map_or(0, Bytes::len))
                .finish(),
            Repr::Streaming(_) => f.debug_struct("Body").field("streaming", &true).finish(),
        }
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Self::from_bytes(text)
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Self::from_bytes(text)
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().repr {
            Repr::Buffered(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Repr::Streaming(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.repr {
            Repr::Buffered(bytes) => bytes.is_none(),
            Repr::Streaming(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.repr {
            Repr::Buffered(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| len_u64(b.len())))
            }
            Repr::Streaming(body) => body.size_hint(),
        }
    }
}

/// A response body was larger than the caller's limit.
#[derive(Debug, thiserror::Error)]
#[error(
    "the response body is larger than {limit} bytes; raise the limit \
     (TransportConfig::max_response_body_bytes) or ask the server for less data"
)]
#[non_exhaustive]
pub struct BodyTooLarge {
    /// The limit, in bytes.
    pub limit: usize,
}

/// Reads a whole response body, failing with [`BodyTooLarge`] once it exceeds `limit` bytes.
///
/// The default stack already reads the answers of requests marked with
/// [`BufferedResponse`](crate::BufferedResponse) within the attempt's timeout; this then only
/// takes the bytes. On a streamed body, each chunk waits at most
/// [`TransportConfig::body_idle_timeout`](crate::TransportConfig::body_idle_timeout).
///
/// ```
/// use bytes::Bytes;
/// use http_body_util::{BodyExt, Full};
/// use flink_transport::{BodyTooLarge, read_body_limited};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let body = || Full::new(Bytes::from_static(b"{}")).map_err(Into::into).boxed_unsync();
/// assert_eq!(read_body_limited(body(), 2).await.unwrap(), "{}");
/// let error = read_body_limited(body(), 1).await.unwrap_err();
/// assert!(error.is::<BodyTooLarge>());
/// # }
/// ```
pub async fn read_body_limited(body: ResponseBody, limit: usize) -> Result<Bytes, BoxError> {
    match read_prefix(body, limit).await? {
        Prefix::Whole(bytes) => Ok(bytes),
        Prefix::Longer(_) => Err(Box::new(BodyTooLarge { limit })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Body as _;
    use http_body_util::{Full, StreamBody};

    fn response_body(chunks: &[&'static [u8]]) -> ResponseBody {
        let frames: Vec<Result<Frame<Bytes>, BoxError>> = chunks
            .iter()
            .map(|c| Ok(Frame::data(Bytes::from_static(c))))
            .collect();
        StreamBody::new(futures_util::stream::iter(frames)).boxed_unsync()
    }

    #[tokio::test]
    async fn buffered_body_is_replayable_and_sized() {
        let body = Body::from("hello");
        assert_eq!(body.size_hint().exact(), Some(5));
        let copy = body.try_clone().expect("buffered bodies clone");
        assert_eq!(body.collect().await.unwrap().to_bytes(), "hello");
        assert_eq!(copy.collect().await.unwrap().to_bytes(), "hello");
        assert!(Body::empty().is_end_stream());
        assert_eq!(Body::from(Vec::new()).size_hint().exact(), Some(0));
    }

    #[tokio::test]
    async fn streamed_body_is_one_shot() {
        let body = Body::streaming(Full::new(Bytes::from_static(b"abc")));
        assert!(body.is_streaming());
        assert!(body.try_clone().is_none());
        assert_eq!(body.collect().await.unwrap().to_bytes(), "abc");
    }

    #[tokio::test]
    async fn read_body_limited_accepts_up_to_the_limit() {
        let bytes = read_body_limited(response_body(&[b"ab", b"cd"]), 4)
            .await
            .unwrap();
        assert_eq!(bytes, "abcd");
    }

    #[tokio::test]
    async fn read_body_limited_errors_past_the_limit() {
        let error = read_body_limited(response_body(&[b"ab", b"cd", b"e"]), 4)
            .await
            .unwrap_err();
        let too_large = error.downcast_ref::<BodyTooLarge>().expect("BodyTooLarge");
        assert_eq!(too_large.limit, 4);
    }

    #[tokio::test]
    async fn read_body_limited_rejects_a_declared_length_past_the_limit() {
        let body = Full::new(Bytes::from_static(b"12345"))
            .map_err(Into::into)
            .boxed_unsync();
        let error = read_body_limited(body, 4).await.unwrap_err();
        assert!(error.is::<BodyTooLarge>());
    }
}
