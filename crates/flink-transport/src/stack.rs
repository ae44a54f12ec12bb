//! Assembles the stack of layers over any service.

use bytes::Bytes;
use http::header::{AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, HeaderValue, Request, Response};
use http_body_util::BodyExt;
use tower::retry::Retry;
use tower::{Service, ServiceExt};

use crate::config::validate_base_url;
use crate::layers::{Attempt, BaseUrl, DefaultHeaders, Trace};
use crate::retry::RetryPolicy;
use crate::{Auth, Body, BoxError, ConfigError, Transport, TransportConfig};

impl TransportConfig {
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
