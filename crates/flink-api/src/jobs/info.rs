//! Read-only job endpoints: list, overview, details, status, config, exceptions, plan,
//! accumulators, execution result, and what the job's JobManager and TaskManagers report.

use crate::endpoint::{Endpoint, JsonEndpoint, encode_segment};
use crate::{ApiError, FlinkVersion, JobId, TaskManagerId};
use flink_models::common::ConfigurationEntry;
use flink_models::jobmanager::EnvironmentInfo;
use flink_models::jobs::config::{JobConfigInfo, LogUrlResponse};
use flink_models::jobs::details::JobDetailsInfo;
use flink_models::jobs::exceptions::JobExceptionsInfoWithHistory;
use flink_models::jobs::overview::MultipleJobsDetails;
use flink_models::jobs::plan::JobPlanInfo;
use flink_models::jobs::result::{JobAccumulatorsInfo, JobExecutionResultResponseBody};
use flink_models::jobs::state::{JobIdsWithStatus, JobStatusInfo};

/// `/jobs/:jobid` with the id encoded.
pub(crate) fn job_path(job: &JobId) -> String {
    format!("/jobs/{}", encode_segment(job.as_str()))
}

/// `GET /jobs`: the id and state of every job.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListJobs;

impl Endpoint for ListJobs {
    const NAME: &'static str = "jobs.list";

    fn path(&self) -> String {
        "/jobs".to_owned()
    }
}

impl JsonEndpoint for ListJobs {
    type Output = JobIdsWithStatus;
}

/// `GET /jobs/overview`: every job with its name, times, state and task counts.
#[derive(Clone, Copy, Debug, Default)]
pub struct GetJobsOverview;

impl Endpoint for GetJobsOverview {
    const NAME: &'static str = "jobs.overview";

    fn path(&self) -> String {
        "/jobs/overview".to_owned()
    }
}

impl JsonEndpoint for GetJobsOverview {
    type Output = MultipleJobsDetails;
}

/// Declares an endpoint `GET /jobs/:jobid<suffix>` without parameters other than the job.
macro_rules! job_get {
    ($(#[$meta:meta])* $name:ident, $op:literal, $suffix:literal, $output:ty
     $(, added_in: $added:expr)?) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub struct $name {
            /// Which job.
            pub job: JobId,
        }

        impl Endpoint for $name {
            const NAME: &'static str = $op;
            $(const ADDED_IN: Option<(u16, u16)> = Some($added);)?

            fn path(&self) -> String {
                format!("{}{}", job_path(&self.job), $suffix)
            }
        }

        impl JsonEndpoint for $name {
            type Output = $output;
        }
    };
}

job_get!(
    /// `GET /jobs/:jobid`: the job's state, timestamps, vertices with task counts, and plan.
    GetJob,
    "jobs.get",
    "",
    JobDetailsInfo
);
job_get!(
    /// `GET /jobs/:jobid/status`: the job's state only (cheap to poll).
    GetJobStatus,
    "jobs.status",
    "/status",
    JobStatusInfo,
    added_in: (1, 16)
);
job_get!(
    /// `GET /jobs/:jobid/config`: the job's execution configuration.
    GetJobConfig,
    "jobs.config",
    "/config",
    JobConfigInfo
);
job_get!(
    /// `GET /jobs/:jobid/plan`: the job's dataflow graph.
    GetJobPlan,
    "jobs.plan",
    "/plan",
    JobPlanInfo
);
job_get!(
    /// `GET /jobs/:jobid/execution-result`: `IN_PROGRESS` while the job runs, then how it
    /// ended (a failure included, as data).
    GetJobExecutionResult,
    "jobs.execution-result",
    "/execution-result",
    JobExecutionResultResponseBody
);
job_get!(
    /// `GET /jobs/:jobid/jobmanager/config`: the configuration of the JobManager that runs the
    /// job (secrets masked by Flink).
    GetJobJobManagerConfig,
    "jobs.jobmanager-config",
    "/jobmanager/config",
    Vec<ConfigurationEntry>,
    added_in: (1, 16)
);
job_get!(
    /// `GET /jobs/:jobid/jobmanager/environment`: the JVM and classpath of the JobManager that
    /// runs the job.
    GetJobJobManagerEnvironment,
    "jobs.jobmanager-environment",
    "/jobmanager/environment",
    EnvironmentInfo,
    added_in: (1, 16)
);
job_get!(
    /// `GET /jobs/:jobid/jobmanager/log-url`: where the history server shows the JobManager's
    /// log of the job (needs `historyserver.log.jobmanager.url-pattern`).
    GetJobJobManagerLogUrl,
    "jobs.jobmanager-log-url",
    "/jobmanager/log-url",
    LogUrlResponse,
    added_in: (1, 16)
);

/// `GET /jobs/:jobid/taskmanagers/:taskmanagerid/log-url`: where the history server shows a
/// TaskManager's log of the job (needs `historyserver.log.taskmanager.url-pattern`).
#[derive(Clone, Debug)]
pub struct GetJobTaskManagerLogUrl {
    /// Which job.
    pub job: JobId,
    /// Which TaskManager.
    pub taskmanager: TaskManagerId,
}

impl Endpoint for GetJobTaskManagerLogUrl {
    const NAME: &'static str = "jobs.taskmanager-log-url";
    const ADDED_IN: Option<(u16, u16)> = Some((1, 16));

    fn path(&self) -> String {
        format!(
            "{}/taskmanagers/{}/log-url",
            job_path(&self.job),
            encode_segment(self.taskmanager.as_str())
        )
    }
}

impl JsonEndpoint for GetJobTaskManagerLogUrl {
    type Output = LogUrlResponse;
}

/// `GET /jobs/:jobid/exceptions`: the job's failures, newest first.
#[derive(Clone, Debug)]
pub struct GetJobExceptions {
    /// Which job.
    pub job: JobId,
    /// At most this many entries (at least 1); Flink's default when `None`.
    pub max_exceptions: Option<u32>,
    /// Only failures carrying all of these `(key, value)` failure labels.
    pub failure_label_filter: Vec<(String, String)>,
}

impl GetJobExceptions {
    /// The exceptions of `job`, with Flink's defaults.
    pub fn new(job: JobId) -> Self {
        Self {
            job,
            max_exceptions: None,
            failure_label_filter: Vec::new(),
        }
    }

    /// At most `max` entries (at least 1).
    #[must_use]
    pub fn max_exceptions(mut self, max: u32) -> Self {
        self.max_exceptions = Some(max);
        self
    }

    /// Only failures labelled `key: value` (several calls: all labels must match).
    #[must_use]
    pub fn failure_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.failure_label_filter.push((key.into(), value.into()));
        self
    }

    fn validate(&self) -> Result<(), ApiError> {
        if self.max_exceptions == Some(0) {
            return Err(ApiError::invalid(
                "maxExceptions",
                "0",
                format!(
                    "asking for the exceptions of job {} needs maxExceptions of at least 1; leave it out for Flink's default",
                    self.job
                ),
            ));
        }
        for (key, value) in &self.failure_label_filter {
            let text = format!("{key}:{value}");
            if key.is_empty() || value.is_empty() {
                return Err(ApiError::invalid(
                    "failure label filter",
                    &text,
                    "a failure label filter needs a non-empty key and value",
                ));
            }
            if key.contains(':') || text.contains(',') {
                return Err(ApiError::invalid(
                    "failure label filter",
                    &text,
                    "Flink splits the filter on `,` and `:`, so a key cannot contain `:` and neither key nor value can contain `,`",
                ));
            }
        }
        Ok(())
    }
}

impl Endpoint for GetJobExceptions {
    const NAME: &'static str = "jobs.exceptions";
    const VERSION_DEPENDENT: bool = true;

    /// Failure labels came with Flink 1.18; older versions ignore the filter and would answer
    /// every failure as if it matched.
    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        if self.failure_label_filter.is_empty() {
            return Ok(());
        }
        version.require(
            1,
            18,
            "filtering job exceptions by failure label (`failureLabelFilter`)",
        )
    }

    fn path(&self) -> String {
        format!("{}/exceptions", job_path(&self.job))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(max) = self.max_exceptions {
            query.push(("maxExceptions", max.to_string()));
        }
        if !self.failure_label_filter.is_empty() {
            let filter: Vec<String> = self
                .failure_label_filter
                .iter()
                .map(|(key, value)| format!("{key}:{value}"))
                .collect();
            query.push(("failureLabelFilter", filter.join(",")));
        }
        query
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, ApiError> {
        self.validate()?;
        Ok(None)
    }
}

impl JsonEndpoint for GetJobExceptions {
    type Output = JobExceptionsInfoWithHistory;
}

/// `GET /jobs/:jobid/accumulators`: the job's user accumulators.
#[derive(Clone, Debug)]
pub struct GetJobAccumulators {
    /// Which job.
    pub job: JobId,
    /// Also return each accumulator in Java serialization (base64), for JVM clients.
    pub include_serialized_value: bool,
}

impl Endpoint for GetJobAccumulators {
    const NAME: &'static str = "jobs.accumulators";

    fn path(&self) -> String {
        format!("{}/accumulators", job_path(&self.job))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        if self.include_serialized_value {
            vec![("includeSerializedValue", "true".to_owned())]
        } else {
            Vec::new()
        }
    }
}

impl JsonEndpoint for GetJobAccumulators {
    type Output = JobAccumulatorsInfo;
}
