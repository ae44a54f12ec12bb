//! `GET /jobs/:jobid/execution-result` and `GET /jobs/:jobid/accumulators`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Extra;
use crate::common::{FailureCause, QueueStatus};
use crate::enums::string_enum;

/// `GET /jobs/:jobid/execution-result`: `IN_PROGRESS` while the job runs, then its result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobExecutionResultResponseBody {
    /// `IN_PROGRESS` or `COMPLETED`.
    pub status: QueueStatus,
    /// The result, once the job has ended.
    #[serde(
        rename = "job-execution-result",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub job_execution_result: Option<JobExecutionResult>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// How a job ended, as its execution result reports it.
    pub enum ApplicationStatus {
        /// It finished.
        Succeeded = "SUCCEEDED",
        /// It failed; see the failure cause.
        Failed = "FAILED",
        /// It was cancelled.
        Canceled = "CANCELED",
        /// Flink does not know.
        UnknownStatus = "UNKNOWN",
    }
}

/// The result of an ended job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobExecutionResult {
    /// The job's id.
    pub id: String,
    /// The job's name (Flink 2.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How it ended. A failed job is reported here, inside a successful answer.
    #[serde(rename = "application-status")]
    pub application_status: ApplicationStatus,
    /// The final values of the job's accumulators, by name (serialized by Flink).
    #[serde(rename = "accumulator-results", default)]
    pub accumulator_results: BTreeMap<String, serde_json::Value>,
    /// How long it ran, in milliseconds.
    #[serde(rename = "net-runtime")]
    pub net_runtime: i64,
    /// Why it failed, when it did.
    #[serde(
        rename = "failure-cause",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub failure_cause: Option<FailureCause>,
    /// The application the job belongs to (Flink 2.x only).
    #[serde(
        rename = "application-id",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub application_id: Option<String>,
    /// When it was submitted, in milliseconds since the epoch (Flink 2.x only).
    #[serde(
        rename = "start-time",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<i64>,
    /// When it ended, in milliseconds since the epoch (Flink 2.x only).
    #[serde(rename = "end-time", default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobExecutionResult {
    /// Whether the job finished successfully.
    pub fn is_success(&self) -> bool {
        self.application_status == ApplicationStatus::Succeeded
    }
}

/// `GET /jobs/:jobid/accumulators`: the job's user accumulators.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobAccumulatorsInfo {
    /// Job-level accumulators (Flink sends an empty list).
    #[serde(rename = "job-accumulators", default)]
    pub job_accumulators: Vec<serde_json::Value>,
    /// The accumulators the job's code registered, as text.
    #[serde(rename = "user-task-accumulators", default)]
    pub user_task_accumulators: Vec<UserTaskAccumulator>,
    /// The same accumulators in Java serialization, base64-encoded (only with
    /// `includeSerializedValue=true`; of use to JVM clients only).
    #[serde(rename = "serialized-user-task-accumulators", default)]
    pub serialized_user_task_accumulators: BTreeMap<String, serde_json::Value>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One user accumulator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserTaskAccumulator {
    /// Its name.
    pub name: String,
    /// Its Java class.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its value, as text.
    pub value: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::OperationState;

    #[test]
    fn results_of_both_versions_decode() {
        let v2 = r#"{"status":{"id":"COMPLETED"},"job-execution-result":{"id":"bb83d91017f8047f9ca01822062d7479","name":"probe-bounded","application-status":"SUCCEEDED","accumulator-results":{},"net-runtime":661,"application-id":"bb83d91017f8047f9ca01822062d7479","start-time":1,"end-time":2}}"#;
        let body: JobExecutionResultResponseBody = serde_json::from_str(v2).unwrap();
        assert_eq!(body.status.id, OperationState::Completed);
        let result = body.job_execution_result.as_ref().unwrap();
        assert!(result.is_success());
        assert_eq!(result.end_time, Some(2));
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::from_str::<serde_json::Value>(v2).unwrap()
        );

        let failed_v1 = r#"{"status":{"id":"COMPLETED"},"job-execution-result":{"id":"892a6dcbaa4a9429879c62c101399ed3","application-status":"FAILED","accumulator-results":{},"net-runtime":586,"failure-cause":{"class":"org.apache.flink.runtime.JobException","stack-trace":"org.apache.flink.runtime.JobException: Recovery is suppressed","serialized-throwable":"rO0AB"}}}"#;
        let body: JobExecutionResultResponseBody = serde_json::from_str(failed_v1).unwrap();
        let result = body.job_execution_result.unwrap();
        assert_eq!(result.application_status, ApplicationStatus::Failed);
        assert!(result.name.is_none());
        assert_eq!(
            result.failure_cause.unwrap().class.as_deref(),
            Some("org.apache.flink.runtime.JobException")
        );

        let pending: JobExecutionResultResponseBody =
            serde_json::from_str(r#"{"status":{"id":"IN_PROGRESS"}}"#).unwrap();
        assert_eq!(pending.status.id, OperationState::InProgress);
        assert!(pending.job_execution_result.is_none());
    }

    #[test]
    fn accumulators_decode() {
        let json = r#"{"job-accumulators":[],"user-task-accumulators":[{"name":"records","type":"LongCounter","value":"20"}],"serialized-user-task-accumulators":{}}"#;
        let info: JobAccumulatorsInfo = serde_json::from_str(json).unwrap();
        assert_eq!(info.user_task_accumulators[0].kind, "LongCounter");
        assert_eq!(
            serde_json::to_value(&info).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
