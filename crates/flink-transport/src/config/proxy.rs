//! [`ProxyConfig`]: whether requests go through an HTTP proxy, and which.

use std::fmt;

use super::redact_url;

/// Whether the transport reaches Flink through an HTTP proxy. A transport talks to one base URL,
/// so the choice is made once, when it is built.
///
/// An `https` base URL is tunnelled through the proxy (`CONNECT`), so TLS runs end to end
/// with Flink; a plain `http` one is sent to the proxy in absolute form. The proxy itself is
/// spoken to in plain HTTP; credentials in its URL (`http://user:password@proxy:3128`) are
/// sent as `Proxy-Authorization`.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum ProxyConfig {
    /// As curl reads the environment: `HTTPS_PROXY` or `HTTP_PROXY` by the base URL's scheme
    /// (else `ALL_PROXY`, lowercase names too), unless `NO_PROXY` names its host. The default;
    /// with none of them set, connections are direct.
    #[default]
    FromEnv,
    /// Connect directly, whatever the environment says.
    None,
    /// Through the proxy at `url` (`http://[user:password@]host:port`), unless `no_proxy`
    /// (comma-separated hosts, domains or CIDR ranges, as in `NO_PROXY`) names the base URL's
    /// host.
    Url {
        /// The proxy.
        url: String,
        /// Hosts reached directly.
        no_proxy: String,
    },
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FromEnv => f.write_str("FromEnv"),
            Self::None => f.write_str("None"),
            Self::Url { url, no_proxy } => f
                .debug_struct("Url")
                .field("url", &redact_url(url))
                .field("no_proxy", no_proxy)
                .finish(),
        }
    }
}
