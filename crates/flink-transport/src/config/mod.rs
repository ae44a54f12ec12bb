//! [`TransportConfig`] and its parts.

mod auth;
mod error;
mod fingerprint;
mod proxy;
mod retry;
mod tls;
mod url;

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, Uri};

pub(crate) use self::auth::is_secret_header;
pub use self::auth::{Auth, Secret, TokenSource};
pub use self::error::ConfigError;
pub use self::fingerprint::CertificateFingerprint;
pub use self::proxy::ProxyConfig;
pub use self::retry::{RetryBudget, RetryConfig};
pub use self::tls::{ClientIdentity, RootCertificates, TlsConfig};
pub use self::url::redact_url;
pub(crate) use self::url::validate_base_url;

/// Configuration of the default stack built by [`TransportConfig::build`].
///
/// Start from [`TransportConfig::new`], which fills in the documented defaults, and change the
/// public fields. `Debug` output never shows secrets.
///
/// ```
/// use std::time::Duration;
/// use flink_transport::{Auth, TransportConfig};
///
/// let mut config = TransportConfig::new("https://gateway.example/flink/")?;
/// config.attempt_timeout = Duration::from_secs(30);
/// config.auth = Some(Auth::bearer("token"));
/// let transport = config.build()?;
/// # Ok::<(), flink_transport::ConfigError>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportConfig {
    /// Where the REST endpoint lives; `http` or `https`. It may carry a path prefix
    /// (`https://gw.example/flink/`): a request for `/jobs` goes to `/flink/jobs`, its query
    /// kept.
    pub base_url: Uri,
    /// How long opening a TCP connection may take. Default: 10 s.
    pub connect_timeout: Duration,
    /// How long each attempt may take: until the response head arrives, and also until the
    /// whole body is read for an answer the caller reads whole
    /// ([`BufferedResponse`](crate::BufferedResponse)) or that may be retried (429, 502, 503,
    /// 504). Default: 60 s. A request's [`RequestTimeout`](crate::RequestTimeout) extension
    /// overrides it.
    pub attempt_timeout: Duration,
    /// How long a streamed response body (a log, a download: any answer not read whole within
    /// the attempt) may go without data while the caller waits for more; then reading it fails
    /// with [`BodyIdleTimedOut`](crate::BodyIdleTimedOut), which
    /// [`is_timeout`](crate::is_timeout) recognises. Default: 60 s, as the attempt timeout: Flink
    /// sends files as fast as it reads them, so a minute of silence means a stalled server or
    /// network. [`Duration::ZERO`] disables it.
    pub body_idle_timeout: Duration,
    /// How long an unused connection stays open for reuse; a timer closes it then, without
    /// waiting for the next call. Default: 90 s (hyper's default).
    pub pool_idle_timeout: Duration,
    /// How many unused connections to each host stay open for reuse. Default: 32, so a steady
    /// load up to the [`max_connections_per_host`](Self::max_connections_per_host) cap reuses its
    /// connections; `0` opens a connection per request.
    pub pool_max_idle_per_host: usize,
    /// The most connections open to each host at once, in use or idle, and the most requests
    /// in flight at once. A request that finds all of them busy waits for one to come free, up to
    /// [`connect_timeout`](Self::connect_timeout), then fails as a connect error (never sent,
    /// so retried). Default: 32: Flink's REST server handles requests on 4 threads by default
    /// (`rest.server.numThreads`), so more connections only queue there, while a burst of
    /// calls would otherwise open a socket each. At least 1.
    pub max_connections_per_host: usize,
    /// Retry settings. Default: [`RetryConfig::default`].
    pub retry: RetryConfig,
    /// The `User-Agent` header, unless a request sets its own. Default: `flink-rs/<version>`.
    pub user_agent: String,
    /// Headers added to each request that does not already carry them. Values of
    /// `Authorization`, `Proxy-Authorization` and `Cookie` are marked sensitive.
    pub headers: HeaderMap,
    /// Credentials for the `Authorization` header (which takes precedence over one in
    /// [`headers`](Self::headers)). Default: none.
    pub auth: Option<Auth>,
    /// TLS settings, used only for an `https` base URL.
    pub tls: TlsConfig,
    /// More JobManagers of the same HA cluster (standbys), with the base URL's scheme and
    /// path: when the current one cannot be reached or answers 503 (no leader), the next
    /// attempt of the call, and every later call, goes to the next of them. The retry policy
    /// decides how many attempts a call makes.
    pub failover_urls: Vec<Uri>,
    /// Whether to go through an HTTP proxy. Default: as the environment says (`HTTPS_PROXY`,
    /// `HTTP_PROXY`, `NO_PROXY`), like curl.
    pub proxy: ProxyConfig,
    /// The largest answer callers should read whole: the limit of their
    /// [`BufferedResponse`](crate::BufferedResponse) or
    /// [`read_body_limited`](crate::read_body_limited). Default: 64 MiB.
    pub max_response_body_bytes: usize,
}

impl TransportConfig {
    /// Adds a failover URL (see [`failover_urls`](Self::failover_urls)), checked like the base
    /// URL.
    pub fn add_failover_url(&mut self, url: &str) -> Result<&mut Self, ConfigError> {
        let uri = url.parse::<Uri>().map_err(|e| ConfigError::InvalidUrl {
            url: redact_url(url),
            reason: format!("{e}; expected something like http://jobmanager-1:8081"),
        })?;
        validate_base_url(&uri)?;
        self.failover_urls.push(uri);
        Ok(self)
    }

    /// A configuration with default settings for `base_url`, which must be an `http` or `https`
    /// URL with a host, and with neither credentials nor a query.
    pub fn new(base_url: &str) -> Result<Self, ConfigError> {
        let uri = base_url
            .parse::<Uri>()
            .map_err(|e| ConfigError::InvalidUrl {
                url: redact_url(base_url),
                reason: format!("{e}; expected something like http://localhost:8081"),
            })?;
        validate_base_url(&uri)?;
        Ok(Self {
            base_url: uri,
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(60),
            body_idle_timeout: Duration::from_secs(60),
            pool_idle_timeout: Duration::from_secs(90),
            pool_max_idle_per_host: 32,
            max_connections_per_host: 32,
            retry: RetryConfig::default(),
            user_agent: concat!("flink-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            headers: HeaderMap::new(),
            auth: None,
            tls: TlsConfig::default(),
            failover_urls: Vec::new(),
            proxy: ProxyConfig::default(),
            max_response_body_bytes: 64 * 1024 * 1024,
        })
    }
}

impl fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportConfig")
            .field("base_url", &redact_url(&self.base_url.to_string()))
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("body_idle_timeout", &self.body_idle_timeout)
            .field("pool_idle_timeout", &self.pool_idle_timeout)
            .field("pool_max_idle_per_host", &self.pool_max_idle_per_host)
            .field("max_connections_per_host", &self.max_connections_per_host)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("auth", &self.auth)
            .field("tls", &self.tls)
            .field(
                "failover_urls",
                &self
                    .failover_urls
                    .iter()
                    .map(|url| redact_url(&url.to_string()))
                    .collect::<Vec<_>>(),
            )
            .field("proxy", &self.proxy)
            .field("max_response_body_bytes", &self.max_response_body_bytes)
            .finish()
    }
}

/// Header names with their values, except sensitive ones.
struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, value)| {
                let shown: &dyn fmt::Debug = if value.is_sensitive() || auth::is_secret_header(name)
                {
                    &"<redacted>"
                } else {
                    value
                };
                (name.as_str(), shown)
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use http::header::{AUTHORIZATION, COOKIE};

    #[test]
    fn defaults() {
        let config = TransportConfig::new("http://localhost:8081").unwrap();
        assert_eq!(config.connect_timeout, Duration::from_secs(10));
        assert_eq!(config.attempt_timeout, Duration::from_secs(60));
        assert_eq!(config.body_idle_timeout, Duration::from_secs(60));
        assert_eq!(config.pool_idle_timeout, Duration::from_secs(90));
        assert_eq!(config.pool_max_idle_per_host, 32);
        assert_eq!(config.max_connections_per_host, 32);
        assert_eq!(config.retry, RetryConfig::default());
        assert_eq!(
            config.retry.unavailable_retry_window,
            Duration::from_secs(5)
        );
        assert_eq!(
            config.user_agent,
            format!("flink-rs/{}", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(config.max_response_body_bytes, 64 << 20);
        assert!(config.auth.is_none());
    }

    #[test]
    fn debug_shows_no_secret() {
        let mut config = TransportConfig::new("https://gw.example/flink/").unwrap();
        config.auth = Some(Auth::basic("alice", "hunter2-password"));
        config.headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer header-token"),
        );
        config
            .headers
            .insert(COOKIE, HeaderValue::from_static("session=cookie-secret"));
        let mut marked = HeaderValue::from_static("marked-secret");
        marked.set_sensitive(true);
        config.headers.insert("x-api-key", marked);
        config
            .headers
            .insert("x-trace", HeaderValue::from_static("visible"));
        config.tls.client_identity = Some(ClientIdentity::from_pem(
            "-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\nkey-material\n-----END PRIVATE KEY-----\n",
        ));
        let debug = format!("{config:?}");
        for secret in [
            "hunter2",
            "header-token",
            "cookie-secret",
            "marked-secret",
            "key-material",
        ] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
        assert!(debug.contains("alice"));
        assert!(debug.contains("visible"));
        assert!(debug.contains("<redacted>"));

        let bearer = format!("{:?}", Auth::bearer("bearer-secret"));
        assert!(!bearer.contains("bearer-secret"), "{bearer}");
        let pretty = format!("{config:#?}");
        assert!(!pretty.contains("hunter2"));
    }
}
