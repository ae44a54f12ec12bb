//! A streamed response body that fails when the server goes silent.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use tokio::time::{Instant, Sleep};

use crate::{BodyIdleTimedOut, BoxError, ResponseBody};

/// Fails with [`BodyIdleTimedOut`] when the inner body gives no frame for `idle` while the
/// reader waits for one. Time the reader spends elsewhere (a slow consumer) does not count.
pub(crate) struct IdleTimeout<B> {
    body: B,
    idle: Duration,
    /// Armed when the reader starts waiting, created on the first wait.
    timer: Option<Pin<Box<Sleep>>>,
    waiting: bool,
    timed_out: bool,
}

impl<B> IdleTimeout<B>
where
    B: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Send + Unpin + 'static,
{
    /// `body` with the idle timeout (boxed once), or as it is when `idle` is zero (disabled).
    pub(crate) fn wrap(body: B, idle: Duration) -> ResponseBody {
        if idle.is_zero() {
            return body.map_err(Into::into).boxed_unsync();
        }
        Self {
            body,
            idle,
            timer: None,
            waiting: false,
            timed_out: false,
        }
        .boxed_unsync()
    }
}

impl<B> IdleTimeout<B> {
    /// Arms the timer if the reader was not already waiting; `false` when the deadline is too
    /// far to represent (then it never fires).
    fn arm(&mut self) -> bool {
        if self.waiting {
            return self.timer.is_some();
        }
        self.waiting = true;
        let Some(deadline) = Instant::now().checked_add(self.idle) else {
            self.timer = None;
            return false;
        };
        match &mut self.timer {
            Some(timer) => timer.as_mut().reset(deadline),
            None => self.timer = Some(Box::pin(tokio::time::sleep_until(deadline))),
        }
        true
    }
}

impl<B> http_body::Body for IdleTimeout<B>
where
    B: http_body::Body<Data = Bytes, Error: Into<BoxError>> + Unpin,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.timed_out {
            return Poll::Ready(None);
        }
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            this.waiting = false;
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        if !this.arm() {
            return Poll::Pending;
        }
        match this.timer.as_mut().map(|timer| timer.as_mut().poll(cx)) {
            Some(Poll::Ready(())) => {
                this.timed_out = true;
                Poll::Ready(Some(Err(Box::new(BodyIdleTimedOut { after: this.idle }))))
            }
            _ => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.timed_out || self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::is_timeout;
    use futures_util::StreamExt;
    use http_body_util::StreamBody;

    /// A body whose chunks arrive after the given delays.
    fn paced(delays: &[u64]) -> ResponseBody {
        let chunks: Vec<u64> = delays.to_vec();
        let stream = futures_util::stream::iter(chunks).then(|delay| async move {
            tokio::time::sleep(Duration::from_secs(delay)).await;
            Ok::<_, BoxError>(Frame::data(Bytes::from(delay.to_string())))
        });
        StreamBody::new(stream).boxed_unsync()
    }

    #[tokio::test(start_paused = true)]
    async fn chunks_within_the_idle_timeout_pass() {
        let body = IdleTimeout::wrap(paced(&[9, 9, 9]), Duration::from_secs(10));
        assert_eq!(body.collect().await.unwrap().to_bytes(), "999");
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_server_times_out_after_the_last_chunk() {
        let start = Instant::now();
        let mut body = IdleTimeout::wrap(paced(&[1, 30]), Duration::from_secs(10));
        assert_eq!(
            body.frame().await.unwrap().unwrap().into_data().unwrap(),
            "1"
        );
        let error = body.frame().await.unwrap().unwrap_err();
        assert!(is_timeout(&*error), "{error}");
        assert_eq!(
            error.downcast_ref::<BodyIdleTimedOut>().unwrap().after,
            Duration::from_secs(10)
        );
        assert_eq!(start.elapsed(), Duration::from_secs(11));
        assert!(http_body::Body::is_end_stream(&body));
        assert!(body.frame().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_reader_is_not_the_server_going_silent() {
        let mut body = IdleTimeout::wrap(paced(&[0, 5]), Duration::from_secs(10));
        body.frame().await.unwrap().unwrap();
        // The reader is busy for longer than the idle timeout; the server is not to blame.
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(
            body.frame().await.unwrap().unwrap().into_data().unwrap(),
            "5"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn zero_or_huge_disables_it() {
        let body = IdleTimeout::wrap(paced(&[3600]), Duration::ZERO);
        assert_eq!(body.collect().await.unwrap().to_bytes(), "3600");
        let body = IdleTimeout::wrap(paced(&[3600]), Duration::MAX);
        assert_eq!(body.collect().await.unwrap().to_bytes(), "3600");
    }
}
