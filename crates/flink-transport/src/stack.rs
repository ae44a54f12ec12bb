//! The default stack: its steps in order over an HTTP client, and its assembly from a
//! [`TransportConfig`].

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, HeaderValue, Request, Response};
use tokio::time::Timeout;
use tower::Service;
use tracing::{Instrument, Span};

use crate::config::validate_base_url;
use crate::extensions::Hints;
use crate::layers::{Attempt, BaseUrl, DefaultHeaders, HttpClient, Towered, trace};
use crate::retry::{RetryPolicy, replay};
use crate::transport::{Exchange, Exchanging};
use crate::{Auth, Body, BoxError, ConfigError, ResponseBody, Transport, TransportConfig};

/// The steps of a call, outermost first: default headers, the span, retries, each attempt's
/// timeout and body, the base URL, then `client`. A call runs through `&self`: nothing of the
/// stack is cloned or boxed per call, and only [`Transport`] boxes the call's future.
pub(crate) struct Stack<C> {
    headers: DefaultHeaders,
    retry: RetryPolicy,
    /// The default of each attempt's timeout ([`RequestTimeout`] overrides it).
    attempt_timeout: Duration,
    attempt: Attempt,
    base_url: BaseUrl,
    client: C,
}

impl<C: HttpClient> Exchange for Stack<C> {
    /// One logical call: headers, then the span around all its attempts. The steps before the
    /// first attempt run here, so the call's future holds the request once.
    fn exchange(&self, mut request: Request<Body>) -> Exchanging<'_> {
        if let Err(error) = self.headers.add_to(&mut request) {
            return Box::pin(std::future::ready(Err(error)));
        }
        let hints = Hints::take(&mut request, self.attempt_timeout, C::SEES_HINTS);
        let span = trace::span(&request, hints.operation);
        Box::pin(
            self.with_retries(request, hints, span.clone())
                .instrument(span),
        )
    }
}

impl<C: HttpClient> Stack<C> {
    /// Attempts until one succeeds or the retry rules give up, and records the end on `span`.
    /// A copy of the request is kept for the next attempt only while a retry is possible, and
    /// never of a streamed body.
    #[allow(clippy::manual_async_fn)] // an `async fn` would hold its arguments twice
    fn with_retries(
        &self,
        mut request: Request<Body>,
        hints: Hints,
        span: Span,
    ) -> impl Future<Output = Result<Response<ResponseBody>, BoxError>> + Send + '_ {
        async move {
            let replayable = !request.body().is_streaming();
            let mut retries = self.retry.start(hints.window, replayable);
            let result = loop {
                let next = if retries.possible() {
                    replay(&request)
                } else {
                    None
                };
                let result = self
                    .attempt(request, hints)
                    .await
                    .unwrap_or_else(|_| Err(Attempt::timed_out(hints.timeout)));
                let Some(next) = next else {
                    break result;
                };
                let Some(delay) = retries.retry(hints.idempotency, &result) else {
                    break result;
                };
                drop(result);
                tokio::time::sleep(delay).await;
                request = next;
            };
            trace::record(&span, &result);
            result
        }
    }

    /// One attempt: the request joined onto the current base URL and handed to the client
    /// here; then, within the attempt's timeout, its head awaited, the base URL told how it
    /// went, and its body read.
    fn attempt(
        &self,
        request: Request<Body>,
        hints: Hints,
    ) -> Timeout<impl Future<Output = Result<Response<ResponseBody>, BoxError>> + Send + '_> {
        let sent = self
            .base_url
            .join(request)
            .map(|(base, request)| (base, self.client.call(request)));
        tokio::time::timeout(hints.timeout, async move {
            let (base, head) = sent?;
            let result = head.await;
            self.base_url.after(base, &result);
            let response = result?;
            self.attempt.read_body(response, hints.buffered).await
        })
    }
}

impl TransportConfig {
    /// Builds the same stack (headers, tracing, retry, per-attempt timeout and body reading,
    /// base URL) over `service` instead of hyper: a mock, a recording proxy, or another HTTP
    /// client. The service receives absolute URIs joined onto [`base_url`](Self::base_url); the
    /// TLS, proxy and connection pool settings are unused. Each attempt goes to a clone of it,
    /// as tower's `&mut self` calls require.
    pub fn build_with_service<S, B>(&self, service: S) -> Result<Transport, ConfigError>
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone + Send + Sync + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        self.build_over(Towered::new(service))
    }

    /// The stack over `client`, once the settings are checked.
    pub(crate) fn build_over(&self, client: impl HttpClient) -> Result<Transport, ConfigError> {
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
        let token_source = match &self.auth {
            Some(Auth::BearerFrom(source)) => Some(source.clone()),
            _ => None,
        };
        Ok(Transport::over(Stack {
            headers: DefaultHeaders::new(&self.default_headers()?, token_source),
            retry: RetryPolicy::new(self.retry),
            attempt_timeout: self.attempt_timeout,
            attempt: Attempt::new(self.body_idle_timeout),
            base_url: BaseUrl::new(&self.base_url, &self.failover_urls),
            client,
        }))
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
