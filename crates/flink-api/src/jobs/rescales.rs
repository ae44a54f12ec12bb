//! Rescale endpoints (Flink 2.3+): configuration, overview, summary, history, details.
//!
//! The rescale endpoints exist from Flink 2.3 on (against 1.x each call is
//! [`ApiError::Unsupported`] before any request is sent), and answer only for jobs on the
//! adaptive scheduler: for a job on the default scheduler Flink answers 404, which these
//! endpoints turn into [`ApiError::Disabled`] naming the missing setting. The adaptive
//! scheduler records rescales only when `web.adaptive-scheduler.rescale-history.size` is above
//! 0; at the default 0 the overview and summary count nothing and the history is empty.

use std::future::Future;

use http::StatusCode;

use super::info::job_path;
use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::refusal::Refusal;
use crate::{ApiError, FlinkVersion, JobId, RescaleId};
use flink_models::jobs::rescales::{
    JobRescaleConfigInfo, JobRescaleDetails, JobRescalesOverview, JobRescalesSummary,
};

const NO_ADAPTIVE_SCHEDULER: Refusal = Refusal {
    feature: "rescale configuration (GET /jobs/:jobid/rescales/config)",
    reason: "the job does not run on the adaptive scheduler",
    hint: "this needs `jobmanager.scheduler: adaptive` in the cluster configuration",
    markers: &["AdaptiveScheduler is not enabled"],
    status: StatusCode::NOT_FOUND,
};

const NO_RESCALES: Refusal = Refusal {
    feature: "rescales (GET /jobs/:jobid/rescales/overview, summary, history, details)",
    reason: "the job does not run on the adaptive scheduler, which is the only one that records rescales",
    hint: "this needs `jobmanager.scheduler: adaptive` in the cluster configuration, and `web.adaptive-scheduler.rescale-history.size` above 0 (at the default 0 the history stays empty)",
    markers: &[
        "RescalesUnavailableException",
        "AdaptiveScheduler rescales was not enabled",
    ],
    status: StatusCode::NOT_FOUND,
};

/// Whether an error says the job's rescales are not available: [`ApiError::Disabled`] from a
/// rescale endpoint, because the job does not run on the adaptive scheduler.
pub fn rescales_unavailable(error: &ApiError) -> bool {
    NO_RESCALES.is(error) || NO_ADAPTIVE_SCHEDULER.is(error)
}

/// Declares a rescale endpoint `GET /jobs/:jobid/rescales<suffix>` (Flink 2.3+).
macro_rules! rescale_get {
    ($(#[$meta:meta])* $name:ident, $op:literal, $suffix:literal, $refused:ident, $output:ty) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name {
            /// Which job.
            pub job: JobId,
        }

        impl Endpoint for $name {
            const NAME: &'static str = $op;

            fn path(&self) -> String {
                format!("{}/rescales{}", job_path(&self.job), $suffix)
            }

            const VERSION_DEPENDENT: bool = true;

            fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
                version.require(2, 3, concat!("GET /jobs/:jobid/rescales", $suffix))
            }

            fn map_error(&self, error: ApiError) -> ApiError {
                $refused.map(error)
            }
        }

        impl JsonEndpoint for $name {
            type Output = $output;
        }
    };
}

rescale_get!(
    /// `GET /jobs/:jobid/rescales/config` (Flink 2.3+): the adaptive scheduler's settings for
    /// the job (timeouts, cooldown, history size). Needs the adaptive scheduler.
    GetRescaleConfig,
    "jobs.rescales-config",
    "/config",
    NO_ADAPTIVE_SCHEDULER,
    JobRescaleConfigInfo
);
rescale_get!(
    /// `GET /jobs/:jobid/rescales/overview` (Flink 2.3+): how many rescales ended each way,
    /// and the latest of each.
    GetRescalesOverview,
    "jobs.rescales-overview",
    "/overview",
    NO_RESCALES,
    JobRescalesOverview
);
rescale_get!(
    /// `GET /jobs/:jobid/rescales/summary` (Flink 2.3+): counts and duration statistics of the
    /// job's rescales.
    GetRescalesSummary,
    "jobs.rescales-summary",
    "/summary",
    NO_RESCALES,
    JobRescalesSummary
);
rescale_get!(
    /// `GET /jobs/:jobid/rescales/history` (Flink 2.3+): the recorded rescales, newest first,
    /// without their vertex and slot details.
    GetRescalesHistory,
    "jobs.rescales-history",
    "/history",
    NO_RESCALES,
    Vec<JobRescaleDetails>
);

/// `GET /jobs/:jobid/rescales/details/:rescaleuuid` (Flink 2.3+): one rescale with each
/// vertex's and slot sharing group's parallelism before and after, and the scheduler states it
/// went through. A rescale the history no longer holds is a 404 ([`ApiError::is_not_found`]).
#[derive(Clone, Debug)]
pub struct GetRescaleDetails {
    /// Which job.
    pub job: JobId,
    /// Which rescale (a `rescale_uuid` of the history or overview).
    pub rescale: RescaleId,
}

impl Endpoint for GetRescaleDetails {
    const NAME: &'static str = "jobs.rescale-details";

    fn path(&self) -> String {
        format!(
            "{}/rescales/details/{}",
            job_path(&self.job),
            encode_segment(self.rescale.as_str())
        )
    }

    const VERSION_DEPENDENT: bool = true;

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        version.require(2, 3, "GET /jobs/:jobid/rescales/details/:rescaleuuid")
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        NO_RESCALES.map(error)
    }
}

impl JsonEndpoint for GetRescaleDetails {
    type Output = JobRescaleDetails;
}

/// Rescale calls (Flink 2.3+). Implemented for every [`Execute`]; bring it into scope to call
/// them. On Flink 1.x each is [`ApiError::Unsupported`], and nothing is sent.
pub trait RescalesApi: Execute + Sync {
    /// `GET /jobs/:jobid/rescales/config` (adaptive scheduler only).
    fn job_rescale_config(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<JobRescaleConfigInfo, ApiError>> + Send {
        self.execute(GetRescaleConfig { job })
    }

    /// `GET /jobs/:jobid/rescales/overview` (adaptive scheduler only).
    fn job_rescales_overview(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<JobRescalesOverview, ApiError>> + Send {
        self.execute(GetRescalesOverview { job })
    }

    /// `GET /jobs/:jobid/rescales/summary` (adaptive scheduler only).
    fn job_rescales_summary(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<JobRescalesSummary, ApiError>> + Send {
        self.execute(GetRescalesSummary { job })
    }

    /// `GET /jobs/:jobid/rescales/history` (adaptive scheduler only; empty without a rescale
    /// history size).
    fn job_rescales_history(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<Vec<JobRescaleDetails>, ApiError>> + Send {
        self.execute(GetRescalesHistory { job })
    }

    /// `GET /jobs/:jobid/rescales/details/:rescaleuuid` (adaptive scheduler only).
    fn job_rescale_details(
        &self,
        job: JobId,
        rescale: RescaleId,
    ) -> impl Future<Output = Result<JobRescaleDetails, ApiError>> + Send {
        self.execute(GetRescaleDetails { job, rescale })
    }
}

impl<T: Execute + Sync + ?Sized> RescalesApi for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_for_newest, decode_response};

    const JOB: &str = "940d0c87768590f7c41036435bfaef87";
    const RESCALE: &str = "2e024f28004eb0eb0f9db9c5d24745e0";

    fn job() -> JobId {
        JOB.parse().unwrap()
    }

    fn uri<E: Endpoint + Clone>(endpoint: &E) -> String {
        let request = build_for_newest(endpoint).unwrap();
        assert_eq!(request.method(), http::Method::GET);
        request.uri().to_string()
    }

    fn details() -> GetRescaleDetails {
        GetRescaleDetails {
            job: job(),
            rescale: RESCALE.parse().unwrap(),
        }
    }

    #[test]
    fn requests_name_the_job_and_rescale() {
        let base = format!("/jobs/{JOB}/rescales");
        assert_eq!(
            uri(&GetRescaleConfig { job: job() }),
            format!("{base}/config")
        );
        assert_eq!(
            uri(&GetRescalesOverview { job: job() }),
            format!("{base}/overview")
        );
        assert_eq!(
            uri(&GetRescalesSummary { job: job() }),
            format!("{base}/summary")
        );
        assert_eq!(
            uri(&GetRescalesHistory { job: job() }),
            format!("{base}/history")
        );
        assert_eq!(uri(&details()), format!("{base}/details/{RESCALE}"));
    }

    fn refused_on_1_x<E: Endpoint>(mut endpoint: E, feature: &str) {
        assert!(E::VERSION_DEPENDENT);
        let error = endpoint.adapt_to(&"1.20.5".parse().unwrap()).unwrap_err();
        assert!(error.is_unsupported(), "{error:?}");
        assert!(error.to_string().contains(feature), "{error}");
        endpoint.adapt_to(&"2.3.0".parse().unwrap()).unwrap();
    }

    #[test]
    fn rescale_endpoints_need_flink_2() {
        refused_on_1_x(
            GetRescaleConfig { job: job() },
            "GET /jobs/:jobid/rescales/config",
        );
        refused_on_1_x(GetRescalesOverview { job: job() }, "rescales/overview");
        refused_on_1_x(GetRescalesSummary { job: job() }, "rescales/summary");
        refused_on_1_x(GetRescalesHistory { job: job() }, "rescales/history");
        refused_on_1_x(details(), "rescales/details/:rescaleuuid");
    }

    #[test]
    fn rescale_ids_are_validated() {
        assert_eq!(
            RESCALE
                .to_uppercase()
                .parse::<RescaleId>()
                .unwrap()
                .as_str(),
            RESCALE
        );
        let error = "2e024f28-004e-b0eb".parse::<RescaleId>().unwrap_err();
        assert!(error.is_invalid_input());
        assert!(error.to_string().contains("rescale id"), "{error}");
    }

    fn flink_error<E: JsonEndpoint<Output: std::fmt::Debug>>(
        endpoint: &E,
        status: StatusCode,
        message: &str,
    ) -> ApiError {
        let body = serde_json::json!({ "errors": [message] }).to_string();
        decode_response(endpoint, status, Some("application/json"), body.as_bytes()).unwrap_err()
    }

    #[test]
    fn the_default_scheduler_is_disabled_not_not_found() {
        let error = flink_error(
            &GetRescaleConfig { job: job() },
            StatusCode::NOT_FOUND,
            "org.apache.flink.runtime.rest.handler.RestHandlerException: AdaptiveScheduler is not enabled for this job (940d).\n\tat x",
        );
        assert!(
            error.is_disabled() && rescales_unavailable(&error),
            "{error:?}"
        );
        assert!(!error.is_not_found());
        assert!(
            error.to_string().contains("jobmanager.scheduler: adaptive"),
            "{error}"
        );

        let error = flink_error(
            &GetRescalesHistory { job: job() },
            StatusCode::NOT_FOUND,
            "org.apache.flink.runtime.rest.handler.job.rescales.RescalesUnavailableException: The job `940d` has not enabled the `Adaptive` scheduler, or ...",
        );
        assert!(rescales_unavailable(&error), "{error:?}");
        assert!(
            error
                .to_string()
                .contains("web.adaptive-scheduler.rescale-history.size"),
            "{error}"
        );
        let error = flink_error(
            &details(),
            StatusCode::NOT_FOUND,
            "RestHandlerException: AdaptiveScheduler rescales was not enabled for job 940d.",
        );
        assert!(rescales_unavailable(&error), "{error:?}");
    }

    #[test]
    fn unknown_jobs_and_rescales_stay_not_found() {
        let error = flink_error(
            &details(),
            StatusCode::NOT_FOUND,
            "RestHandlerException: Could not find rescale details of specified rescaleUuid 2e02.",
        );
        assert!(
            error.is_not_found() && !rescales_unavailable(&error),
            "{error:?}"
        );
        let error = flink_error(
            &GetRescalesOverview { job: job() },
            StatusCode::NOT_FOUND,
            "org.apache.flink.runtime.rest.NotFoundException: Job 940d not found",
        );
        assert!(error.is_not_found(), "{error:?}");
    }
}
