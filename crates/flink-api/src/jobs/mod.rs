//! Job endpoints: list, overview, details, status, config, exceptions, plan, accumulators,
//! execution result, per-job JobManager information, resource requirements, cancel, client
//! heartbeat, coordination requests, legacy rescaling; and checkpoints and savepoints.

pub mod checkpoints;
mod control;
mod info;
pub mod legacy;
pub mod metrics;
pub mod rescales;
pub mod savepoints;
pub mod submission;
pub mod subtasks;
pub mod vertices;

use std::future::Future;

pub use control::{
    CancelJob, CancelMode, CoordinateOperator, GetResourceRequirements, JobClientHeartbeat,
    OperatorUid, RescalingStatus, SetResourceRequirements, TriggerRescaling,
    needs_adaptive_scheduler,
};
pub use info::{
    GetJob, GetJobAccumulators, GetJobConfig, GetJobExceptions, GetJobExecutionResult,
    GetJobJobManagerConfig, GetJobJobManagerEnvironment, GetJobJobManagerLogUrl, GetJobPlan,
    GetJobStatus, GetJobTaskManagerLogUrl, GetJobsOverview, ListJobs,
};

use crate::endpoint::Execute;
use crate::{ApiError, JobId, TaskManagerId, TriggerId};
use flink_models::common::{
    AsyncOperationResult, ConfigurationEntry, Empty, OperationOutcome, TriggerResponse,
};
use flink_models::jobmanager::EnvironmentInfo;
use flink_models::jobs::config::{JobConfigInfo, LogUrlResponse};
use flink_models::jobs::coordination::{ClientCoordinationRequest, ClientCoordinationResponse};
use flink_models::jobs::details::JobDetailsInfo;
use flink_models::jobs::exceptions::JobExceptionsInfoWithHistory;
use flink_models::jobs::overview::MultipleJobsDetails;
use flink_models::jobs::plan::JobPlanInfo;
use flink_models::jobs::resources::JobResourceRequirements;
use flink_models::jobs::result::{JobAccumulatorsInfo, JobExecutionResultResponseBody};
use flink_models::jobs::state::{JobIdsWithStatus, JobStatusInfo};

/// Job calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait JobsApi: Execute + Sync {
    /// `GET /jobs`: the id and state of every job.
    fn jobs(&self) -> impl Future<Output = Result<JobIdsWithStatus, ApiError>> + Send {
        self.execute(ListJobs)
    }

    /// `GET /jobs/overview`.
    fn jobs_overview(&self) -> impl Future<Output = Result<MultipleJobsDetails, ApiError>> + Send {
        self.execute(GetJobsOverview)
    }

    /// `GET /jobs/:jobid`.
    fn job(&self, job: JobId) -> impl Future<Output = Result<JobDetailsInfo, ApiError>> + Send {
        self.execute(GetJob { job })
    }

    /// `GET /jobs/:jobid/status`.
    fn job_status(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<JobStatusInfo, ApiError>> + Send {
        self.execute(GetJobStatus { job })
    }

    /// `GET /jobs/:jobid/config`.
    fn job_config(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<JobConfigInfo, ApiError>> + Send {
        self.execute(GetJobConfig { job })
    }

    /// `GET /jobs/:jobid/exceptions[?maxExceptions=N]`; run [`GetJobExceptions`] for label
    /// filters.
    fn job_exceptions(
        &self,
        job: JobId,
        max_exceptions: Option<u32>,
    ) -> impl Future<Output = Result<JobExceptionsInfoWithHistory, ApiError>> + Send {
        self.execute(GetJobExceptions {
            max_exceptions,
            ..GetJobExceptions::new(job)
        })
    }

    /// `GET /jobs/:jobid/plan`.
    fn job_plan(&self, job: JobId) -> impl Future<Output = Result<JobPlanInfo, ApiError>> + Send {
        self.execute(GetJobPlan { job })
    }

    /// `GET /jobs/:jobid/accumulators[?includeSerializedValue=true]`.
    fn job_accumulators(
        &self,
        job: JobId,
        include_serialized_value: bool,
    ) -> impl Future<Output = Result<JobAccumulatorsInfo, ApiError>> + Send {
        self.execute(GetJobAccumulators {
            job,
            include_serialized_value,
        })
    }

    /// `GET /jobs/:jobid/execution-result`: `IN_PROGRESS`, or how the job ended.
    fn job_execution_result(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<JobExecutionResultResponseBody, ApiError>> + Send {
        self.execute(GetJobExecutionResult { job })
    }

    /// `GET /jobs/:jobid/jobmanager/config`.
    fn job_jobmanager_config(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<Vec<ConfigurationEntry>, ApiError>> + Send {
        self.execute(GetJobJobManagerConfig { job })
    }

    /// `GET /jobs/:jobid/jobmanager/environment`.
    fn job_jobmanager_environment(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<EnvironmentInfo, ApiError>> + Send {
        self.execute(GetJobJobManagerEnvironment { job })
    }

    /// `GET /jobs/:jobid/jobmanager/log-url`.
    fn job_jobmanager_log_url(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<LogUrlResponse, ApiError>> + Send {
        self.execute(GetJobJobManagerLogUrl { job })
    }

    /// `GET /jobs/:jobid/taskmanagers/:taskmanagerid/log-url`.
    fn job_taskmanager_log_url(
        &self,
        job: JobId,
        taskmanager: TaskManagerId,
    ) -> impl Future<Output = Result<LogUrlResponse, ApiError>> + Send {
        self.execute(GetJobTaskManagerLogUrl { job, taskmanager })
    }

    /// `GET /jobs/:jobid/resource-requirements` (adaptive scheduler only; see
    /// [`needs_adaptive_scheduler`]).
    fn job_resource_requirements(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<JobResourceRequirements, ApiError>> + Send {
        self.execute(GetResourceRequirements { job })
    }

    /// `PUT /jobs/:jobid/resource-requirements`: rescales the job (adaptive scheduler only).
    fn set_job_resource_requirements(
        &self,
        job: JobId,
        requirements: JobResourceRequirements,
    ) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(SetResourceRequirements { job, requirements })
    }

    /// `PATCH /jobs/:jobid?mode=cancel`: asks Flink to cancel the job; it answers at once, with
    /// a conflict (409) when the job has already finished or failed.
    fn cancel_job(&self, job: JobId) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(CancelJob::new(job))
    }

    /// `GET /jobs/:jobid/yarn-cancel`: the legacy cancel of old YARN clients; prefer
    /// [`JobsApi::cancel_job`].
    fn yarn_cancel_job(&self, job: JobId) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(legacy::YarnCancelJob { job })
    }

    /// `GET /jobs/:jobid/yarn-stop`: removed by Flink, always [`ApiError::Disabled`]; stop with
    /// a savepoint instead.
    fn yarn_stop_job(&self, job: JobId) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(legacy::YarnStopJob { job })
    }

    /// `PATCH /jobs/:jobid/clientHeartbeat`: the client is alive until `expired_timestamp`
    /// (milliseconds since the epoch).
    fn job_client_heartbeat(
        &self,
        job: JobId,
        expired_timestamp: i64,
    ) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(JobClientHeartbeat::new(job, expired_timestamp))
    }

    /// `POST /jobs/:jobid/coordinators/:operatorUid`.
    fn coordinate_operator(
        &self,
        job: JobId,
        operator: OperatorUid,
        request: ClientCoordinationRequest,
    ) -> impl Future<Output = Result<ClientCoordinationResponse, ApiError>> + Send {
        self.execute(CoordinateOperator {
            job,
            operator,
            request,
        })
    }

    /// `PATCH /jobs/:jobid/rescaling?parallelism=N`: disabled in Flink, always
    /// [`ApiError::Disabled`]; use [`JobsApi::set_job_resource_requirements`].
    fn trigger_rescaling(
        &self,
        job: JobId,
        parallelism: u32,
    ) -> impl Future<Output = Result<TriggerResponse, ApiError>> + Send {
        self.execute(TriggerRescaling { job, parallelism })
    }

    /// `GET /jobs/:jobid/rescaling/:triggerid`: disabled in Flink like
    /// [`JobsApi::trigger_rescaling`].
    fn rescaling_status(
        &self,
        job: JobId,
        trigger: TriggerId,
    ) -> impl Future<Output = Result<AsyncOperationResult<OperationOutcome>, ApiError>> + Send {
        self.execute(RescalingStatus { job, trigger })
    }
}

impl<T: Execute + Sync + ?Sized> JobsApi for T {}

#[cfg(test)]
mod tests;
