//! Legacy termination endpoints that Flink keeps for old YARN clients, which could not send
//! `PATCH`: `yarn-cancel` (works like cancel) and `yarn-stop` (removed by Flink; refused).

use http::StatusCode;

use crate::ApiError;
use crate::JobId;
use crate::endpoint::{Endpoint, JsonEndpoint};
use crate::jobs::info::job_path;
use crate::refusal::Refusal;
use flink_models::common::Empty;

/// `GET /jobs/:jobid/yarn-cancel`: the legacy cancel for old YARN clients that could not send
/// `PATCH`. Deprecated by Flink: use [`super::CancelJob`] (`PATCH /jobs/:jobid?mode=cancel`).
///
/// It behaves like cancel: 202 with `{}` at once (also for a cancelled job), 404 for an
/// unknown job, and the job ends `CANCELED`.
#[derive(Clone, Debug)]
pub struct YarnCancelJob {
    /// Which job.
    pub job: JobId,
}

impl Endpoint for YarnCancelJob {
    const NAME: &'static str = "jobs.yarn-cancel";

    fn path(&self) -> String {
        format!("{}/yarn-cancel", job_path(&self.job))
    }
}

impl JsonEndpoint for YarnCancelJob {
    type Output = Empty;
}

const YARN_STOP_REMOVED: Refusal = Refusal {
    feature: "legacy YARN stop (GET /jobs/:jobid/yarn-stop)",
    reason: "Flink removed the `stop` termination mode and answers every call with 308 and an error",
    hint: "stop the job with a savepoint (POST /jobs/:jobid/stop) or cancel it (PATCH /jobs/:jobid?mode=cancel)",
    markers: &["termination mode \"stop\" has been removed"],
    status: StatusCode::PERMANENT_REDIRECT,
};

/// `GET /jobs/:jobid/yarn-stop`: the legacy stop for old YARN clients. Flink removed the
/// `stop` mode: every call is [`ApiError::Disabled`] and the job keeps running. Stop with a
/// savepoint (`POST /jobs/:jobid/stop`) instead.
#[derive(Clone, Debug)]
pub struct YarnStopJob {
    /// Which job.
    pub job: JobId,
}

impl Endpoint for YarnStopJob {
    const NAME: &'static str = "jobs.yarn-stop";

    fn path(&self) -> String {
        format!("{}/yarn-stop", job_path(&self.job))
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        YARN_STOP_REMOVED.map(error)
    }
}

impl JsonEndpoint for YarnStopJob {
    type Output = Empty;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_request, decode_response};

    const JOB: &str = "d7b2518b7cc9b04478ed2eb249c5b9a0";

    fn job() -> JobId {
        JOB.parse().unwrap()
    }

    #[test]
    fn legacy_requests() {
        for (request, path) in [
            (
                build_request(&YarnCancelJob { job: job() }).unwrap(),
                "yarn-cancel",
            ),
            (
                build_request(&YarnStopJob { job: job() }).unwrap(),
                "yarn-stop",
            ),
        ] {
            assert_eq!(request.method(), http::Method::GET);
            assert_eq!(request.uri().to_string(), format!("/jobs/{JOB}/{path}"));
        }
        const { assert!(!YarnCancelJob::VERSION_DEPENDENT && !YarnStopJob::VERSION_DEPENDENT) };
    }

    #[test]
    fn yarn_stop_is_disabled_and_yarn_cancel_is_empty() {
        let error = decode_response(
            &YarnStopJob { job: job() },
            StatusCode::PERMANENT_REDIRECT,
            None,
            br#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: The termination mode \"stop\" has been removed. For an ungraceful shutdown, please use \"cancel\" instead."]}"#,
        )
        .unwrap_err();
        assert!(error.is_disabled(), "{error:?}");
        assert!(
            error.to_string().contains("POST /jobs/:jobid/stop"),
            "{error}"
        );
        decode_response(
            &YarnCancelJob { job: job() },
            StatusCode::ACCEPTED,
            None,
            b"{}",
        )
        .unwrap();
    }
}
