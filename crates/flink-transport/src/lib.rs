// The README is the crate's page (crates.io and docs.rs alike), and its example is a doctest.
// The reference below follows it.
#![doc = include_str!("../README.md")]
//!
//! ## The stack
//!
//! [`TransportConfig::build`] assembles one pipeline whose steps run in this order for each
//! call (plain async steps of one struct, called through `&self`: a call clones nothing of the
//! stack and boxes one future, the one [`Transport`] returns):
//!
//! 1. **default headers**: `User-Agent`, [`TransportConfig::headers`] when not already present,
//!    and `Authorization` from [`Auth`] (marked sensitive); any `Expect` header is dropped;
//! 2. **tracing**: one span per logical call with `operation` (from [`OperationName`]),
//!    `method`, `path` and `status`, never header values;
//! 3. **retry**: the request is copied for the next attempt only while a retry is possible (a
//!    streamed body never is), exponential backoff with full jitter, bounded attempts
//!    ([`RetryConfig::max_retries`]), a window that rides out an HA leader election
//!    ([`RetryConfig::unavailable_retry_window`]) and a retry budget, with rules from
//!    [`classify`]: a non-idempotent request is resent only when it never left the client or
//!    when Flink itself answered 503 before dispatch (its JSON error envelope; the one piece
//!    of Flink knowledge in this crate), never after a proxy's 503, a reset or a timeout;
//! 4. **attempt**: [`TransportConfig::attempt_timeout`], overridden per request by
//!    [`RequestTimeout`], fails an attempt with [`AttemptTimedOut`] (one tokio timer per
//!    attempt). It covers the response head and the whole body of an answer the caller reads
//!    whole ([`BufferedResponse`], up to its limit, else [`BodyTooLarge`]) or that may be
//!    retried (429, 502, 503, 504: read up to 64 KiB for [`classify`]); the response still
//!    carries those bytes. Any other body is a stream that fails with [`BodyIdleTimedOut`]
//!    after [`TransportConfig::body_idle_timeout`] without data;
//! 5. **base URL join**: relative request paths such as `/jobs` are joined onto
//!    [`TransportConfig::base_url`], keeping a path prefix and the query, with failover to
//!    [`TransportConfig::failover_urls`];
//! 6. the hyper-util client over rustls (feature `default-client`; HTTP/1.1 only, with a
//!    connect timeout): a pool whose timer closes connections idle for
//!    [`TransportConfig::pool_idle_timeout`], and at most
//!    [`TransportConfig::max_connections_per_host`] connections open to each host, and as many
//!    requests in flight (a request that finds all busy waits, unsent, up to the connect
//!    timeout, then fails with [`ConnectionsBusy`]).
//!
//! The hint extensions ([`OperationName`], [`Idempotency`], [`RequestTimeout`],
//! [`BufferedResponse`], [`UnavailableRetryWindow`]) are read once per call.
//!
//! Everything is wrapped in [`Transport`], the one swap point, itself a tower service:
//! [`Transport::new`] accepts any tower service, so tests can use a closure, a `tower-test`
//! mock, or the scripted mock of the `test-util` feature (`mock` module), and
//! [`TransportConfig::build_with_service`] runs the same steps over a service of your choice.
//! Such a service is called through a clone of it per attempt, as tower's `&mut self` calls
//! require, and sees the request's extensions, the hints included.
//!
//! ## Errors
//!
//! [`Transport::send`] returns a [`BoxError`]; inspect it with [`is_timeout`] and [`is_connect`]
//! rather than by downcasting.
//!
//! ## Features
//!
//! | feature | default | what it gives |
//! | --- | --- | --- |
//! | `default-client` | yes | [`TransportConfig::build`]: hyper-util's client over rustls. Without it, the crate is the layers over a service of your own ([`TransportConfig::build_with_service`]), and neither hyper nor rustls is compiled |
//! | `aws-lc-rs` | yes | rustls' crypto from aws-lc-rs (with post-quantum key exchange); chosen when both providers are on |
//! | `ring` | no | rustls' crypto from ring instead (no post-quantum key exchange); turn the default features off |
//! | `webpki-roots` | yes | [`RootCertificates::WebPki`]: Mozilla's roots, compiled in |
//! | `native-roots` | yes | [`RootCertificates::Native`]: the operating system's store |
//! | `test-util` | no | the `mock` module, a scripted transport for tests of code built on flink-rs |
//!
//! The provider and roots features turn `default-client` on, which needs one of the two
//! providers. A provider the application installed for the process
//! (`rustls::crypto::CryptoProvider::install_default`) is used instead of the built-in one, and
//! [`TlsConfig::custom`] takes a whole `rustls::ClientConfig` of your own. For ring and the
//! system's roots only:
//!
//! ```toml
//! flink-transport = { version = "0.1", default-features = false, features = ["ring", "native-roots"] }
//! ```
//!
//! ## Stability
//!
//! The configuration, outcome and error types are `#[non_exhaustive]`: start from their
//! constructors and set fields. See
//! [docs/semver.md](https://github.com/flink-rs/flink-rs/blob/main/docs/semver.md).

// docs.rs builds with nightly and sets `docsrs_nightly` (see Cargo.toml) for the feature badges;
// `--cfg docsrs` alone must keep working on stable, as `cargo xtask docs` builds.
#![cfg_attr(docsrs_nightly, feature(doc_cfg))]

#[cfg(all(
    feature = "default-client",
    not(any(feature = "aws-lc-rs", feature = "ring"))
))]
compile_error!(
    "flink-rs's `default-client` feature needs a crypto provider for rustls: enable the \
     `aws-lc-rs` (the default) or the `ring` feature"
);

mod body;
mod classify;
#[cfg(feature = "default-client")]
mod client;
mod config;
#[cfg(feature = "default-client")]
mod connection_limit;
mod error;
mod extensions;
mod idle_timeout;
mod layers;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs_nightly, doc(cfg(feature = "test-util")))]
pub mod mock;
mod prefix;
#[cfg(feature = "default-client")]
mod proxy;
mod retry;
mod stack;
#[cfg(feature = "default-client")]
mod stream;
#[cfg(feature = "default-client")]
mod tls;
mod transport;

pub use body::{Body, BodyTooLarge, ResponseBody, read_body_limited};
pub use classify::{Outcome, Verdict, classify};
pub use config::redact_url;
pub use config::{
    Auth, CertificateFingerprint, ClientIdentity, ConfigError, ProxyConfig, RetryBudget,
    RetryConfig, RootCertificates, Secret, TlsConfig, TokenSource, TransportConfig,
};
#[cfg(feature = "default-client")]
#[cfg_attr(docsrs_nightly, doc(cfg(feature = "default-client")))]
pub use connection_limit::ConnectionsBusy;
#[cfg(feature = "default-client")]
pub use error::TlsHandshakeRefused;
pub use error::{AttemptTimedOut, BodyIdleTimedOut, is_connect, is_timeout};
pub use extensions::{
    BufferedResponse, Idempotency, OperationName, RequestTimeout, UnavailableRetryWindow,
};
pub use transport::Transport;

/// The rustls this crate builds on, for [`TlsConfig::custom`]: a `ClientConfig` of this version.
#[cfg(feature = "default-client")]
#[cfg_attr(docsrs_nightly, doc(cfg(feature = "default-client")))]
pub use rustls;

/// The error type of the transport: any error, boxed. Inspect it with [`is_timeout`] and
/// [`is_connect`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future type of the crate's own services.
type BoxFuture<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, BoxError>> + Send + 'static>>;
