//! A cap on the connections open to each host, and on the requests in flight.
//!
//! Each connection holds a semaphore permit for as long as it is open: while it carries a
//! request and its response body (HTTP/1.1 carries one at a time), and while it waits idle in
//! the pool. Counting connections rather than requests matters: when no connection is idle,
//! hyper's pool starts a new one *and* waits for one to come back, keeping whichever is first,
//! so a cap on requests alone still lets a burst open more sockets than the cap.
//!
//! Requests are capped too ([`RequestGate`]), at the same number: hyper only sees as many at
//! once as there may be connections, so a burst waits in one queue instead of each surplus
//! request leaving hyper a connection attempt that waits for a permit in the background (and
//! fails after the connect timeout when none comes free).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tower::Service;

use bytes::Bytes;
use http_body::{Frame, SizeHint};

use crate::error::explain_handshake_refusal;
use crate::stream::{Attached, Attachment};
use crate::{BoxError, BoxFuture};

impl Attachment for OwnedSemaphorePermit {}

/// Opens a connection through `inner` only with a permit of the destination host's semaphore,
/// waiting at most `wait` for one.
#[derive(Clone)]
pub(crate) struct LimitConnections<C> {
    inner: C,
    limit: usize,
    wait: Duration,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

/// Every connection to a host stayed busy while a request waited for one.
#[derive(Debug, thiserror::Error)]
#[error(
    "all {limit} connections to {host} stayed busy for {waited:?}; raise \
     TransportConfig::max_connections_per_host, or send fewer requests at once"
)]
#[non_exhaustive]
pub struct ConnectionsBusy {
    /// The host and port.
    pub host: String,
    /// The cap ([`TransportConfig::max_connections_per_host`](crate::TransportConfig::max_connections_per_host)).
    pub limit: usize,
    /// How long the request waited ([`TransportConfig::connect_timeout`](crate::TransportConfig::connect_timeout)).
    pub waited: Duration,
}

impl<C> LimitConnections<C> {
    /// `limit` must be between 1 and `Semaphore::MAX_PERMITS`.
    pub(crate) fn new(inner: C, limit: usize, wait: Duration) -> Self {
        Self {
            inner,
            limit,
            wait,
            hosts: Arc::default(),
        }
    }

    fn semaphore(&self, host: &str) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            hosts
                .entry(host.to_owned())
                .or_insert_with(|| Arc::new(Semaphore::new(self.limit))),
        )
    }
}

impl<C> Service<Uri> for LimitConnections<C>
where
    C: Service<Uri> + Clone + Send + 'static,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = Attached<C::Response, OwnedSemaphorePermit>;
    type Error = BoxError;
    type Future = BoxFuture<Self::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, destination: Uri) -> Self::Future {
        let host = destination
            .authority()
            .map_or_else(String::new, ToString::to_string);
        let semaphore = self.semaphore(&host);
        // The ready service connects once a permit is had; a clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let (limit, wait) = (self.limit, self.wait);
        Box::pin(async move {
            let permit = tokio::time::timeout(wait, semaphore.acquire_owned())
                .await
                .map_err(|_| ConnectionsBusy {
                    host,
                    limit,
                    waited: wait,
                })?
                .map_err(|closed| Box::new(closed) as BoxError)?;
            // Connecting includes the TLS handshake: a refused one says what to change.
            let stream = inner
                .call(destination)
                .await
                .map_err(explain_handshake_refusal)?;
            Ok(Attached::new(stream, permit))
        })
    }
}

/// At most `limit` requests through hyper's client at once, each holding its permit until its
/// response body is read or dropped ([`Gated`]).
///
/// A counter rather than a tokio `Semaphore`: releasing a semaphore permit takes its waiter
/// list's lock every time, a cost on every call of the common case, where nobody waits.
#[derive(Clone)]
pub(crate) struct RequestGate {
    state: Arc<GateState>,
    wait: Duration,
}

struct GateState {
    limit: usize,
    in_flight: AtomicUsize,
    /// How many requests wait for a permit; releases wake one only when some do.
    waiting: AtomicUsize,
    released: Notify,
}

/// A request's place at the gate, given back when dropped.
pub(crate) struct GatePermit {
    state: Arc<GateState>,
}

impl Drop for GatePermit {
    fn drop(&mut self) {
        self.state.in_flight.fetch_sub(1, Ordering::Release);
        if self.state.waiting.load(Ordering::Acquire) > 0 {
            self.state.released.notify_one();
        }
    }
}

impl RequestGate {
    /// `limit` must be at least 1.
    pub(crate) fn new(limit: usize, wait: Duration) -> Self {
        Self {
            state: Arc::new(GateState {
                limit,
                in_flight: AtomicUsize::new(0),
                waiting: AtomicUsize::new(0),
                released: Notify::new(),
            }),
            wait,
        }
    }

    /// A permit now, when one is free (the common case, without a timer).
    pub(crate) fn try_enter(&self) -> Option<GatePermit> {
        let state = &self.state;
        let mut current = state.in_flight.load(Ordering::Relaxed);
        loop {
            if current >= state.limit {
                return None;
            }
            match state.in_flight.compare_exchange_weak(
                current,
                current + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    return Some(GatePermit {
                        state: Arc::clone(state),
                    });
                }
                Err(now) => current = now,
            }
        }
    }

    /// A permit once one comes free, waiting at most the connect timeout; `host` names the
    /// destination in the error.
    pub(crate) async fn enter(self, host: String) -> Result<GatePermit, BoxError> {
        self.state.waiting.fetch_add(1, Ordering::AcqRel);
        let permit = tokio::time::timeout(self.wait, self.wait_for_permit()).await;
        self.state.waiting.fetch_sub(1, Ordering::AcqRel);
        permit.map_err(|_| {
            Box::new(ConnectionsBusy {
                host,
                limit: self.state.limit,
                waited: self.wait,
            }) as BoxError
        })
    }

    async fn wait_for_permit(&self) -> GatePermit {
        loop {
            // Listening before trying, so that a release in between is not missed.
            let released = self.state.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            if let Some(permit) = self.try_enter() {
                return permit;
            }
            released.await;
        }
    }
}

/// A response body that holds its request's [`RequestGate`] permit until it is dropped.
pub(crate) struct Gated<B> {
    body: B,
    _permit: GatePermit,
}

impl<B> Gated<B> {
    pub(crate) fn new(body: B, permit: GatePermit) -> Self {
        Self {
            body,
            _permit: permit,
        }
    }
}

impl<B: http_body::Body<Data = Bytes> + Unpin> http_body::Body for Gated<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    /// A connector whose "connections" are plain values.
    fn counting() -> LimitConnections<tower::util::BoxCloneService<Uri, u8, BoxError>> {
        let inner = tower::service_fn(|_: Uri| async { Ok::<_, BoxError>(0_u8) });
        LimitConnections::new(
            tower::util::BoxCloneService::new(inner),
            2,
            Duration::from_secs(10),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_third_connection_waits_for_one_of_two_to_close() {
        let connector = counting();
        let uri = || Uri::from_static("http://jm:8081/");
        let first = connector.clone().oneshot(uri()).await.unwrap();
        let _second = connector.clone().oneshot(uri()).await.unwrap();
        // Another host has its own permits.
        let _elsewhere = connector
            .clone()
            .oneshot(Uri::from_static("http://standby:8081/"))
            .await
            .unwrap();

        let third = tokio::spawn(connector.clone().oneshot(uri()));
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!third.is_finished());
        drop(first);
        let _third = third.await.unwrap().unwrap();

        let start = tokio::time::Instant::now();
        let error = connector.clone().oneshot(uri()).await.unwrap_err();
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        assert_eq!(
            error.to_string(),
            "all 2 connections to jm:8081 stayed busy for 10s; raise \
             TransportConfig::max_connections_per_host, or send fewer requests at once"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_past_the_gate_waits_for_a_body_to_be_dropped() {
        let gate = RequestGate::new(1, Duration::from_secs(10));
        let first = gate.try_enter().unwrap();
        assert!(gate.try_enter().is_none());
        let body = Gated::new(http_body_util::Empty::<Bytes>::new(), first);
        let waiting = tokio::spawn(gate.clone().enter("jm:8081".to_owned()));
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!waiting.is_finished());
        drop(body);
        let second = waiting.await.unwrap().unwrap();

        let start = tokio::time::Instant::now();
        let error = gate
            .clone()
            .enter("jm:8081".to_owned())
            .await
            .err()
            .unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        assert!(error.is::<ConnectionsBusy>(), "{error}");
        drop(second);
        assert!(gate.try_enter().is_some());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_crowd_at_the_gate_all_get_through_never_more_than_the_limit_at_once() {
        let gate = RequestGate::new(3, Duration::from_secs(30));
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..200)
            .map(|_| {
                let (gate, inside, most) = (gate.clone(), Arc::clone(&inside), Arc::clone(&most));
                tokio::spawn(async move {
                    let permit = match gate.try_enter() {
                        Some(permit) => permit,
                        None => gate.enter("jm:8081".to_owned()).await.ok().unwrap(),
                    };
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                    drop(permit);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 3);
        assert_eq!(gate.state.in_flight.load(Ordering::SeqCst), 0);
    }
}
