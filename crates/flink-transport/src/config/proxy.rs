//! [`ProxyConfig`]: whether requests go through an HTTP proxy, and which.

use std::fmt;

use http::{HeaderValue, Uri};
use hyper_util::client::proxy::matcher::Matcher;

use super::redact_url;
use crate::ConfigError;

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

/// The proxy a transport goes through: where it is, and its credentials.
#[derive(Clone, Debug)]
pub(crate) struct ProxyRoute {
    /// The proxy's `http://host:port`.
    pub(crate) uri: Uri,
    /// The `Proxy-Authorization` value, when the proxy URL carries credentials.
    pub(crate) authorization: Option<HeaderValue>,
}

impl ProxyConfig {
    /// The proxy for `base_url`, or `None` to connect directly.
    pub(crate) fn route(&self, base_url: &Uri) -> Result<Option<ProxyRoute>, ConfigError> {
        let matcher = match self {
            Self::FromEnv => Matcher::from_env(),
            Self::None => return Ok(None),
            Self::Url { url, no_proxy } => Matcher::builder()
                .all(url.clone())
                .no(no_proxy.clone())
                .build(),
        };
        let Some(intercept) = matcher.intercept(base_url) else {
            return Ok(None);
        };
        let uri = intercept.uri().clone();
        if uri.scheme_str() != Some("http") {
            return Err(ConfigError::InvalidUrl {
                url: redact_url(&uri.to_string()),
                reason: "only plain `http://` proxies are supported (an `https` base URL is \
                         still encrypted end to end through them)"
                    .to_owned(),
            });
        }
        let mut authorization = intercept.basic_auth().cloned();
        if let Some(value) = &mut authorization {
            value.set_sensitive(true);
        }
        Ok(Some(ProxyRoute { uri, authorization }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(url: &str, no_proxy: &str) -> ProxyConfig {
        ProxyConfig::Url {
            url: url.to_owned(),
            no_proxy: no_proxy.to_owned(),
        }
    }

    #[test]
    fn a_proxy_url_routes_both_schemes_with_its_credentials() {
        let proxy = through("http://ops:s3cret@proxy.internal:3128", "");
        for base in ["https://flink.example/", "http://flink.example:8081/"] {
            let route = proxy.route(&base.parse().unwrap()).unwrap().unwrap();
            assert_eq!(route.uri.host(), Some("proxy.internal"));
            assert_eq!(route.uri.port_u16(), Some(3128));
            let authorization = route.authorization.unwrap();
            assert!(authorization.is_sensitive());
            assert_eq!(authorization, "Basic b3BzOnMzY3JldA==");
        }
        assert!(!format!("{proxy:?}").contains("s3cret"));
    }

    #[test]
    fn no_proxy_hosts_and_none_connect_directly() {
        let proxy = through("http://proxy:3128", "localhost,127.0.0.1,.internal");
        for base in [
            "http://127.0.0.1:8081/",
            "https://flink.internal/",
            "http://localhost:1/",
        ] {
            assert!(
                proxy.route(&base.parse().unwrap()).unwrap().is_none(),
                "{base}"
            );
        }
        assert!(
            proxy
                .route(&"https://flink.example/".parse().unwrap())
                .unwrap()
                .is_some()
        );
        assert!(
            ProxyConfig::None
                .route(&"https://flink.example/".parse().unwrap())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn tls_to_the_proxy_is_refused_with_what_works() {
        let error = through("https://proxy:3128", "")
            .route(&"https://flink.example/".parse().unwrap())
            .unwrap_err();
        assert!(error.to_string().contains("http://"), "{error}");
    }
}
