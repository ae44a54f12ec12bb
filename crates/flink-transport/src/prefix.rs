//! Reads the start of a response body without losing the rest.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;

use crate::{BoxError, ResponseBody};

/// What [`read_prefix`] found.
pub(crate) enum Prefix {
    /// The body ended within the limit: all of it.
    Whole(Bytes),
    /// The body is longer than the limit: a body with the same bytes, those read so far first.
    Longer(ResponseBody),
}

/// Reads `body` until it ends or has given more than `limit` bytes. Trailers are dropped from a
/// whole body.
pub(crate) fn read_prefix<B>(
    mut body: B,
    limit: usize,
) -> impl Future<Output = Result<Prefix, BoxError>> + Send
where
    B: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Send + Unpin + 'static,
{
    let boxed = |body: B| body.map_err(Into::into).boxed_unsync();
    // A declared Content-Length past the limit needs no reading.
    let declared_longer = http_body::Body::size_hint(&body).lower() > len_u64(limit);
    async move {
        if declared_longer {
            return Ok(Prefix::Longer(boxed(body)));
        }
        let mut read = Collected::One(Bytes::new());
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(Into::into)?.into_data() else {
                continue; // trailers carry no payload
            };
            read.push(data);
            if read.len() > limit {
                return Ok(Prefix::Longer(prefixed(read.into_bytes(), boxed(body))));
            }
        }
        Ok(Prefix::Whole(read.into_bytes()))
    }
}

/// The bytes read so far. A body that comes in one frame (a small answer) is handed on as it
/// came; frames are copied together only once a second one follows.
enum Collected {
    One(Bytes),
    Many(BytesMut),
}

impl Collected {
    fn push(&mut self, data: Bytes) {
        match self {
            Self::One(first) if first.is_empty() => *first = data,
            Self::One(first) => {
                let mut many = BytesMut::with_capacity(first.len() + data.len());
                many.extend_from_slice(first);
                many.extend_from_slice(&data);
                *self = Self::Many(many);
            }
            Self::Many(many) => many.extend_from_slice(&data),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::One(bytes) => bytes.len(),
            Self::Many(bytes) => bytes.len(),
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Self::One(bytes) => bytes,
            Self::Many(bytes) => bytes.freeze(),
        }
    }
}

pub(crate) fn len_u64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// A body of `prefix`, then the frames of `rest`.
pub(crate) fn prefixed(prefix: Bytes, rest: ResponseBody) -> ResponseBody {
    Prefixed {
        prefix: (!prefix.is_empty()).then_some(prefix),
        rest,
    }
    .boxed_unsync()
}

struct Prefixed {
    prefix: Option<Bytes>,
    rest: ResponseBody,
}

impl http_body::Body for Prefixed {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match this.prefix.take() {
            Some(prefix) => Poll::Ready(Some(Ok(Frame::data(prefix)))),
            None => Pin::new(&mut this.rest).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.prefix.is_none() && self.rest.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        let extra = len_u64(self.prefix.as_ref().map_or(0, Bytes::len));
        let rest = self.rest.size_hint();
        let mut hint = SizeHint::new();
        if let Some(upper) = rest.upper() {
            hint.set_upper(upper.saturating_add(extra));
        }
        hint.set_lower(rest.lower().saturating_add(extra));
        hint
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Body as _;
    use http_body_util::{Full, StreamBody};
    use proptest::prelude::*;

    fn chunked(chunks: &[Vec<u8>]) -> ResponseBody {
        let frames: Vec<Result<Frame<Bytes>, BoxError>> = chunks
            .iter()
            .map(|chunk| Ok(Frame::data(Bytes::copy_from_slice(chunk))))
            .collect();
        StreamBody::new(futures_util::stream::iter(frames)).boxed_unsync()
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_declared_length_past_the_limit_is_not_read() {
        let body = Full::new(Bytes::from_static(b"12345"));
        let Prefix::Longer(body) = read_prefix(body, 4).await.unwrap() else {
            panic!("5 bytes fit in 4");
        };
        assert_eq!(body.size_hint().exact(), Some(5));
        assert_eq!(body.collect().await.unwrap().to_bytes(), "12345");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whatever the chunks and the limit, the body that comes out has the same bytes, and
        /// it is whole exactly when it fits.
        #[test]
        fn no_byte_is_lost_or_added(
            chunks in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..8),
            limit in 0_usize..200,
        ) {
            let all: Vec<u8> = chunks.concat();
            let bytes = runtime().block_on(async {
                match read_prefix(chunked(&chunks), limit).await.unwrap() {
                    Prefix::Whole(bytes) => {
                        assert!(bytes.len() <= limit);
                        bytes
                    }
                    Prefix::Longer(body) => {
                        assert!(all.len() > limit);
                        body.collect().await.unwrap().to_bytes()
                    }
                }
            });
            prop_assert_eq!(&bytes[..], &all[..]);
        }
    }
}
