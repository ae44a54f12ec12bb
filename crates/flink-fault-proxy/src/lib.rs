//! Test support for flink-rs: a small reverse proxy on loopback that stands between a client
//! and a real Flink cluster, injects network faults into chosen requests, and counts what
//! it received and what reached Flink.
//!
//! The fault tests of flink-client and flinkctl start one in front of the live cluster, break
//! some requests ([`Fault`]), and prove the outcome by the proxy's counts and by what exists on
//! the cluster afterwards, not by the client's own answer. It speaks plain HTTP to Flink (no
//! TLS), and is not published. Started [`standalone`](FaultProxy::standalone), with no Flink
//! behind it, it serves the tests that need none (a server that never answers, endless or
//! deeply nested answers) from its rules alone.
//!
//! ```no_run
//! use flink_fault_proxy::{Answer, Fault, FaultProxy, Route, Rule};
//! use http::Method;
//!
//! # async fn run() -> std::io::Result<()> {
//! let proxy = FaultProxy::start("http://127.0.0.1:8081").await?;
//! // The first run request reaches Flink, but the client is told 503 by "Envoy".
//! let run = Route::matching(Method::POST, |path| path.ends_with("/run"));
//! proxy.add(Rule::new(run.clone(), Fault::ForwardThenRespond(Answer::envoy_upstream_reset())).times(1));
//! // … point a client at proxy.url() and run a jar …
//! assert_eq!(proxy.forwarded(&run), 1);
//! # Ok(())
//! # }
//! ```

mod bodies;
mod fault;
mod handler;
mod journal;
mod proxy;
mod reset;
mod route;
mod rule;
mod server;
mod test_cluster;
mod upstream;

pub use fault::{Answer, Fault};
pub use journal::Exchange;
pub use proxy::FaultProxy;
pub use route::Route;
pub use rule::Rule;
pub use test_cluster::plain_http_test_cluster;

/// Any error of a forwarded request or of a body.
type BoxError = Box<dyn std::error::Error + Send + Sync>;
