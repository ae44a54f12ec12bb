//! `UreqFlink`: flink-api's endpoints over ureq, a blocking HTTP client, following the steps of
//! flink-api's crate docs ("Running endpoints over your own HTTP client"). It needs no other
//! dependency than ureq: `http`, `bytes` and `futures_core` come re-exported from flink-api.

use std::future::Future;
use std::io::Read;
use std::pin::{Pin, pin};
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use flink_api::bytes::Bytes;
use flink_api::cluster::GetDashboardConfig;
use flink_api::futures_core::Stream;
use flink_api::http::{self, header};
use flink_api::{
    ApiError, BoxError, ByteStream, Endpoint, Execute, FlinkVersion, JsonEndpoint, StreamEndpoint,
    build_request, build_request_for, check_input, decode_response, describe, endpoint_error,
};
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

/// How long an answer may take to start when the endpoint sets no time of its own.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The most of an answer that is read whole (thread dumps of big TaskManagers run to megabytes).
const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// A blocking executor of flink-api's endpoints over a ureq agent. It does not retry: a
/// production executor would retry what [`Endpoint::idempotent`] allows, as flink-client does.
pub(crate) struct UreqFlink {
    agent: ureq::Agent,
    /// The REST root without a trailing `/` (`http://127.0.0.1:8081`, `https://gw/flink`).
    base: String,
    /// The server's version, asked once on first need.
    version: OnceLock<FlinkVersion>,
}

impl UreqFlink {
    /// An executor for the REST API at `FLINK_REST_URL`, trusting the CA certificates of
    /// `FLINK_TLS_CA` and presenting `FLINK_TLS_CLIENT_CERT` and `FLINK_TLS_CLIENT_KEY` (mutual
    /// TLS) when they are set; `None` without `FLINK_REST_URL`.
    pub(crate) fn from_env() -> Result<Option<Self>, BoxError> {
        let Some(url) = variable("FLINK_REST_URL") else {
            return Ok(None);
        };
        let mut tls = TlsConfig::builder();
        if let Some(path) = variable("FLINK_TLS_CA") {
            let certificates = ureq::tls::parse_pem(&std::fs::read(path)?)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(certificate)) => Some(Ok(certificate)),
                    Ok(_) => None,
                    Err(error) => Some(Err(error)),
                })
                .collect::<Result<Vec<_>, _>>()?;
            tls = tls.root_certs(RootCerts::new_with_certs(&certificates));
        }
        if let (Some(cert), Some(key)) = (
            variable("FLINK_TLS_CLIENT_CERT"),
            variable("FLINK_TLS_CLIENT_KEY"),
        ) {
            let chain = [Certificate::from_pem(&std::fs::read(cert)?)?];
            let key = PrivateKey::from_pem(&std::fs::read(key)?)?;
            tls = tls.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
        }
        let agent = ureq::Agent::config_builder()
            // Flink's error answers are decoded by flink-api, not turned into ureq errors.
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .tls_config(tls.build())
            .build()
            .into();
        Ok(Some(Self {
            agent,
            base: url.trim_end_matches('/').to_owned(),
            version: OnceLock::new(),
        }))
    }

    /// Step 1: the server's Flink version, asked once with `GET /config` and then cached.
    pub(crate) fn server_version(&self) -> Result<FlinkVersion, ApiError> {
        if let Some(version) = self.version.get() {
            return Ok(version.clone());
        }
        let config = block_on(self.execute(GetDashboardConfig))?;
        let version: FlinkVersion = config.flink_version.parse()?;
        Ok(self.version.get_or_init(|| version).clone())
    }

    /// Step 2: the request, fitted to the server's version where it depends on it. Bad input
    /// fails before the version is asked for; once it is known, `build_request_for` checks the
    /// input itself, so the request is built once.
    fn build<E: Endpoint>(&self, endpoint: &mut E) -> Result<http::Request<Bytes>, ApiError> {
        if !E::VERSION_DEPENDENT {
            return build_request(endpoint);
        }
        if self.version.get().is_none() {
            check_input(endpoint)?;
        }
        build_request_for(endpoint, &self.server_version()?)
    }

    /// Steps 3 and 5: sends the request below the base URL, with the endpoint's time limit,
    /// and reports a failure as flink-api's errors say.
    fn send<E: Endpoint>(
        &self,
        endpoint: &E,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<ureq::Body>, ApiError> {
        let (mut parts, body) = request.into_parts();
        parts.uri = format!("{}{}", self.base, parts.uri)
            .parse()
            .map_err(|error| ApiError::Transport {
                request: describe(endpoint),
                source: Box::new(error),
            })?;
        let request = self
            .agent
            .configure_request(http::Request::from_parts(parts, body.to_vec()))
            .timeout_recv_response(Some(endpoint.timeout().unwrap_or(DEFAULT_TIMEOUT)))
            .build();
        self.agent
            .run(request)
            .map_err(|error| failure(endpoint, error))
    }
}

/// A failure of ureq as flink-api's error: a timeout, or a transport error; marked as a failure
/// to connect when the request never left, and as of unknown outcome when it may have reached
/// Flink and may not be sent twice.
fn failure<E: Endpoint>(endpoint: &E, error: ureq::Error) -> ApiError {
    let request = describe(endpoint);
    let error = match error {
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => {
            ApiError::Timeout {
                request,
                source: ApiError::connect_failure(Box::new(error)),
            }
        }
        ureq::Error::Timeout(_) => ApiError::Timeout {
            request,
            source: Box::new(error),
        },
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed | ureq::Error::Rustls(_) => {
            ApiError::Transport {
                request,
                source: ApiError::connect_failure(Box::new(error)),
            }
        }
        other => ApiError::Transport {
            request,
            source: Box::new(other),
        },
    };
    if endpoint.idempotent() || error.is_connect() {
        error
    } else {
        error.with_unknown_outcome()
    }
}

impl Execute for UreqFlink {
    async fn execute<E>(&self, mut endpoint: E) -> Result<E::Output, ApiError>
    where
        E: JsonEndpoint + Send + 'static,
    {
        let request = self.build(&mut endpoint)?;
        let response = self.send(&endpoint, request)?;
        // Step 4: decode with the same, fitted endpoint.
        let (status, content_type, body) = read_whole(&endpoint, response)?;
        decode_response(&endpoint, status, content_type.as_deref(), &body)
    }

    async fn open_stream<E>(&self, mut endpoint: E) -> Result<ByteStream, ApiError>
    where
        E: StreamEndpoint + Send + 'static,
    {
        let request = self.build(&mut endpoint)?;
        let response = self.send(&endpoint, request)?;
        if !response.status().is_success() {
            let (status, content_type, body) = read_whole(&endpoint, response)?;
            return Err(endpoint_error(
                &endpoint,
                status,
                content_type.as_deref(),
                &body,
            ));
        }
        let length = response
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse().ok());
        let chunks = Chunks {
            reader: response.into_body().into_reader(),
            request: describe(&endpoint),
        };
        Ok(ByteStream::new(chunks, length))
    }
}

/// The status, content type and whole body of an answer.
fn read_whole<E: Endpoint>(
    endpoint: &E,
    response: http::Response<ureq::Body>,
) -> Result<(http::StatusCode, Option<String>, Vec<u8>), ApiError> {
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response
        .into_body()
        .into_with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_vec()
        .map_err(|error| failure(endpoint, error))?;
    Ok((status, content_type, body))
}

/// A file answer read in chunks as the caller asks for them (blocking reads).
struct Chunks {
    reader: ureq::BodyReader<'static>,
    request: String,
}

impl Stream for Chunks {
    type Item = Result<Bytes, ApiError>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut buffer = vec![0; 64 * 1024];
        Poll::Ready(match self.reader.read(&mut buffer) {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some(Ok(Bytes::from(buffer)))
            }
            Err(error) => Some(Err(ApiError::Transport {
                request: self.request.clone(),
                source: Box::new(error),
            })),
        })
    }
}

/// Runs a future of this executor to its end. Every call blocks inside its future, so each
/// is ready at its first poll and no async runtime is needed.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::yield_now();
    }
}

/// An environment variable's value, unless unset or empty.
fn variable(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}
