//! [`FaultProxy`]: the running proxy, its rules and its counts.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::handler::Handler;
use crate::journal::Journal;
use crate::upstream::Upstream;
use crate::{Exchange, Route, Rule};

/// A reverse proxy on loopback in front of one upstream (Flink's REST API over plain HTTP), or
/// in front of none ([`standalone`](Self::standalone)).
///
/// Every request is forwarded unless a [`Rule`] says otherwise; the proxy counts what it
/// received and what reached the upstream. It runs on the tokio runtime that started it, until
/// [`stop`](Self::stop)ped or dropped.
#[derive(Debug)]
pub struct FaultProxy {
    address: SocketAddr,
    journal: Arc<Journal>,
    server: JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (an `http://` URL, possibly with a path) on a free port
    /// of 127.0.0.1.
    pub async fn start(upstream: &str) -> io::Result<Self> {
        Self::start_at(upstream, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a proxy to `upstream` on `address`: the one of a stopped proxy, to restart it.
    pub async fn start_at(upstream: &str, address: SocketAddr) -> io::Result<Self> {
        Self::listen(Some(Upstream::new(upstream)?), address).await
    }

    /// Starts a proxy with no upstream on a free port of 127.0.0.1, for tests that need no
    /// Flink: its rules answer (or leave unanswered) every request, and a request no rule
    /// takes gets `502 Bad Gateway`, saying that there is no upstream. Nothing is ever
    /// [`forwarded`](Self::forwarded).
    pub async fn standalone() -> io::Result<Self> {
        Self::listen(None, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    async fn listen(upstream: Option<Upstream>, address: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let journal = Arc::new(Journal::default());
        let handler = Arc::new(Handler::new(Arc::clone(&journal), upstream));
        let server = tokio::spawn(crate::server::accept(listener, handler));
        Ok(Self {
            address,
            journal,
            server,
        })
    }

    /// The URL to give a client instead of the upstream's: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Adds a rule after the others; each request gets the fault of the first rule that
    /// applies to it, and is forwarded when none does (answered `502` by a standalone proxy).
    pub fn add(&self, rule: Rule) -> &Self {
        self.journal.add(rule);
        self
    }

    /// Drops every rule: from now on, every request is forwarded.
    pub fn clear_rules(&self) {
        self.journal.clear_rules();
    }

    /// How many requests on `route` the proxy received.
    pub fn received(&self, route: &Route) -> usize {
        self.journal.count(route).0
    }

    /// How many requests on `route` reached the upstream (it answered them).
    pub fn forwarded(&self, route: &Route) -> usize {
        self.journal.count(route).1
    }

    /// Every request received so far, in order, with what the proxy did with it.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.journal.exchanges()
    }

    /// Stops listening and ends every connection (a client then gets connection refused);
    /// returns the address, for [`start_at`](Self::start_at). Requests held by a
    /// [`Fault::Delay`](crate::Fault::Delay) are still forwarded when their time comes, as
    /// requests already on their way.
    pub async fn stop(mut self) -> SocketAddr {
        self.server.abort();
        // Once the task is gone, the listener and the connections are closed.
        let _ = (&mut self.server).await;
        self.address
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.server.abort();
    }
}
