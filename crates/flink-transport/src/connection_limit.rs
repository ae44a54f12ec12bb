//! A cap on the connections open to each host.
//!
//! Each connection holds a semaphore permit for as long as it is open: while it carries a
//! request and its response body (HTTP/1.1 carries one at a time), and while it waits idle in
//! the pool. Counting connections rather than requests matters: when no connection is idle,
//! hyper's pool starts a new one *and* waits for one to come back, keeping whichever is first,
//! so a cap on requests alone still lets a burst open more sockets than the cap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::Service;

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
            let stream = inner.call(destination).await.map_err(Into::into)?;
            Ok(Attached::new(stream, permit))
        })
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
}
