//! Assembles the default stack.

use bytes::Bytes;
use http::header::{AUTHORIZATION, PROXY_AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, HeaderValue, Request, Response, Uri};
use http_body_util::BodyExt;
use hyper::rt::{Read, Write};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connection, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tower::retry::Retry;
use tower::{Service, ServiceExt};

use crate::config::validate_base_url;
use crate::connection_limit::LimitConnections;
use crate::layers::{Attempt, BaseUrl, DefaultHeaders, Trace};
use crate::proxy::ForwardProxy;
use crate::retry::RetryPolicy;
use crate::{Auth, Body, BoxError, ConfigError, Transport, TransportConfig, tls};

/// hyper's pooled client over `connector`, with TLS for `https` destinations.
fn tls_client<C>(
    config: &TransportConfig,
    tls: rustls::ClientConfig,
    connector: C,
) -> Client<LimitConnections<HttpsConnector<C>>, Body>
where
    C: Service<Uri> + Clone + Send + Sync + 'static,
    C::Response: Read + Write + Connection + Send + Unpin + 'static,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(connector);
    pooled_client(config, https)
}

/// hyper's pooled client over `connector`: idle connections closed by a timer, and at most
/// `max_connections_per_host` open to each host.
fn pooled_client<C>(config: &TransportConfig, connector: C) -> Client<LimitConnections<C>, Body>
where
    C: Service<Uri> + Clone + Send + Sync + 'static,
    C::Response: Read + Write + Connection + Send + Unpin + 'static,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(config.pool_idle_timeout)
        .pool_max_idle_per_host(config.pool_max_idle_per_host)
        .build(LimitConnections::new(
            connector,
            config.max_connections_per_host,
            config.connect_timeout,
        ))
}

impl TransportConfig {
    /// Builds the default stack over hyper-util and rustls. Needs no network and no runtime;
    /// sending does need a Tokio runtime.
    pub fn build(&self) -> Result<Transport, ConfigError> {
        // Validate first so a bad URL is reported before TLS material.
        validate_base_url(&self.base_url)?;
        self.validate_pool()?;
        let tls = if self.base_url.scheme_str() == Some("https") {
            tls::client_config(&self.tls)?
        } else {
            tls::unused_client_config()?
        };
        let mut http = HttpConnector::new();
        http.enforce_http(false); // the TLS connector above handles https
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let Some(route) = self.proxy.route(&self.base_url)? else {
            return self.build_with_service(tls_client(self, tls, http));
        };
        tracing::debug!(proxy = %route.uri, "connecting through an HTTP proxy");
        if self.base_url.scheme_str() == Some("https") {
            // CONNECT to the proxy, then TLS with Flink inside the tunnel.
            let mut tunnel = Tunnel::new(route.uri, http);
            if let Some(authorization) = route.authorization {
                tunnel = tunnel.with_auth(authorization);
            }
            return self.build_with_service(tls_client(self, tls, tunnel));
        }
        let connector = ForwardProxy {
            proxy: route.uri,
            inner: http,
        };
        let client = pooled_client(self, connector);
        let authorization = route.authorization;
        self.build_with_service(client.map_request(move |mut request: Request<Body>| {
            if let Some(value) = &authorization {
                request
                    .headers_mut()
                    .insert(PROXY_AUTHORIZATION, value.clone());
            }
            request
        }))
    }

    /// Builds the same stack (headers, tracing, retry, per-attempt timeout and body reading,
    /// base URL) over `service` instead of hyper: a mock, a recording proxy, or another HTTP
    /// client. The service receives absolute URIs joined onto [`base_url`](Self::base_url); the
    /// TLS, proxy and connection pool settings are unused.
    pub fn build_with_service<S, B>(&self, service: S) -> Result<Transport, ConfigError>
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        validate_base_url(&self.base_url)?;
        for url in &self.failover_urls {
            validate_base_url(url)?;
            if url.scheme() != self.base_url.scheme() {
                return Err(ConfigError::InvalidUrl {
                    url: crate::redact_url(&url.to_string()),
                    reason: format!(
                        "a failover URL must use the base URL's scheme ({}), since they share one TLS setup",
                        self.base_url.scheme_str().unwrap_or("http")
                    ),
                });
            }
        }
        self.retry.validate()?;
        let headers = self.default_headers()?;
        let service = service
            .map_response(|response: Response<B>| {
                response.map(|body| body.map_err(Into::into).boxed_unsync())
            })
            .map_err(Into::into);
        let service = BaseUrl::new(service, &self.base_url, &self.failover_urls);
        let service = Attempt::new(service, self.attempt_timeout, self.body_idle_timeout);
        let service = Retry::new(RetryPolicy::new(self.retry), service);
        let service = Trace::new(service);
        let token_source = match &self.auth {
            Some(Auth::BearerFrom(source)) => Some(source.clone()),
            _ => None,
        };
        let service = DefaultHeaders::new(service, headers, token_source);
        Ok(Transport::from_boxed(service))
    }

    fn validate_pool(&self) -> Result<(), ConfigError> {
        let limit = self.max_connections_per_host;
        if limit == 0 || limit > tokio::sync::Semaphore::MAX_PERMITS {
            return Err(ConfigError::InvalidPool {
                reason: format!(
                    "max_connections_per_host is {limit}; choose between 1 and {}",
                    tokio::sync::Semaphore::MAX_PERMITS
                ),
            });
        }
        Ok(())
    }

    fn default_headers(&self) -> Result<HeaderMap, ConfigError> {
        let mut headers = HeaderMap::with_capacity(self.headers.len() + 2);
        for (name, value) in &self.headers {
            let mut value = value.clone();
            if crate::config::is_secret_header(name) {
                value.set_sensitive(true);
            }
            headers.append(name.clone(), value);
        }
        if !headers.contains_key(USER_AGENT) {
            let agent = HeaderValue::from_str(&self.user_agent).map_err(|_| {
                ConfigError::InvalidHeader {
                    name: "User-Agent",
                    reason: format!(
                        "{:?} contains characters HTTP headers cannot carry; use visible ASCII",
                        self.user_agent
                    ),
                }
            })?;
            headers.insert(USER_AGENT, agent);
        }
        if let Some(value) = self
            .auth
            .as_ref()
            .map(Auth::static_header_value)
            .transpose()?
            .flatten()
        {
            headers.insert(AUTHORIZATION, value);
        }
        self.warn_of_plain_credentials(&headers);
        Ok(headers)
    }

    /// Warns when credentials would cross the network unencrypted. Loopback is exempt: a
    /// `kubectl port-forward` or an SSH tunnel there encrypts what leaves the machine.
    fn warn_of_plain_credentials(&self, headers: &HeaderMap) {
        let loopback = self.base_url.host().is_some_and(|host| {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
        let credentials =
            self.auth.is_some() || headers.keys().any(crate::config::is_secret_header);
        if credentials && self.base_url.scheme_str() == Some("http") && !loopback {
            tracing::warn!(
                url = %crate::redact_url(&self.base_url.to_string()),
                "credentials are sent over plain http: anyone on the network path can read \
                 them; use an https URL"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Auth, RootCertificates, TlsConfig};

    #[test]
    fn builds_offline() {
        TransportConfig::new("http://localhost:8081")
            .unwrap()
            .build()
            .unwrap();
        TransportConfig::new("https://flink.example")
            .unwrap()
            .build()
            .unwrap();
    }

    #[test]
    fn tls_settings_are_unused_for_http() {
        let mut config = TransportConfig::new("http://localhost:8081").unwrap();
        config.tls = TlsConfig {
            roots: RootCertificates::None,
            ..TlsConfig::default()
        };
        config.build().unwrap();
        config.base_url = "https://localhost:8081".parse().unwrap();
        assert!(matches!(
            config.build().unwrap_err(),
            ConfigError::Tls { .. }
        ));
    }

    #[test]
    fn invalid_settings_are_reported() {
        let mut config = TransportConfig::new("http://localhost:8081").unwrap();
        config.base_url = "/relative".parse().unwrap();
        assert!(matches!(
            config.build().unwrap_err(),
            ConfigError::InvalidUrl { .. }
        ));

        let mut config = TransportConfig::new("http://localhost:8081").unwrap();
        config.user_agent = "bad\nagent".to_owned();
        assert!(
            config
                .build()
                .unwrap_err()
                .to_string()
                .contains("User-Agent")
        );

        for limit in [0, usize::MAX] {
            let mut config = TransportConfig::new("http://localhost:8081").unwrap();
            config.max_connections_per_host = limit;
            let error = config.build().unwrap_err().to_string();
            assert!(error.contains("max_connections_per_host is"), "{error}");
        }

        let mut config = TransportConfig::new("http://localhost:8081").unwrap();
        config.auth = Some(Auth::bearer("a\u{7f}b"));
        assert!(matches!(
            config.build().unwrap_err(),
            ConfigError::InvalidHeader { .. }
        ));
    }

    #[test]
    fn default_headers() {
        let mut config = TransportConfig::new("http://localhost:8081").unwrap();
        config.headers.insert(
            AUTHORIZATION,
            HeaderValue::from_static("Bearer from-headers"),
        );
        config
            .headers
            .insert("cookie", HeaderValue::from_static("a=b"));
        let headers = config.default_headers().unwrap();
        assert!(
            headers[USER_AGENT]
                .to_str()
                .unwrap()
                .starts_with("flink-rs/")
        );
        assert!(headers[AUTHORIZATION].is_sensitive());
        assert!(headers["cookie"].is_sensitive());

        config.auth = Some(Auth::bearer("from-auth"));
        config.user_agent = "custom/1".to_owned();
        let headers = config.default_headers().unwrap();
        assert_eq!(headers[AUTHORIZATION], "Bearer from-auth");
        assert_eq!(headers.get_all(AUTHORIZATION).iter().count(), 1);
        assert_eq!(headers[USER_AGENT], "custom/1");
    }
}
