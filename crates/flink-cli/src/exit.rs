//! Why a command failed, and the documented exit code of each reason.
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | failure: Flink refused, could not be reached, or the configuration is unusable |
//! | 2 | bad usage: unknown command or option, missing argument, no cluster given |
//! | 3 | not found: no such job, TaskManager, jar, file or path |
//! | 4 | timeout: Flink did not answer within `--timeout` (or the transport's limit) |
//! | 5 | unsupported: this Flink version lacks it, or the cluster keeps it disabled |
//! | 6 | invalid input: a malformed id, body or argument (refused before sending, or a 400) |

use std::time::Duration;

use flink_client::{ApiError, BuildError};

/// Success.
pub(crate) const OK: u8 = 0;
/// Any other failure.
pub(crate) const FAILURE: u8 = 1;
/// Bad usage (clap uses the same code for its own errors).
pub(crate) const USAGE: u8 = 2;
/// The thing asked for does not exist.
pub(crate) const NOT_FOUND: u8 = 3;
/// A call did not finish in time.
pub(crate) const TIMEOUT: u8 = 4;
/// The Flink version or cluster does not offer it.
pub(crate) const UNSUPPORTED: u8 = 5;
/// The input was rejected.
pub(crate) const INVALID_INPUT: u8 = 6;

/// The exit codes, as the root command's `--help` lists them (in three lines: that help fits
/// a screen).
pub(crate) const EXIT_CODES_HELP: &str = concat!(
    "Exit codes: 0 success, 1 failure (Flink refused or unreachable, unusable configuration),\n",
    "2 bad usage, 3 not found, 4 timeout, 5 unsupported (by this Flink, or disabled), 6 invalid input.",
);

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// A call to Flink failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The client could not be built from the settings.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The config file or a setting is unusable.
    #[error("{0}")]
    Config(String),
    /// The command line cannot work as given.
    #[error("{0}")]
    Usage(String),
    /// What the command works on does not exist, or no longer runs.
    #[error("{0}")]
    NotFound(String),
    /// Flink took the request but cannot carry it out as the cluster stands (a rescale beyond
    /// its slots).
    #[error("{0}")]
    Unmet(String),
    /// An argument was rejected before anything was sent.
    #[error("{0}")]
    InvalidInput(String),
    /// Flink's answer did not fit what Flink sends.
    #[error("{0}")]
    Answer(String),
    /// Flink no longer has the path asked for (a path of its REST API before 1.5).
    #[error(
        "{path} is a path of Flink's REST API before 1.5, which Flink no longer serves; ask {modern}"
    )]
    Moved {
        /// The legacy path, as given.
        path: String,
        /// What to ask instead.
        modern: String,
        /// Flink's 404.
        #[source]
        source: Box<ApiError>,
    },
    /// A call passed `--timeout`.
    #[error("no answer within {} (--timeout); raise it, or check that the JobManager is reachable", humantime::format_duration(*.0))]
    Deadline(Duration),
    /// Writing the output or reading a local file failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Failure {
    /// An I/O failure while doing `what`.
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |source| Self::Io { what, source }
    }

    /// Whether this is standard output closing early (`flinkctl … | head`), which is no error.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// The exit code of a failure.
pub(crate) fn code(failure: &Failure) -> u8 {
    match failure {
        Failure::Api(error) => api_code(error),
        Failure::Build(BuildError::MissingUrl) | Failure::Usage(_) => USAGE,
        Failure::NotFound(_) | Failure::Moved { .. } => NOT_FOUND,
        Failure::InvalidInput(_) => INVALID_INPUT,
        Failure::Deadline(_) => TIMEOUT,
        Failure::Io { .. } if failure.is_broken_pipe() => OK,
        Failure::Build(_)
        | Failure::Config(_)
        | Failure::Answer(_)
        | Failure::Unmet(_)
        | Failure::Io { .. } => FAILURE,
    }
}

/// The exit code of a failed call, from the error's helpers.
fn api_code(error: &ApiError) -> u8 {
    if error.is_not_found() {
        NOT_FOUND
    } else if error.is_deadline() {
        TIMEOUT
    } else if error.is_unsupported() || error.is_disabled() {
        UNSUPPORTED
    } else if error.is_invalid_input() || error.is_bad_request() {
        INVALID_INPUT
    } else {
        FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    fn flink(status: StatusCode, message: &str) -> Failure {
        Failure::Api(ApiError::Flink {
            request: "GET /x".to_owned(),
            status,
            errors: vec![message.to_owned()],
            extra: Box::default(),
        })
    }

    #[test]
    fn api_errors_map_to_their_codes() {
        assert_eq!(code(&flink(StatusCode::NOT_FOUND, "Not found")), NOT_FOUND);
        let unknown_tm = "Caused by: UnknownTaskExecutorException: No TaskExecutor registered";
        assert_eq!(
            code(&flink(StatusCode::INTERNAL_SERVER_ERROR, unknown_tm)),
            NOT_FOUND
        );
        assert_eq!(code(&flink(StatusCode::BAD_REQUEST, "bad")), INVALID_INPUT);
        assert_eq!(code(&flink(StatusCode::CONFLICT, "busy")), FAILURE);
        let unknown_jar = "RestHandlerException: File x.jar does not exist in /tmp/web-upload.";
        assert_eq!(
            code(&flink(StatusCode::BAD_REQUEST, unknown_jar)),
            NOT_FOUND
        );
        let timeout = ApiError::Timeout {
            request: "GET /x".to_owned(),
            source: "elapsed".into(),
        };
        assert_eq!(code(&Failure::Api(timeout)), TIMEOUT);
        let unsupported = ApiError::Unsupported {
            feature: "x".to_owned(),
            server_version: "1.18.1".to_owned(),
            since: "1.19".to_owned(),
        };
        assert_eq!(code(&Failure::Api(unsupported)), UNSUPPORTED);
        let invalid = "x".parse::<flink_client::api::JobId>().unwrap_err();
        assert_eq!(code(&Failure::Api(invalid)), INVALID_INPUT);
        let wait = ApiError::WaitTimedOut {
            what: "job".to_owned(),
            waited: Duration::from_secs(1),
            last_seen: "RUNNING".to_owned(),
            job: None,
            trigger: None,
        };
        assert_eq!(code(&Failure::Api(wait)), TIMEOUT);
    }

    #[test]
    fn cli_failures_map_to_their_codes() {
        assert_eq!(code(&Failure::Build(BuildError::MissingUrl)), USAGE);
        assert_eq!(code(&Failure::Usage("x".to_owned())), USAGE);
        assert_eq!(code(&Failure::Config("x".to_owned())), FAILURE);
        assert_eq!(code(&Failure::InvalidInput("x".to_owned())), INVALID_INPUT);
        assert_eq!(code(&Failure::NotFound("x".to_owned())), NOT_FOUND);
        assert_eq!(code(&Failure::Unmet("x".to_owned())), FAILURE);
        assert_eq!(code(&Failure::Deadline(Duration::from_millis(1))), TIMEOUT);
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert_eq!(code(&Failure::io("writing")(pipe)), OK);
        let other = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(code(&Failure::io("writing")(other)), FAILURE);
    }

    #[test]
    fn the_help_lists_every_code() {
        for code in [
            OK,
            FAILURE,
            USAGE,
            NOT_FOUND,
            TIMEOUT,
            UNSUPPORTED,
            INVALID_INPUT,
        ] {
            let listed = EXIT_CODES_HELP
                .split([':', ',', '\n'])
                .any(|entry| entry.trim_start().starts_with(&format!("{code} ")));
            assert!(listed, "{code}");
        }
    }
}
