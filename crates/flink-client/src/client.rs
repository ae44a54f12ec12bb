//! `FlinkClient`: runs flink-api endpoints over a flink-transport `Transport`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use flink_api::cluster::GetDashboardConfig;
use flink_api::{
    ApiError, BoxError, ByteStream, Endpoint, Execute, FlinkVersion, JsonEndpoint, StreamEndpoint,
    build_request, build_request_for, check_input, decode_response, describe, endpoint_error,
};
use flink_transport::{
    Body, BufferedResponse, Idempotency, OperationName, RequestTimeout, ResponseBody, Transport,
    UnavailableRetryWindow, read_body_limited,
};
use futures_core::Stream;
use http::header::CONTENT_TYPE;
use http_body::Body as _;

#[cfg(feature = "default-client")]
use crate::{BuildError, ClientSettings, TransportConfig};

/// The default cap on a buffered (JSON) answer: thread dumps of big TaskManagers run to megabytes.
const DEFAULT_MAX_RESPONSE_BODY_BYTES: usize = 64 * 1024 * 1024;

/// A client of one Flink cluster's REST API. Cheap to clone; clones share connections.
///
/// Every endpoint is a method of the category traits in [`crate::prelude`].
#[derive(Clone)]
pub struct FlinkClient {
    transport: Transport,
    max_response_body_bytes: usize,
    /// The server's version, learned from `GET /config` on first need (or set by the user).
    server_version: Arc<OnceLock<FlinkVersion>>,
    /// Whether this copy polls inside a wait (see [`FlinkClient::polling`]).
    polling: bool,
}

impl FlinkClient {
    /// A client for the REST API at `url` (`http://127.0.0.1:8081`, `https://gw.example/flink/`)
    /// with default timeouts, retries and TLS roots.
    #[cfg(feature = "default-client")]
    #[cfg_attr(docsrs_nightly, doc(cfg(feature = "default-client")))]
    pub fn new(url: &str) -> Result<Self, BuildError> {
        Self::from_config(&TransportConfig::new(url)?)
    }

    /// A client from a full transport configuration (timeouts, retries, TLS, headers).
    #[cfg(feature = "default-client")]
    #[cfg_attr(docsrs_nightly, doc(cfg(feature = "default-client")))]
    pub fn from_config(config: &TransportConfig) -> Result<Self, BuildError> {
        Ok(Self {
            transport: config.build()?,
            max_response_body_bytes: config.max_response_body_bytes,
            server_version: Arc::default(),
            polling: false,
        })
    }

    /// A client configured from the environment: `FLINK_REST_URL` plus the optional TLS and
    /// header variables listed in the crate documentation.
    #[cfg(feature = "default-client")]
    #[cfg_attr(docsrs_nightly, doc(cfg(feature = "default-client")))]
    pub fn from_env() -> Result<Self, BuildError> {
        Self::from_config(&ClientSettings::from_env()?.transport_config()?)
    }

    /// A client over any transport: a custom tower stack, or a mock in tests. Build one with
    /// [`TransportConfig::build_with_service`] to keep the retry, timeout and header layers
    /// over an HTTP client of your own.
    pub fn from_transport(transport: Transport) -> Self {
        Self {
            transport,
            max_response_body_bytes: DEFAULT_MAX_RESPONSE_BODY_BYTES,
            server_version: Arc::default(),
            polling: false,
        }
    }

    /// This client, taking the server's Flink version as given instead of asking `GET /config`
    /// (for servers that hide it, or to save the request).
    #[must_use]
    pub fn with_server_version(self, version: FlinkVersion) -> Self {
        Self {
            server_version: Arc::new(OnceLock::from(version)),
            ..self
        }
    }

    /// The server's Flink version: asked once with `GET /config`, then cached in this client
    /// and its clones.
    pub async fn server_version(&self) -> Result<FlinkVersion, ApiError> {
        if let Some(version) = self.server_version.get() {
            return Ok(version.clone());
        }
        let config = self.execute_as_built(GetDashboardConfig).await?;
        let version: FlinkVersion = config.flink_version.parse()?;
        Ok(self.server_version.get_or_init(|| version).clone())
    }

    /// Sends a JSON endpoint (built for the server's version when it depends on it, which is
    /// then known) and decodes the answer.
    async fn execute_as_built<E>(&self, mut endpoint: E) -> Result<E::Output, ApiError>
    where
        E: JsonEndpoint + Send + 'static,
    {
        let buffered = BufferedResponse::always(self.max_response_body_bytes);
        let (parts, body) = self
            .send(&mut endpoint, buffered)
            .await
            .map_err(|failure| failure.named(&endpoint))?
            .into_parts();
        // The transport read the body within the attempt's timeout; this takes the bytes.
        let bytes = read_body_limited(body, self.max_response_body_bytes)
            .await
            .map_err(|source| transport_error(describe(&endpoint), source))?;
        decode_response(
            &endpoint,
            parts.status,
            content_type(&parts.headers),
            &bytes,
        )
    }

    /// Learns the server's version (once, cached) when `E`'s request depends on it, so that
    /// [`FlinkClient::send`] builds it for that version.
    ///
    /// Bad input is refused before the version is asked for; once it is known, there is
    /// nothing to do here, and `send` checks the input as it builds the request. The future
    /// does not borrow the endpoint.
    fn learn_version_for<E: Endpoint>(
        &self,
        endpoint: &E,
    ) -> impl Future<Output = Result<(), ApiError>> + Send + use<'_, E> {
        let needed = if E::VERSION_DEPENDENT && self.server_version.get().is_none() {
            check_input(endpoint).map(|()| true)
        } else {
            Ok(false)
        };
        async move {
            if needed? {
                self.server_version().await?;
            }
            Ok(())
        }
    }

    /// A copy of this client for the polls of a wait: its calls do not ride out an unreachable
    /// or leaderless JobManager in the transport (the wait does, until its own deadline), so
    /// each poll returns what it met for the wait to report.
    pub(crate) fn polling(&self) -> Self {
        Self {
            polling: true,
            ..self.clone()
        }
    }

    /// The transport this client sends through.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// Sends an endpoint's request with the hints the transport reads (idempotency, timeout,
    /// name, which answers are read whole). Once the server's version is known, the request is
    /// built for it, fitting the endpoint in place so that its answer is read as that version
    /// sends it; before, a version-dependent endpoint is refused. The request is built before
    /// the first await, so the future never borrows the endpoint; a failure is named after it
    /// ([`SendFailure::named`]) only when there is one.
    fn send<E: Endpoint>(
        &self,
        endpoint: &mut E,
        buffered: BufferedResponse,
    ) -> impl Future<Output = Result<http::Response<ResponseBody>, SendFailure>> + Send + use<'_, E>
    {
        let built = match self.server_version.get() {
            Some(version) => build_request_for(endpoint, version),
            None => build_request(endpoint),
        };
        let request = built.map(|request| {
            let (parts, body) = request.into_parts();
            let mut request = http::Request::from_parts(parts, Body::from(body));
            let idempotency = if endpoint.idempotent() {
                Idempotency::Idempotent
            } else {
                Idempotency::NotIdempotent
            };
            // Without the extension, the transport goes by the method, which says the same.
            let by_method = Idempotency::from_method(request.method()) == idempotency;
            let extensions = request.extensions_mut();
            extensions.insert(OperationName(E::NAME));
            extensions.insert(buffered);
            if !by_method {
                extensions.insert(idempotency);
            }
            if let Some(timeout) = endpoint.timeout() {
                extensions.insert(RequestTimeout(timeout));
            }
            if self.polling {
                extensions.insert(UnavailableRetryWindow(Duration::ZERO));
            }
            request
        });
        let sending = request.map(|request| self.transport.send(request));
        async move {
            sending
                .map_err(SendFailure::Refused)?
                .await
                .map_err(SendFailure::Transport)
        }
    }
}

/// Why [`FlinkClient::send`] returned no response: the request was refused before anything
/// was sent, or the transport failed. A transport failure becomes an [`ApiError`] that names the
/// request (`GET /jobs/…`) only once it happened: the text costs nothing on success.
enum SendFailure {
    /// The request could not be built: bad input, or the server's version lacks it.
    Refused(ApiError),
    /// The transport failed, after all its retries.
    Transport(BoxError),
}

impl SendFailure {
    /// The error of `endpoint`'s call: a transport failure named after it, and for a request
    /// that may not be sent twice and may have reached Flink, [`ApiError::OutcomeUnknown`].
    fn named<E: Endpoint + ?Sized>(self, endpoint: &E) -> ApiError {
        let source = match self {
            Self::Refused(error) => return error,
            Self::Transport(source) => source,
        };
        // Refused connections never carried the request; other failures may have.
        // Marked, so that `ApiError::is_connect` knows it without the transport's types.
        let never_sent = flink_transport::is_connect(source.as_ref());
        let source = if never_sent {
            ApiError::connect_failure(source)
        } else {
            source
        };
        let error = transport_error(describe(endpoint), source);
        if endpoint.idempotent() || never_sent {
            error
        } else {
            error.with_unknown_outcome()
        }
    }
}

impl FlinkClient {
    /// Sends a request built outside an endpoint (the streamed jar upload) as it is, and reads
    /// the whole answer: status, content type and body. `request` names it in errors.
    pub(crate) async fn send_prebuilt(
        &self,
        mut request: http::Request<Body>,
        description: &str,
    ) -> Result<(http::StatusCode, Option<String>, Bytes), ApiError> {
        request
            .extensions_mut()
            .insert(BufferedResponse::always(self.max_response_body_bytes));
        let (parts, body) = self
            .transport
            .send(request)
            .await
            .map_err(|source| transport_error(description.to_owned(), source))?
            .into_parts();
        let bytes = read_body_limited(body, self.max_response_body_bytes)
            .await
            .map_err(|source| transport_error(description.to_owned(), source))?;
        let content_type = content_type(&parts.headers).map(str::to_owned);
        Ok((parts.status, content_type, bytes))
    }
}

impl Execute for FlinkClient {
    async fn execute<E>(&self, endpoint: E) -> Result<E::Output, ApiError>
    where
        E: JsonEndpoint + Send + 'static,
    {
        self.learn_version_for(&endpoint).await?;
        self.execute_as_built(endpoint).await
    }

    async fn open_stream<E>(&self, mut endpoint: E) -> Result<ByteStream, ApiError>
    where
        E: StreamEndpoint + Send + 'static,
    {
        self.learn_version_for(&endpoint).await?;
        // An error answer is read whole within the attempt; a successful body streams, with the
        // transport's idle timeout between chunks.
        let buffered = BufferedResponse::unless_successful(self.max_response_body_bytes);
        let (parts, body) = self
            .send(&mut endpoint, buffered)
            .await
            .map_err(|failure| failure.named(&endpoint))?
            .into_parts();
        let request = describe(&endpoint);
        if !parts.status.is_success() {
            let bytes = read_body_limited(body, self.max_response_body_bytes)
                .await
                .map_err(|source| transport_error(request.clone(), source))?;
            return Err(endpoint_error(
                &endpoint,
                parts.status,
                content_type(&parts.headers),
                &bytes,
            ));
        }
        let length = body.size_hint().exact();
        Ok(ByteStream::new(BodyChunks { body, request }, length))
    }
}

impl fmt::Debug for FlinkClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlinkClient")
            .field("transport", &self.transport)
            .field("max_response_body_bytes", &self.max_response_body_bytes)
            .field("server_version", &self.server_version.get())
            .field("polling", &self.polling)
            .finish()
    }
}

/// The answer's `Content-Type`, when it is text. (UTF-8 checks ASCII in bulk, where
/// `HeaderValue::to_str` checks each byte for a visible character; only error messages and
/// the JSON check of a failed decode read it.)
fn content_type(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| std::str::from_utf8(value.as_bytes()).ok())
}

fn transport_error(request: String, source: BoxError) -> ApiError {
    if flink_transport::is_timeout(source.as_ref()) {
        ApiError::Timeout { request, source }
    } else {
        ApiError::Transport { request, source }
    }
}

/// The data frames of a response body, as a stream of chunks (trailers are skipped).
struct BodyChunks {
    body: ResponseBody,
    request: String,
}

impl Stream for BodyChunks {
    type Item = Result<Bytes, ApiError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            return match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Ready(Some(Err(source))) => {
                    Poll::Ready(Some(Err(transport_error(self.request.clone(), source))))
                }
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) => Poll::Ready(Some(Ok(data))),
                    Err(_trailers) => continue,
                },
            };
        }
    }
}
