//! The `Endpoint` traits: what one REST call sends and how its answer is read, without IO.

use std::borrow::Cow;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::BODY_PREFIX_LIMIT;
use crate::json::{JsonFailure, deserialize_json};
use crate::{ApiError, ByteStream, FlinkVersion};

/// One REST call: method, path, query and body. Building it never does IO.
pub trait Endpoint {
    /// A stable name for tracing spans and logs, e.g. `"jobmanager.logs"`.
    const NAME: &'static str;

    /// The HTTP method.
    fn method(&self) -> Method {
        Method::GET
    }

    /// The path below the REST root (`/jobs/…`), every parameter already percent-encoded.
    fn path(&self) -> String;

    /// Query parameters, not yet encoded.
    fn query(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The JSON request body, if the call has one.
    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        Ok(None)
    }

    /// Whether sending the request twice has the same effect as sending it once.
    ///
    /// The transport retries timeouts and proxy errors only for idempotent requests. The
    /// default follows the HTTP method; endpoints override it where the method misleads.
    fn idempotent(&self) -> bool {
        matches!(
            self.method(),
            Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
        )
    }

    /// A time limit for this call that differs from the client's default, if it needs one.
    fn timeout(&self) -> Option<Duration> {
        None
    }

    /// The Flink release (`major`, `minor`) that added this endpoint, for endpoints younger
    /// than the oldest version flink-rs supports (1.15). Older servers answer such a call with
    /// a 404 that says nothing useful, so the default [`Endpoint::adapt_to`] refuses it with
    /// [`ApiError::Unsupported`] before anything is sent.
    const ADDED_IN: Option<(u16, u16)> = None;

    /// Whether the request depends on the server's Flink version; the executor then learns the
    /// version (once, cached) and calls [`Endpoint::adapt_to`] before building the request.
    const VERSION_DEPENDENT: bool = Self::ADDED_IN.is_some();

    /// Fits the request to the server's version, or refuses with [`ApiError::Unsupported`]
    /// when the server lacks the endpoint or a field that was set. Called before any IO, and
    /// before the request is built; a refusal leaves the endpoint as it was, since its input is
    /// then checked ([`check_input`]) so that bad input is reported first.
    ///
    /// The default refuses servers older than [`Endpoint::ADDED_IN`].
    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        require_added(self, version)
    }

    /// Turns an error answer into a more telling error where this endpoint knows what it means
    /// (a 404 for an expired trigger, the 503 of a disabled endpoint).
    fn map_error(&self, error: ApiError) -> ApiError {
        error
    }
}

/// An endpoint whose successful answer is a JSON document.
pub trait JsonEndpoint: Endpoint {
    /// The model the answer decodes into.
    type Output: DeserializeOwned + Send;
}

/// An endpoint whose successful answer is a file (logs, stdout, profiler output), handed to the
/// caller as a stream of bytes instead of being buffered.
pub trait StreamEndpoint: Endpoint {}

/// Anything that can run endpoints: `FlinkClient`, a test double, a user's own HTTP stack.
pub trait Execute {
    /// Sends the request and decodes the JSON answer.
    fn execute<E>(&self, endpoint: E) -> impl Future<Output = Result<E::Output, ApiError>> + Send
    where
        E: JsonEndpoint + Send + 'static;

    /// Sends the request and returns the answer's body as a stream, without buffering it.
    fn open_stream<E>(
        &self,
        endpoint: E,
    ) -> impl Future<Output = Result<ByteStream, ApiError>> + Send
    where
        E: StreamEndpoint + Send + 'static;
}

/// Refuses a server older than the release that added `endpoint` ([`Endpoint::ADDED_IN`]);
/// for endpoints whose own [`Endpoint::adapt_to`] also fits fields to the version.
pub(crate) fn require_added<E: Endpoint + ?Sized>(
    endpoint: &E,
    version: &FlinkVersion,
) -> Result<(), ApiError> {
    match E::ADDED_IN {
        Some((major, minor)) => version.require(major, minor, &describe(endpoint)),
        None => Ok(()),
    }
}

/// `METHOD /path` of an endpoint, as used in error messages.
pub fn describe<E: Endpoint + ?Sized>(endpoint: &E) -> String {
    format!("{} {}", endpoint.method(), endpoint.path())
}

/// The path and query of an endpoint, encoded (`/jobs/x/metrics?get=a,b`).
pub fn path_and_query<E: Endpoint + ?Sized>(endpoint: &E) -> String {
    let mut target = endpoint.path();
    let query = endpoint.query();
    // One reallocation for the whole query, unless values need escaping.
    target.reserve(
        query
            .iter()
            .map(|(key, value)| key.len() + value.len() + 2)
            .sum(),
    );
    for (index, (key, value)) in query.iter().enumerate() {
        target.push(if index == 0 { '?' } else { '&' });
        target.push_str(key);
        target.push('=');
        target.extend(percent_encoding::utf8_percent_encode(value, QUERY_VALUE));
    }
    target
}

/// Builds the HTTP request of an endpoint that does not depend on the server's version,
/// relative to the REST root.
///
/// The URI is a path and query only; the transport joins it onto the configured base URL. An
/// endpoint whose request depends on the server's Flink version ([`Endpoint::VERSION_DEPENDENT`]:
/// a jar run sends `claimMode` to Flink 1.20+ but `restoreMode` before, applications exist only
/// from 2.3 on) is refused with [`ApiError::VersionRequired`]: build it with
/// [`build_request_for`] and the server's version.
pub fn build_request<E: Endpoint + ?Sized>(endpoint: &E) -> Result<http::Request<Bytes>, ApiError> {
    if E::VERSION_DEPENDENT {
        return Err(ApiError::VersionRequired {
            request: describe(endpoint),
        });
    }
    build(endpoint)
}

/// Builds the HTTP request of any endpoint for a server that runs Flink `version` (from
/// `GET /config`: [`GetDashboardConfig`](crate::cluster::GetDashboardConfig)'s
/// `flink_version`, asked once and cached).
///
/// A version-dependent endpoint is fitted to `version` in place ([`Endpoint::adapt_to`]:
/// `claimMode` becomes `restoreMode` before 1.20), so decode its answer with the same, fitted
/// endpoint. An endpoint or field that `version` lacks is refused with
/// [`ApiError::Unsupported`], unless its input is bad: that is refused first, with
/// [`ApiError::InvalidInput`], as [`check_input`] refuses it. Nothing is built twice: the input
/// is checked separately only when `adapt_to` refuses. Any other endpoint is built as
/// [`build_request`] builds it.
///
/// ```
/// use flink_api::jars::RunJar;
/// use flink_api::{FlinkVersion, JarRestore, build_request, build_request_for};
/// use flink_api::models::jars::ClaimMode;
///
/// let jar = "0c4e7b1a-1b2c-4d5e-8f90-abcdef012345_job.jar".parse()?;
/// let mut run = RunJar::new(jar).savepoint_path("s3://sp/savepoint-1").claim_mode(ClaimMode::Claim);
/// assert!(build_request(&run).is_err(), "the body depends on the version");
///
/// let request = build_request_for(&mut run, &FlinkVersion::new(1, 19, 1))?;
/// let body = String::from_utf8(request.body().to_vec()).unwrap();
/// assert!(body.contains(r#""restoreMode":"CLAIM""#), "{body}");
/// # Ok::<(), flink_api::ApiError>(())
/// ```
pub fn build_request_for<E: Endpoint + ?Sized>(
    endpoint: &mut E,
    version: &FlinkVersion,
) -> Result<http::Request<Bytes>, ApiError> {
    if E::VERSION_DEPENDENT
        && let Err(refusal) = endpoint.adapt_to(version)
    {
        check_input(endpoint)?;
        return Err(refusal);
    }
    build(endpoint)
}

/// Refuses an endpoint's bad input ([`ApiError::InvalidInput`]) as building it would, without
/// the server's version: an executor that learns the version on first need checks a
/// version-dependent endpoint with this first, so that bad input fails before it asks.
pub fn check_input<E: Endpoint + ?Sized>(endpoint: &E) -> Result<(), ApiError> {
    build(endpoint).map(drop)
}

/// The request of an endpoint as it stands, whether or not it was fitted to a version: its
/// method, its path and query as one URI, parsed once, and static header values.
fn build<E: Endpoint + ?Sized>(endpoint: &E) -> Result<http::Request<Bytes>, ApiError> {
    const JSON: header::HeaderValue = header::HeaderValue::from_static("application/json");
    let body = endpoint.body()?;
    let uri = http::Uri::try_from(path_and_query(endpoint))
        .map_err(|error| ApiError::invalid("request", &describe(endpoint), error.to_string()))?;
    let has_body = body.is_some();
    let mut request = http::Request::new(body.unwrap_or_default());
    *request.method_mut() = endpoint.method();
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.insert(header::ACCEPT, JSON);
    if has_body {
        headers.insert(header::CONTENT_TYPE, JSON);
    }
    Ok(request)
}

/// Decodes a buffered answer: the model on 2xx, a typed error otherwise.
pub fn decode_response<E: JsonEndpoint + ?Sized>(
    endpoint: &E,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<E::Output, ApiError> {
    if !status.is_success() {
        return Err(endpoint_error(endpoint, status, content_type, body));
    }
    // Flink answers some 2xx with no body at all; read that as JSON `null` so `Empty` accepts it.
    let json: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    deserialize_json(json).map_err(|failure| match failure {
        JsonFailure::TooDeep { limit } => too_deep(describe(endpoint), status, limit),
        JsonFailure::Invalid { path, error } if looks_like_json(content_type, body) => {
            ApiError::Decode {
                request: describe(endpoint),
                status,
                path,
                message: error.to_string(),
                body_prefix: body_prefix(body),
            }
        }
        JsonFailure::Invalid { .. } => unexpected(describe(endpoint), status, content_type, body),
    })
}

/// The error of `endpoint`'s non-2xx answer, as the endpoint reads it ([`Endpoint::map_error`]);
/// for a request that may not be sent twice, a proxy's 502, 503 or 504 is
/// [`ApiError::OutcomeUnknown`] (see [`ApiError::with_unknown_outcome`]).
pub fn endpoint_error<E: Endpoint + ?Sized>(
    endpoint: &E,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> ApiError {
    let error = endpoint.map_error(error_from_response(
        &describe(endpoint),
        status,
        content_type,
        body,
    ));
    if endpoint.idempotent() {
        error
    } else {
        error.with_unknown_outcome()
    }
}

/// Turns a non-2xx answer into an error: Flink's envelope when it is one, else the raw prefix.
pub fn error_from_response(
    request: &str,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> ApiError {
    let error = match deserialize_json::<serde_json::Map<String, serde_json::Value>>(body) {
        Ok(mut envelope) => match envelope
            .remove("errors")
            .and_then(|errors| serde_json::from_value::<Vec<String>>(errors).ok())
        {
            Some(errors) => ApiError::Flink {
                request: request.to_owned(),
                status,
                errors,
                extra: Box::new(envelope),
            },
            None => unexpected(request.to_owned(), status, content_type, body),
        },
        Err(JsonFailure::TooDeep { limit }) => too_deep(request.to_owned(), status, limit),
        Err(JsonFailure::Invalid { .. }) => {
            unexpected(request.to_owned(), status, content_type, body)
        }
    };
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::PayloadTooLarge {
            request: request.to_owned(),
            source: Box::new(error),
        };
    }
    error
}

fn too_deep(request: String, status: StatusCode, limit: usize) -> ApiError {
    ApiError::TooDeep {
        request,
        status,
        limit,
    }
}

fn unexpected(
    request: String,
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> ApiError {
    ApiError::UnexpectedResponse {
        request,
        status,
        content_type: content_type.map(str::to_owned),
        body_prefix: body_prefix(body),
    }
}

fn looks_like_json(content_type: Option<&str>, body: &[u8]) -> bool {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    content_type.is_none_or(|c| c.contains("json")) && matches!(first, Some(b'{' | b'[') | None)
}

fn body_prefix(body: &[u8]) -> String {
    let end = body.len().min(BODY_PREFIX_LIMIT);
    String::from_utf8_lossy(&body[..end]).into_owned()
}

/// Characters kept as they are in a query value: unreserved ones, plus `,` which Flink splits
/// lists on (`get=a,b`).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b',');

/// Characters kept as they are in a path segment: only unreserved ones.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment, so that a parameter can never add or change segments.
///
/// Everything but unreserved characters is encoded, `%` included, so `%2e%2e` stays literal. The
/// segment must not be empty, `.` or `..`: no encoding keeps those from being read as path steps
/// (proxies decode `%2E` before they resolve dot segments), so the id types refuse them, and
/// anything that reads `/`, `\` or a dot segment into an id once percent-decoded.
pub fn encode_segment(segment: &str) -> Cow<'_, str> {
    percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::nesting_depth;

    struct Probe;

    impl Endpoint for Probe {
        const NAME: &'static str = "test.probe";

        fn path(&self) -> String {
            format!(
                "/taskmanagers/{}/metrics",
                encode_segment("127.0.0.1:41119-e8/b")
            )
        }

        fn query(&self) -> Vec<(&'static str, String)> {
            vec![("get", "Status.JVM.CPU Load,a&b".to_owned())]
        }
    }

    impl JsonEndpoint for Probe {
        type Output = Vec<u32>;
    }

    #[test]
    fn path_parameters_stay_in_one_segment_and_queries_are_encoded() {
        let request = build_request(&Probe).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri().to_string(),
            "/taskmanagers/127.0.0.1%3A41119-e8%2Fb/metrics?get=Status.JVM.CPU%20Load,a%26b"
        );
        assert!(request.body().is_empty());
        assert!(Probe.idempotent());
    }

    #[test]
    fn percent_signs_are_encoded_so_encoded_dots_stay_literal() {
        assert_eq!(encode_segment("%2e%2E"), "%252e%252E");
        assert_eq!(encode_segment("a\\b/c"), "a%5Cb%2Fc");
    }

    #[test]
    fn html_from_a_proxy_is_an_unexpected_response() {
        let html = b"<html><body><h1>502 Bad Gateway</h1></body></html>";
        let error =
            decode_response(&Probe, StatusCode::BAD_GATEWAY, Some("text/html"), html).unwrap_err();
        match &error {
            ApiError::UnexpectedResponse {
                status,
                content_type,
                body_prefix,
                ..
            } => {
                assert_eq!(*status, StatusCode::BAD_GATEWAY);
                assert_eq!(content_type.as_deref(), Some("text/html"));
                assert!(body_prefix.contains("502 Bad Gateway"));
            }
            other => panic!("expected UnexpectedResponse, got {other:?}"),
        }
        assert!(error.to_string().contains("proxy"), "{error}");
    }

    /// A `POST` that may not be sent twice, as a jar run without a job id.
    struct Run;

    impl Endpoint for Run {
        const NAME: &'static str = "test.run";

        fn method(&self) -> Method {
            Method::POST
        }

        fn path(&self) -> String {
            "/jars/x.jar/run".to_owned()
        }
    }

    impl JsonEndpoint for Run {
        type Output = serde_json::Value;
    }

    #[test]
    fn a_proxys_503_to_a_request_that_may_not_be_sent_twice_leaves_its_outcome_unknown() {
        let envoy = b"upstream connect error or disconnect/reset before headers. reset reason: connection termination";
        for status in [502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            let error = decode_response(&Run, status, Some("text/plain"), envoy).unwrap_err();
            assert!(error.is_outcome_unknown(), "{status}: {error:?}");
            assert_eq!(error.status(), Some(status));
            let text = error.to_string();
            assert!(
                text.starts_with("POST /jars/x.jar/run: the request may have reached Flink"),
                "{text}"
            );
            // The same answer to a request that may be repeated is only unexpected.
            let error = decode_response(&Probe, status, Some("text/plain"), envoy).unwrap_err();
            assert!(!error.is_outcome_unknown(), "{error:?}");
        }
        // Flink's own 503 comes before dispatch: nothing ran.
        let no_leader = br#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;
        let error = decode_response(
            &Run,
            StatusCode::SERVICE_UNAVAILABLE,
            Some("application/json"),
            no_leader,
        )
        .unwrap_err();
        assert!(
            error.is_unavailable() && !error.is_outcome_unknown(),
            "{error:?}"
        );
        // A proxy's 500 or 404 says nothing about the request having been forwarded.
        let error = decode_response(
            &Run,
            StatusCode::NOT_FOUND,
            Some("text/html"),
            b"<h1>404</h1>",
        )
        .unwrap_err();
        assert!(!error.is_outcome_unknown(), "{error:?}");
    }

    #[test]
    fn timeouts_and_broken_connections_leave_the_outcome_unknown() {
        let timeout = ApiError::Timeout {
            request: "POST /jars/x.jar/run".to_owned(),
            source: "no response within 60s".into(),
        }
        .with_unknown_outcome();
        assert!(timeout.is_outcome_unknown());
        assert!(timeout.is_timeout() && timeout.is_deadline(), "{timeout:?}");
        let reset = ApiError::Transport {
            request: "POST /jars/x.jar/run".to_owned(),
            source: "connection reset".into(),
        }
        .with_unknown_outcome();
        assert!(reset.is_outcome_unknown() && !reset.is_timeout());
        let refused_input = ApiError::invalid("job id", "x", "not hex").with_unknown_outcome();
        assert!(refused_input.is_invalid_input());
    }

    #[test]
    fn html_with_status_200_is_an_unexpected_response_too() {
        let error = decode_response(
            &Probe,
            StatusCode::OK,
            Some("text/html"),
            b"<html>login</html>",
        )
        .unwrap_err();
        assert!(
            matches!(error, ApiError::UnexpectedResponse { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn wrong_shape_names_the_json_path() {
        let error = decode_response(
            &Probe,
            StatusCode::OK,
            Some("application/json"),
            br#"[1, "two"]"#,
        )
        .unwrap_err();
        match error {
            ApiError::Decode {
                path, body_prefix, ..
            } => {
                assert_eq!(path, "[1]");
                assert_eq!(body_prefix, r#"[1, "two"]"#);
            }
            other => panic!("expected Decode, got {other:?}"),
        }
    }

    struct Nested;

    impl Endpoint for Nested {
        const NAME: &'static str = "test.nested";

        fn path(&self) -> String {
            "/nested".to_owned()
        }
    }

    impl JsonEndpoint for Nested {
        type Output = serde_json::Value;
    }

    #[test]
    fn documents_deeper_than_serde_jsons_limit_decode() {
        // 300 levels, as a flame graph of a 150-frame stack; brackets inside strings do not count.
        let json = format!("{}\"[[{{\"{}", "[".repeat(300), "]".repeat(300));
        let value = decode_response(&Nested, StatusCode::OK, None, json.as_bytes()).unwrap();
        let mut depth = 0;
        let mut current = &value;
        while let Some(inner) = current.as_array().and_then(|items| items.first()) {
            depth += 1;
            current = inner;
        }
        assert_eq!(depth, 300);
        assert_eq!(current, "[[{");
        assert_eq!(nesting_depth(br#"{"a":"[[[","b":[1]}"#), 2);
    }

    #[test]
    fn deep_documents_that_do_not_fit_name_the_path_too() {
        let json = format!("[1, {}{}]", "[".repeat(300), "]".repeat(300));
        let error = decode_response(&Probe, StatusCode::OK, None, json.as_bytes()).unwrap_err();
        assert!(
            matches!(&error, ApiError::Decode { path, .. } if path == "[1]"),
            "{error:?}"
        );
    }

    #[test]
    fn a_proxys_413_says_which_limits_to_raise() {
        let page = b"<html><head><title>413 Request Entity Too Large</title></head></html>";
        let error = decode_response(
            &Probe,
            StatusCode::PAYLOAD_TOO_LARGE,
            Some("text/html"),
            page,
        )
        .unwrap_err();
        assert!(error.is_payload_too_large(), "{error:?}");
        assert_eq!(error.status(), Some(StatusCode::PAYLOAD_TOO_LARGE));
        let text = error.to_string();
        assert!(
            text.contains("client_max_body_size")
                && text.contains("rest.server.max-content-length"),
            "{text}"
        );
        assert!(
            std::error::Error::source(&error)
                .is_some_and(|source| source.to_string().contains("413 Request Entity")),
            "the proxy's page is kept as the source"
        );
    }

    #[test]
    fn truncated_body_is_a_decode_error_not_a_panic() {
        let error = decode_response(&Probe, StatusCode::OK, Some("application/json"), b"[1, 2")
            .unwrap_err();
        assert!(matches!(error, ApiError::Decode { .. }), "{error:?}");
    }

    #[test]
    fn fields_next_to_flinks_errors_are_kept_for_debug_but_not_displayed() {
        let body =
            br#"{"errors":["Job x not found"],"request-id":"7f3a","details":{"retry":false}}"#;
        let error = error_from_response(
            "GET /jobs/x",
            StatusCode::NOT_FOUND,
            Some("application/json"),
            body,
        );
        let ApiError::Flink { errors, extra, .. } = &error else {
            panic!("expected Flink, got {error:?}");
        };
        assert_eq!(errors, &["Job x not found"]);
        assert_eq!(
            serde_json::Value::Object(*extra.clone()),
            serde_json::json!({"request-id": "7f3a", "details": {"retry": false}})
        );
        assert!(format!("{error:?}").contains("7f3a"), "{error:?}");
        assert_eq!(
            error.to_string(),
            "GET /jobs/x: Flink answered 404 Not Found: Job x not found"
        );
        // Without a list of strings under `errors`, it is not Flink's envelope.
        for other in [&br#"{"errors":"x"}"#[..], br#"{"error":["x"]}"#, b"[]"] {
            let error = error_from_response("GET /x", StatusCode::NOT_FOUND, None, other);
            assert!(
                matches!(error, ApiError::UnexpectedResponse { .. }),
                "{error:?}"
            );
        }
    }

    #[test]
    fn flink_error_envelope_is_parsed() {
        let body = br#"{"errors":["org.apache.flink.runtime.rest.NotFoundException: Job x not found\n\tat a.b"]}"#;
        let error = decode_response(
            &Probe,
            StatusCode::NOT_FOUND,
            Some("application/json"),
            body,
        )
        .unwrap_err();
        assert!(error.is_not_found());
        assert_eq!(error.flink_errors().len(), 1);
        assert!(
            error.to_string().starts_with("GET /taskmanagers/"),
            "{error}"
        );
        assert!(error.to_string().ends_with("Job x not found"), "{error}");
    }
}
