//! The one error type of every call: what failed, for which request, and what to try.

use http::StatusCode;

use crate::{JobId, TriggerId};

/// A boxed error from the transport (connect failures, timeouts, I/O errors).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How much of an unexpected response body an error keeps for diagnosis.
pub(crate) const BODY_PREFIX_LIMIT: usize = 512;

/// Why a call to Flink's REST API failed.
///
/// Match on the variant, or use the helpers ([`ApiError::is_not_found`],
/// [`ApiError::is_timeout`], …) so that callers never need to downcast.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The input was rejected before any request was sent.
    #[error("invalid {what} `{value}`: {reason}")]
    InvalidInput {
        /// What kind of value was wrong (`job id`, `file name`, …).
        what: &'static str,
        /// The rejected value.
        value: String,
        /// Why it was rejected and what a valid value looks like.
        reason: String,
    },

    /// No response arrived in time (after retries, where the request allowed them).
    #[error(
        "{request}: Flink did not answer in time; raise the timeout, or check that the JobManager is reachable and not overloaded"
    )]
    Timeout {
        /// The request, as `METHOD /path`.
        request: String,
        /// The timeout reported by the transport.
        #[source]
        source: BoxError,
    },

    /// The request could not be sent or its response could not be read (after retries).
    #[error(
        "{request}: could not talk to Flink; check the URL, TLS settings and that the JobManager is running"
    )]
    Transport {
        /// The request, as `METHOD /path`.
        request: String,
        /// The underlying connect, TLS or I/O failure.
        #[source]
        source: BoxError,
    },

    /// A request that may not be sent twice (a jar run without a job id, a savepoint disposal,
    /// any `POST` without an idempotency key) failed after it may have reached Flink: a proxy
    /// answered 502, 503 or 504 in Flink's place, the connection broke, or no answer came in
    /// time. It was not sent again, since a second one could start a second job.
    #[error(
        "{request}: the request may have reached Flink, so it was not sent again, and whether it took effect is unknown; check (list the jobs, savepoints or jars) before sending it again"
    )]
    OutcomeUnknown {
        /// The request, as `METHOD /path`.
        request: String,
        /// What happened to it: the proxy's answer, the timeout or the broken connection.
        #[source]
        source: Box<ApiError>,
    },

    /// Flink answered with an error status and its `{"errors": [...]}` envelope.
    #[error("{request}: Flink answered {status}: {}", summarize(errors))]
    Flink {
        /// The request, as `METHOD /path`.
        request: String,
        /// The HTTP status Flink answered with.
        status: StatusCode,
        /// Flink's error strings, in full (they often carry a server-side stack trace).
        errors: Vec<String>,
        /// Any other fields of the envelope, as sent (shown by `Debug`, not by `Display`; boxed
        /// to keep every `Result` small).
        extra: Box<serde_json::Map<String, serde_json::Value>>,
    },

    /// The response was not what Flink sends: a proxy's HTML page, plain text, a truncated body.
    #[error(
        "{request}: got {status} with a body that is not Flink's JSON (content type {}): {body_prefix:?}; is a proxy or another server answering at this URL?",
        content_type.as_deref().unwrap_or("none")
    )]
    UnexpectedResponse {
        /// The request, as `METHOD /path`.
        request: String,
        /// The HTTP status of the response.
        status: StatusCode,
        /// The response's `Content-Type`, if any.
        content_type: Option<String>,
        /// The start of the body (at most 512 bytes, lossily decoded).
        body_prefix: String,
    },

    /// The answer nests its JSON deeper than flink-rs reads ([`crate::MAX_JSON_DEPTH`]); it was
    /// refused before it was parsed.
    #[error(
        "{request}: the {status} answer nests its JSON more than {limit} levels deep, deeper than any Flink answer flink-rs reads (a flame graph of about 500 frames fits); for a flame graph, lower `rest.flamegraph.stack-depth` on the cluster, else check that Flink, not a proxy or another server, answers at this URL"
    )]
    TooDeep {
        /// The request, as `METHOD /path`.
        request: String,
        /// The HTTP status of the response.
        status: StatusCode,
        /// The deepest nesting read, in levels of objects and arrays.
        limit: usize,
    },

    /// The request's body was refused as too large (413), usually by a proxy in front of Flink
    /// (a jar upload through nginx or an ingress), else by Flink for a JSON body.
    #[error(
        "{request}: the request body was refused as too large (413 Payload Too Large); a proxy in front of Flink limits bodies (nginx `client_max_body_size`, 1 MiB by default; an ingress's `proxy-body-size`), as does Flink's `rest.server.max-content-length` (100 MiB) for JSON bodies: raise the limit there"
    )]
    PayloadTooLarge {
        /// The request, as `METHOD /path`.
        request: String,
        /// The answer, as it came.
        #[source]
        source: Box<ApiError>,
    },

    /// A successful response did not match the expected model.
    #[error(
        "{request}: could not decode the {status} response at `{path}`: {message}; body starts with {body_prefix:?}. Is this a Flink version flink-rs supports?"
    )]
    Decode {
        /// The request, as `METHOD /path`.
        request: String,
        /// The HTTP status of the response.
        status: StatusCode,
        /// The JSON path of the value that failed (`taskmanagers[0].slotsNumber`), `.` for the root.
        path: String,
        /// What was wrong with the value there.
        message: String,
        /// The start of the body (at most 512 bytes, lossily decoded).
        body_prefix: String,
    },

    /// The server's Flink version lacks an endpoint or a request field; nothing was sent.
    #[error(
        "{feature} needs Flink {since} or newer, but the server runs Flink {server_version}; upgrade the cluster or leave the feature out"
    )]
    Unsupported {
        /// The endpoint or field, e.g. `POST /jars/:jarid/run-application`.
        feature: String,
        /// The version the server reported.
        server_version: String,
        /// The first version that has it, as `major.minor`.
        since: String,
    },

    /// The endpoint's request depends on the server's Flink version, and it was built without
    /// one ([`crate::build_request`]); nothing was sent.
    #[error(
        "{request}: the request depends on the server's Flink version; build it with `build_request_for` and the version `GET /config` reports (`flink-version`), or run it through an executor that does, such as flink-client's `FlinkClient`"
    )]
    VersionRequired {
        /// The request, as `METHOD /path`.
        request: String,
    },

    /// The server has the endpoint but refuses it by design or because of its configuration
    /// (legacy rescaling, resource requirements on the default scheduler); retrying will not help.
    #[error("{request}: {feature} is not available on this cluster: {reason}; {hint}")]
    Disabled {
        /// The request, as `METHOD /path`.
        request: String,
        /// What was refused, e.g. `legacy rescaling (PATCH /jobs/:jobid/rescaling)`.
        feature: &'static str,
        /// Why the cluster refuses it.
        reason: &'static str,
        /// What to do instead.
        hint: &'static str,
        /// Flink's answer.
        #[source]
        source: Box<ApiError>,
    },

    /// An asynchronous operation (savepoint, checkpoint, disposal, …) completed with a failure.
    ///
    /// Flink reports these inside a successful status answer; the cause is its exception.
    #[error("{operation} failed: {message}")]
    OperationFailed {
        /// What failed, with its ids: `savepoint of job … (trigger …)`.
        operation: String,
        /// The Java exception class, when Flink sent it.
        class: Option<String>,
        /// The root cause line of the exception.
        message: String,
        /// The full stack trace Flink sent.
        stack_trace: Option<String>,
    },

    /// Flink no longer knows the result of an asynchronous operation (it keeps results for
    /// `rest.async.store-duration`, 5 minutes by default), or never knew the trigger.
    #[error(
        "{operation}: Flink has no result for this trigger; results are kept about 5 minutes (rest.async.store-duration) and a trigger belongs to one JobManager run. Check the job's checkpoints or savepoint directory for the outcome"
    )]
    OperationExpired {
        /// The operation, with its ids.
        operation: String,
        /// Flink's 404 for the status request.
        #[source]
        source: Box<ApiError>,
    },

    /// A wait (for an operation, a job state, a checkpoint) passed its deadline.
    #[error(
        "gave up waiting for {what} after {waited:?} (last seen: {last_seen}); wait longer, or look at the job's exceptions"
    )]
    WaitTimedOut {
        /// What was awaited, with its ids.
        what: String,
        /// How long it waited.
        waited: std::time::Duration,
        /// The last state seen.
        last_seen: String,
        /// The job of the awaited operation (savepoint, stop, checkpoint), if it has one.
        job: Option<JobId>,
        /// The trigger id of the awaited operation, which goes on in Flink: wait for it again
        /// with `Operation::resume`.
        trigger: Option<TriggerId>,
    },
}

impl ApiError {
    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Flink { status, .. }
            | Self::UnexpectedResponse { status, .. }
            | Self::Decode { status, .. }
            | Self::TooDeep { status, .. } => Some(*status),
            Self::PayloadTooLarge { .. } => Some(StatusCode::PAYLOAD_TOO_LARGE),
            Self::OutcomeUnknown { source, .. } => source.status(),
            _ => None,
        }
    }

    /// Flink's error strings, when Flink answered with its error envelope.
    pub fn flink_errors(&self) -> &[String] {
        match self {
            Self::Flink { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The most telling line of Flink's errors (the root cause, without the stack trace).
    pub fn flink_message(&self) -> Option<String> {
        match self {
            Self::Flink { errors, .. } => Some(summarize(errors)),
            _ => None,
        }
    }

    /// Whether the thing asked for does not exist (a job, a TaskManager, a file, a trigger).
    ///
    /// Flink answers 404 for most of these, but 500 for an unknown TaskManager id or jar to run
    /// and 400 for a jar to delete ("File … does not exist"); all count. So does an operation
    /// that failed for want of its file or job: the disposal of a savepoint that is not there,
    /// a stop-with-savepoint of a job that has already ended.
    pub fn is_not_found(&self) -> bool {
        match self {
            Self::OperationFailed { message, .. } => OPERATION_NOT_FOUND_MARKERS
                .iter()
                .any(|marker| message.contains(marker)),
            Self::Flink { status, errors, .. } => {
                *status == StatusCode::NOT_FOUND
                    || ((*status == StatusCode::INTERNAL_SERVER_ERROR
                        || *status == StatusCode::BAD_REQUEST)
                        && errors
                            .iter()
                            .any(|e| NOT_FOUND_MARKERS.iter().any(|m| e.contains(m))))
            }
            _ => false,
        }
    }

    /// Whether Flink refused because of a conflicting state (409).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// Whether Flink (or a proxy) was temporarily unavailable (503, e.g. during leader election).
    pub fn is_unavailable(&self) -> bool {
        self.status() == Some(StatusCode::SERVICE_UNAVAILABLE)
    }

    /// Whether Flink rejected the request as malformed (400).
    pub fn is_bad_request(&self) -> bool {
        self.status() == Some(StatusCode::BAD_REQUEST)
    }

    /// Whether the request's body was too large for a proxy or for Flink (413).
    pub fn is_payload_too_large(&self) -> bool {
        matches!(self, Self::PayloadTooLarge { .. })
    }

    /// Whether the call timed out (also when that leaves its outcome unknown).
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Timeout { .. } => true,
            Self::OutcomeUnknown { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// Whether a request that may not be sent twice failed after it may have reached Flink
    /// ([`ApiError::OutcomeUnknown`]): check what it did before sending it again.
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Self::OutcomeUnknown { .. })
    }

    /// This failure of a request that may not be sent twice, as [`ApiError::OutcomeUnknown`]
    /// when it leaves open whether the request took effect: a 502, 503 or 504 that is not
    /// Flink's own envelope (a proxy answered after forwarding; Flink's own 503 comes before
    /// dispatch), a timeout, or a broken connection. Any other error is returned as it is.
    ///
    /// A caller that knows nothing was sent (the connection was refused) keeps the
    /// [`ApiError::Transport`] error instead.
    #[must_use]
    pub fn with_unknown_outcome(self) -> Self {
        let request = match &self {
            Self::UnexpectedResponse {
                request, status, ..
            } if matches!(status.as_u16(), 502..=504) => request.clone(),
            Self::Timeout { request, .. } | Self::Transport { request, .. } => request.clone(),
            _ => return self,
        };
        Self::OutcomeUnknown {
            request,
            source: Box::new(self),
        }
    }

    /// Whether no connection to the server could be opened, so the request never left the
    /// client: the connection was refused, the host or network is unreachable, or the executor
    /// marked the failure so.
    ///
    /// The source chain of a [`ApiError::Transport`] or [`ApiError::Timeout`] error is searched
    /// for an [`std::io::Error`] of kind `ConnectionRefused`, `HostUnreachable`,
    /// `NetworkUnreachable`, `AddrNotAvailable` or `NotConnected`. An executor whose HTTP
    /// client reports other connect failures (DNS, the TLS handshake, a connect timeout) in its
    /// own error type marks them with [`ApiError::connect_failure`].
    pub fn is_connect(&self) -> bool {
        match self {
            Self::Transport { source, .. } | Self::Timeout { source, .. } => chain(source.as_ref())
                .any(|error| {
                    error
                        .downcast_ref::<std::io::Error>()
                        .is_some_and(|io| CONNECT_KINDS.contains(&io.kind()))
                }),
            _ => false,
        }
    }

    /// `source`, a failure to open a connection, marked so that [`ApiError::is_connect`] knows
    /// it: wrapped in an [`std::io::Error`] of kind `NotConnected`, which shows and chains as
    /// `source` does. For executors; put the result in [`ApiError::Transport`].
    pub fn connect_failure(source: BoxError) -> BoxError {
        Box::new(std::io::Error::new(
            std::io::ErrorKind::NotConnected,
            source,
        ))
    }

    /// Whether the same call may succeed if made again later, and making it again is safe: a
    /// connection that could not be opened or broke, a timeout, a rate limit (429), or an
    /// unavailable or overloaded server or proxy (408, 502, 503, 504).
    ///
    /// Never for [`ApiError::OutcomeUnknown`] (the request may have taken effect: check
    /// first), nor for an answer that will not change (4xx, 500, a decode error, an
    /// unsupported or disabled feature) or a wait that passed its deadline (the operation goes
    /// on in Flink: wait for it again rather than start it again). flink-client's transport has
    /// already retried these within its limits when such an error reaches you.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Flink { status, .. } | Self::UnexpectedResponse { status, .. } => matches!(
                *status,
                StatusCode::REQUEST_TIMEOUT
                    | StatusCode::TOO_MANY_REQUESTS
                    | StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            ),
            _ => false,
        }
    }

    /// Whether the server's Flink version lacks what was asked for.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Self::Unsupported { .. })
    }

    /// Whether the server refused a feature it has but keeps disabled ([`ApiError::Disabled`]).
    pub fn is_disabled(&self) -> bool {
        matches!(self, Self::Disabled { .. })
    }

    /// Whether an asynchronous operation completed with a failure.
    pub fn is_operation_failed(&self) -> bool {
        matches!(self, Self::OperationFailed { .. })
    }

    /// Whether a wait passed its deadline, or a call timed out.
    pub fn is_deadline(&self) -> bool {
        matches!(self, Self::WaitTimedOut { .. }) || self.is_timeout()
    }

    /// Whether the input was rejected before sending.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput { .. })
    }

    pub(crate) fn invalid(what: &'static str, value: &str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            what,
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

/// The kinds of I/O error that mean no connection could be opened.
const CONNECT_KINDS: &[std::io::ErrorKind] = &[
    std::io::ErrorKind::ConnectionRefused,
    std::io::ErrorKind::HostUnreachable,
    std::io::ErrorKind::NetworkUnreachable,
    std::io::ErrorKind::AddrNotAvailable,
    std::io::ErrorKind::NotConnected,
];

/// An error and its sources, stepping into the error an `io::Error` wraps too (its `source()`
/// skips that error).
fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |&current| {
        current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .map(|inner| inner as &(dyn std::error::Error + 'static))
            .or_else(|| current.source())
    })
}

/// Exception names Flink uses for "no such thing" when it answers 500 instead of 404.
const NOT_FOUND_MARKERS: &[&str] = &[
    "UnknownTaskExecutorException",
    "FlinkJobNotFoundException",
    "NotFoundException",
    "does not exist",
];

/// Exception names in the root cause of an operation that failed because its file or job is
/// not there.
const OPERATION_NOT_FOUND_MARKERS: &[&str] = &[
    "FileNotFoundException",
    "NoSuchFileException",
    "FlinkJobNotFoundException",
];

/// The root cause line of a Java stack trace, as Flink sends it in a `failure-cause`.
pub fn root_cause(stack_trace: &str) -> String {
    summarize(std::slice::from_ref(&stack_trace.to_owned()))
}

/// The root cause line of Flink's error strings.
///
/// Flink sends either one string (message + stack trace) or, for unexpected 500s,
/// `["Internal server error.", "<Exception on server side:\n...stack...>"]`. The line worth
/// showing is the deepest `Caused by:` or, failing that, the first line of the message.
fn summarize(errors: &[String]) -> String {
    let meaningful = errors
        .iter()
        .rev()
        .find(|e| e.trim() != "Internal server error.")
        .or_else(|| errors.first());
    let Some(text) = meaningful else {
        return "no error details".to_owned();
    };
    let text = text
        .trim()
        .trim_start_matches("<Exception on server side:")
        .trim();
    let root = text
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("Caused by: "))
        .or_else(|| text.lines().map(str::trim).find(|l| !l.is_empty()));
    root.unwrap_or("no error details").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_a_handler_error_is_its_first_line() {
        let errors = vec![
            "org.apache.flink.runtime.rest.NotFoundException: Job 00 not found\n\tat org.apache.X.y(X.java:1)"
                .to_owned(),
        ];
        assert_eq!(
            summarize(&errors),
            "org.apache.flink.runtime.rest.NotFoundException: Job 00 not found"
        );
    }

    #[test]
    fn summary_of_an_internal_error_is_the_deepest_cause() {
        let errors = vec![
            "Internal server error.".to_owned(),
            "<Exception on server side:\njava.util.concurrent.CompletionException: wrapped\n\tat a.b(C.java:1)\nCaused by: org.apache.flink.runtime.resourcemanager.exceptions.UnknownTaskExecutorException: No TaskExecutor registered under tm-1.\n\t... 3 more\n\nEnd of exception on server side>".to_owned(),
        ];
        assert_eq!(
            summarize(&errors),
            "org.apache.flink.runtime.resourcemanager.exceptions.UnknownTaskExecutorException: No TaskExecutor registered under tm-1."
        );
    }

    #[test]
    fn unknown_taskmanager_500_counts_as_not_found() {
        let error = ApiError::Flink {
            request: "GET /taskmanagers/x".to_owned(),
            status: StatusCode::INTERNAL_SERVER_ERROR,
            errors: vec![
                "Internal server error.".to_owned(),
                "<Exception on server side:\nUnknownTaskExecutorException: No TaskExecutor registered under x.>".to_owned(),
            ],
            extra: Box::default(),
        };
        assert!(error.is_not_found());
        assert!(!error.is_conflict());
        assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    }

    #[test]
    fn a_missing_jar_answered_with_400_counts_as_not_found() {
        let error = ApiError::Flink {
            request: "DELETE /jars/x.jar".to_owned(),
            status: StatusCode::BAD_REQUEST,
            errors: vec![
                "RestHandlerException: File x.jar does not exist in /tmp/web-upload.".to_owned(),
            ],
            extra: Box::default(),
        };
        assert!(error.is_not_found());
        let other = ApiError::Flink {
            request: "POST /jars/x.jar/run".to_owned(),
            status: StatusCode::BAD_REQUEST,
            errors: vec!["Request did not match expected format JarRunRequestBody.".to_owned()],
            extra: Box::default(),
        };
        assert!(!other.is_not_found());
    }

    fn operation_failed(message: &str) -> ApiError {
        ApiError::OperationFailed {
            operation: "savepoint disposal (trigger 00)".to_owned(),
            class: Some("org.apache.flink.util.FlinkException".to_owned()),
            message: message.to_owned(),
            stack_trace: None,
        }
    }

    #[test]
    fn an_operation_failed_for_want_of_its_file_or_job_counts_as_not_found() {
        // The root causes Flink 2.3 sends for a disposal of a missing savepoint and for a
        // second stop of a job.
        let missing_file = "java.io.FileNotFoundException: Cannot find checkpoint or savepoint file/directory 'file:/missing' on file system 'file'.";
        assert!(operation_failed(missing_file).is_not_found());
        let ended_job = "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (e81730c90bc591e49d6c04e3b6480941)";
        assert!(operation_failed(ended_job).is_not_found());
        let other = "java.io.IOException: Disk quota exceeded";
        assert!(!operation_failed(other).is_not_found());
    }

    fn transport(source: impl Into<BoxError>) -> ApiError {
        ApiError::Transport {
            request: "GET /overview".to_owned(),
            source: source.into(),
        }
    }

    /// Flink's error envelope with `status`.
    fn answered(status: u16) -> ApiError {
        let status = StatusCode::from_u16(status).unwrap();
        crate::error_from_response("GET /jobs", status, None, br#"{"errors":["x"]}"#)
    }

    #[test]
    fn refused_and_unreachable_connections_are_connect_errors_anywhere_in_the_chain() {
        use std::io::{Error, ErrorKind};
        for kind in [
            ErrorKind::ConnectionRefused,
            ErrorKind::HostUnreachable,
            ErrorKind::NetworkUnreachable,
            ErrorKind::AddrNotAvailable,
        ] {
            // As hyper-util and ureq report it: the I/O error under their own.
            let wrapped = Error::other(Error::from(kind));
            assert!(transport(wrapped).is_connect(), "{kind:?}");
        }
        assert!(!transport(Error::from(ErrorKind::ConnectionReset)).is_connect());
        assert!(!transport("tls handshake failed").is_connect());

        // An executor marks what its client reports otherwise; the message stays the same.
        let marked = ApiError::connect_failure("dns error: no such host".into());
        assert_eq!(marked.to_string(), "dns error: no such host");
        let error = transport(marked);
        assert!(error.is_connect() && error.is_retryable());
        let timeout = ApiError::Timeout {
            request: "GET /overview".to_owned(),
            source: ApiError::connect_failure("connect timed out".into()),
        };
        assert!(timeout.is_connect() && timeout.is_timeout());
        // Once it may have reached Flink, it is not a connect error.
        assert!(!error.with_unknown_outcome().is_connect());
        assert!(!answered(503).is_connect());
    }

    #[test]
    fn retryable_errors_are_transient_and_safe_to_repeat() {
        for status in [408, 429, 502, 503, 504] {
            assert!(answered(status).is_retryable(), "{status}");
        }
        for status in [400, 404, 409, 500] {
            assert!(!answered(status).is_retryable(), "{status}");
        }
        let proxy_page = crate::error_from_response(
            "GET /jobs",
            StatusCode::BAD_GATEWAY,
            Some("text/html"),
            b"<html>",
        );
        assert!(proxy_page.is_retryable());
        let reset = transport(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(reset.is_retryable());
        // A request that may have taken effect is never simply repeated.
        let unknown = reset.with_unknown_outcome();
        assert!(unknown.is_outcome_unknown() && !unknown.is_retryable());
        for lasting in [
            ApiError::invalid("job id", "x", "32 hex digits"),
            ApiError::VersionRequired {
                request: "POST /jars/x.jar/run".to_owned(),
            },
            ApiError::Unsupported {
                feature: "GET /applications/overview".to_owned(),
                server_version: "1.20.5".to_owned(),
                since: "2.3".to_owned(),
            },
            ApiError::WaitTimedOut {
                what: "savepoint".to_owned(),
                waited: std::time::Duration::from_secs(1),
                last_seen: "IN_PROGRESS".to_owned(),
                job: None,
                trigger: None,
            },
            operation_failed("java.io.IOException: Disk quota exceeded"),
        ] {
            assert!(!lasting.is_retryable(), "{lasting:?}");
            assert!(!lasting.is_connect(), "{lasting:?}");
        }
    }

    #[test]
    fn a_version_dependent_request_built_without_a_version_says_what_to_do() {
        let error = ApiError::VersionRequired {
            request: "POST /jars/x.jar/run".to_owned(),
        };
        let text = error.to_string();
        assert!(
            text.starts_with("POST /jars/x.jar/run: ")
                && text.contains("build_request_for")
                && text.contains("GET /config"),
            "{text}"
        );
    }

    #[test]
    fn empty_errors_have_a_readable_summary() {
        assert_eq!(summarize(&[]), "no error details");
    }
}
