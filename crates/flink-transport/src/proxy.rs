//! Which proxy a [`ProxyConfig`] chooses for a base URL, and the connector of a plain `http`
//! base URL behind it: every connection goes to the proxy and is marked as proxied, so hyper
//! sends requests in absolute form (`GET http://host/path`). (An `https` base URL goes through
//! hyper-util's `Tunnel` instead.)

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper_util::client::legacy::connect::Connected;
use hyper_util::client::proxy::matcher::Matcher;
use tower::Service;

use crate::stream::{Attached, Attachment};
use crate::{ConfigError, ProxyConfig, redact_url};

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

/// Connects to `proxy` whatever the destination, through `inner`.
#[derive(Clone, Debug)]
pub(crate) struct ForwardProxy<C> {
    pub(crate) proxy: Uri,
    pub(crate) inner: C,
}

/// Marks a connection as one to a proxy, which hyper then speaks absolute-form HTTP on.
#[derive(Debug)]
pub(crate) struct ProxyMark;

impl Attachment for ProxyMark {
    fn connected(&self, connected: Connected) -> Connected {
        connected.proxy(true)
    }
}

impl<C> Service<Uri> for ForwardProxy<C>
where
    C: Service<Uri>,
    C::Future: Send + 'static,
{
    type Response = Attached<C::Response, ProxyMark>;
    type Error = C::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, C::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), C::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, _destination: Uri) -> Self::Future {
        let connecting = self.inner.call(self.proxy.clone());
        Box::pin(async move {
            connecting
                .await
                .map(|stream| Attached::new(stream, ProxyMark))
        })
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
