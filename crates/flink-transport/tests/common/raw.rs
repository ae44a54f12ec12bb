//! A loopback server that writes the same raw HTTP answer to every request, and may then stall
//! with the connection open: for proxies' pages, Flink's 503 and bodies that stop mid-way.

// Each test binary uses a different part of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub(crate) struct RawServer {
    pub(crate) addr: SocketAddr,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    /// How many requests arrived.
    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// An answer with `status`, `content_type`, a `Content-Length` of `body` and `Connection: close`.
pub(crate) fn answer(status: &str, content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Writes `answer` after each request head (one read), then closes the connection, or keeps
/// it open and silent when `stall`.
pub(crate) async fn spawn(answer: String, stall: bool) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&requests);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let mut buffer = [0_u8; 8192];
                if stream.read(&mut buffer).await.unwrap_or(0) == 0 {
                    return;
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = stream.write_all(answer.as_bytes()).await;
                if stall {
                    std::future::pending::<()>().await;
                }
            });
        }
    });
    RawServer { addr, requests }
}
