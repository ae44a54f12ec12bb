//! The default HTTP client: hyper-util's pooled client (over rustls for https), with proxies and
//! a cap on connections per host (feature `default-client`).

use std::future::Future;

use http::header::PROXY_AUTHORIZATION;
use http::{HeaderValue, Request, Response, Uri};
use hyper::body::Incoming;
use hyper::rt::{Read, Write};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connect, Connection, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tower::Service;

use crate::config::validate_base_url;
use crate::connection_limit::{Gated, LimitConnections, RequestGate};
use crate::layers::HttpClient;
use crate::proxy::ForwardProxy;
use crate::{Body, BoxError, ConfigError, Transport, TransportConfig, tls};

/// hyper-util's pooled client under the stack, called through `&self` as its
/// `Client::request` allows, behind the gate that caps the requests in flight; with the
/// credentials of a forward proxy, when there is one.
struct Hyper<C> {
    client: Client<C, Body>,
    gate: RequestGate,
    proxy_authorization: Option<HeaderValue>,
}

impl<C> Hyper<C> {
    /// The client, with as many requests in flight as connections may be open.
    fn new(config: &TransportConfig, client: Client<C, Body>) -> Self {
        Self {
            client,
            gate: RequestGate::new(config.max_connections_per_host, config.connect_timeout),
            proxy_authorization: None,
        }
    }
}

impl<C> HttpClient for Hyper<C>
where
    C: Connect + Clone + Send + Sync + 'static,
{
    const SEES_HINTS: bool = false;

    type Body = Gated<Incoming>;

    fn call(
        &self,
        mut request: Request<Body>,
    ) -> impl Future<Output = Result<Response<Gated<Incoming>>, BoxError>> + Send + 'static {
        if let Some(value) = &self.proxy_authorization {
            request
                .headers_mut()
                .insert(PROXY_AUTHORIZATION, value.clone());
        }
        // A free permit sends at once; otherwise the request waits at the gate, unsent (in a
        // box of its own, so that the common call's future stays small).
        let sending = if let Some(permit) = self.gate.try_enter() {
            Ok((permit, self.client.request(request)))
        } else {
            let (gate, client) = (self.gate.clone(), self.client.clone());
            Err(Box::pin(async move {
                let host = request
                    .uri()
                    .authority()
                    .map_or_else(String::new, ToString::to_string);
                let permit = gate.enter(host).await?;
                Ok::<_, BoxError>((permit, client.request(request).await?))
            }))
        };
        async move {
            let (permit, response) = match sending {
                Ok((permit, response)) => (permit, response.await?),
                Err(waiting) => waiting.await?,
            };
            Ok(response.map(|body| Gated::new(body, permit)))
        }
    }
}

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
        // TLS material is read, and rustls set up, only for https: an http client never
        // touches them (faster to build, less code resident in a process that streams logs).
        let tls = if self.base_url.scheme_str() == Some("https") {
            Some(tls::client_config(&self.tls)?)
        } else {
            None
        };
        let mut http = HttpConnector::new();
        // The TLS connector handles https; without one, only http is ever connected.
        http.enforce_http(tls.is_none());
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let route = self.proxy.route(&self.base_url)?;
        if let Some(route) = &route {
            tracing::debug!(proxy = %route.uri, "connecting through an HTTP proxy");
        }
        match (tls, route) {
            (Some(tls), None) => self.build_over(Hyper::new(self, tls_client(self, tls, http))),
            (None, None) => self.build_over(Hyper::new(self, pooled_client(self, http))),
            (Some(tls), Some(route)) => {
                // CONNECT to the proxy, then TLS with Flink inside the tunnel.
                let mut tunnel = Tunnel::new(route.uri, http);
                if let Some(authorization) = route.authorization {
                    tunnel = tunnel.with_auth(authorization);
                }
                self.build_over(Hyper::new(self, tls_client(self, tls, tunnel)))
            }
            (None, Some(route)) => {
                let connector = ForwardProxy {
                    proxy: route.uri,
                    inner: http,
                };
                self.build_over(Hyper {
                    proxy_authorization: route.authorization,
                    ..Hyper::new(self, pooled_client(self, connector))
                })
            }
        }
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
        config.tls = TlsConfig::default().with_roots(RootCertificates::None);
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
}
