//! A loopback HTTP server that counts the connections open to it, now and at most.

// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

#[derive(Default)]
struct Counts {
    open: AtomicUsize,
    most: AtomicUsize,
}

pub(crate) struct CountingServer {
    pub(crate) addr: SocketAddr,
    counts: Arc<Counts>,
}

impl CountingServer {
    /// Connections open now.
    pub(crate) fn open(&self) -> usize {
        self.counts.open.load(Ordering::SeqCst)
    }

    /// The most connections that were open at once.
    pub(crate) fn most_open(&self) -> usize {
        self.counts.most.load(Ordering::SeqCst)
    }

    /// Waits (real time) until no connection is open; `false` if some still are after `limit`.
    pub(crate) async fn all_closed_within(&self, limit: Duration) -> bool {
        let start = std::time::Instant::now();
        while self.open() > 0 {
            if start.elapsed() > limit {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        true
    }
}

/// Answers `200 ok` to every request after `delay`, keeping connections alive.
pub(crate) async fn spawn(delay: Duration) -> CountingServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let counts = Arc::new(Counts::default());
    let shared = Arc::clone(&counts);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let now = shared.open.fetch_add(1, Ordering::SeqCst) + 1;
            shared.most.fetch_max(now, Ordering::SeqCst);
            let shared = Arc::clone(&shared);
            tokio::spawn(async move {
                let service = service_fn(move |_: Request<Incoming>| async move {
                    tokio::time::sleep(delay).await;
                    Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok"))))
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
                shared.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    CountingServer { addr, counts }
}
