// The README is the crate's page (crates.io and docs.rs alike), and its example is a doctest.
// The reference below follows it.
#![doc = include_str!("../README.md")]
//!
//! ## The stack
//!
//! [`TransportConfig::build`] assembles, outermost first:
//!
//! 1. **default headers**: `User-Agent`, [`TransportConfig::headers`] when not already present,
//!    and `Authorization` from [`Auth`] (marked sensitive); any `Expect` header is dropped;
//! 2. **tracing**: one span per logical call with `operation` (from [`OperationName`]),
//!    `method`, `path` and `status`, never header values;
//! 3. **retry**: exponential backoff with full jitter, bounded attempts
//!    ([`RetryConfig::max_retries`]), a window that rides out an HA leader election
//!    ([`RetryConfig::unavailable_retry_window`]) and a retry budget, with rules from
//!    [`classify`]: a non-idempotent request is resent only when it never left the client or
//!    when Flink itself answered 503 before dispatch (its JSON error envelope; the one piece
//!    of Flink knowledge in this crate), never after a proxy's 503, a reset or a timeout;
//! 4. **attempt**: [`TransportConfig::attempt_timeout`], overridden per request by
//!    [`RequestTimeout`], fails an attempt with [`AttemptTimedOut`]. It covers the response head
//!    and the whole body of an answer the caller reads whole ([`BufferedResponse`], up to its
//!    limit, else [`BodyTooLarge`]) or that may be retried (429, 502, 503, 504: read up to
//!    64 KiB for [`classify`]); the response still carries those bytes. Any other body is a
//!    stream that fails with [`BodyIdleTimedOut`] after [`TransportConfig::body_idle_timeout`]
//!    without data;
//! 5. **base URL join**: relative request paths such as `/jobs` are joined onto
//!    [`TransportConfig::base_url`], keeping a path prefix and the query, with failover to
//!    [`TransportConfig::failover_urls`];
//! 6. the hyper-util client over rustls (HTTP/1.1 only, with a connect timeout): a pool whose
//!    timer closes connections idle for [`TransportConfig::pool_idle_timeout`], and at most
//!    [`TransportConfig::max_connections_per_host`] connections open to each host (a request
//!    that finds all busy waits up to the connect timeout, then fails with
//!    [`ConnectionsBusy`]).
//!
//! Everything is wrapped in [`Transport`], the one swap point: [`Transport::new`] accepts any
//! tower service, so tests can use a closure, a `tower-test` mock, or the scripted mock of the
//! `test-util` feature (`mock` module), and [`TransportConfig::build_with_service`] runs the same
//! layers over a service of your choice.
//!
//! ## Errors
//!
//! [`Transport::send`] returns a [`BoxError`]; inspect it with [`is_timeout`] and [`is_connect`]
//! rather than by downcasting.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod body;
mod classify;
mod config;
mod connection_limit;
mod error;
mod extensions;
mod idle_timeout;
mod layers;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod mock;
mod prefix;
mod proxy;
mod retry;
mod stack;
mod stream;
mod tls;
mod transport;

pub use body::{Body, BodyTooLarge, ResponseBody, read_body_limited};
pub use classify::{Outcome, Verdict, classify};
pub use config::redact_url;
pub use config::{
    Auth, CertificateFingerprint, ClientIdentity, ConfigError, ProxyConfig, RetryBudget,
    RetryConfig, RootCertificates, Secret, TlsConfig, TokenSource, TransportConfig,
};
pub use connection_limit::ConnectionsBusy;
pub use error::{AttemptTimedOut, BodyIdleTimedOut, is_connect, is_timeout};
pub use extensions::{
    BufferedResponse, Idempotency, OperationName, RequestTimeout, UnavailableRetryWindow,
};
pub use transport::Transport;

/// The error type of the transport: any error, boxed. Inspect it with [`is_timeout`] and
/// [`is_connect`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future type of the crate's own services.
type BoxFuture<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, BoxError>> + Send + 'static>>;
