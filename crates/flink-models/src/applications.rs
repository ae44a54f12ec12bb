//! Applications (Flink 2.x): overview, details, exceptions.
//!
//! Since Flink 2.0 every job belongs to an application: a jar run with
//! `POST /jars/:jarid/run-application` is one application that may submit several jobs, and a
//! plain `POST /jars/:jarid/run` makes a single-job application whose id is the job's id.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Extra;
use crate::enums::string_enum;
use crate::jobs::overview::JobOverview;
use crate::jobs::state::JobState;

string_enum! {
    /// The state of an application, as Flink's `ApplicationState` names it.
    ///
    /// Note the spelling: an application is `CANCELING`, a job is `CANCELLING`.
    pub enum ApplicationState {
        /// Submitted, its program not yet running.
        Created = "CREATED",
        /// Its program runs or its jobs run.
        Running = "RUNNING",
        /// A job or the program failed; the application is being failed.
        Failing = "FAILING",
        /// Failed. Final.
        Failed = "FAILED",
        /// Being cancelled.
        Canceling = "CANCELING",
        /// Cancelled. Final.
        Canceled = "CANCELED",
        /// Its program returned and all its jobs finished. Final.
        Finished = "FINISHED",
    }
}

impl ApplicationState {
    /// Whether the application is done for good: `FINISHED`, `CANCELED` or `FAILED`.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Finished | Self::Canceled | Self::Failed)
    }
}

/// `GET /applications/overview`: every application the cluster knows, running or done.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MultipleApplicationsDetails {
    /// The applications.
    pub applications: Vec<ApplicationOverview>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One application of `GET /applications/overview`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationOverview {
    /// The application's id (32 hexadecimal characters).
    pub id: String,
    /// Its name: the entry class, or `SingleJobApplication(<job name>)` for a plain jar run.
    pub name: String,
    /// When it was submitted, in milliseconds since the epoch.
    #[serde(rename = "start-time")]
    pub start_time: i64,
    /// When it ended, in milliseconds since the epoch; -1 while it runs.
    #[serde(rename = "end-time")]
    pub end_time: i64,
    /// How long it ran or has been running, in milliseconds.
    pub duration: i64,
    /// Its state.
    pub status: ApplicationState,
    /// How many of its jobs are in each state, keyed by the job state's wire name
    /// (`{"RUNNING": 1}`); see [`ApplicationOverview::jobs_in`].
    pub jobs: BTreeMap<String, i32>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ApplicationOverview {
    /// How many of the application's jobs are in `state`.
    pub fn jobs_in(&self, state: &JobState) -> i32 {
        self.jobs.get(state.as_str()).copied().unwrap_or(0)
    }
}

/// `GET /applications/:applicationid`: an application with its jobs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplicationDetailsInfo {
    /// The application's id (32 hexadecimal characters).
    pub id: String,
    /// Its name: the entry class, or `SingleJobApplication(<job name>)` for a plain jar run.
    pub name: String,
    /// Its state.
    pub status: ApplicationState,
    /// When it was submitted, in milliseconds since the epoch.
    #[serde(rename = "start-time")]
    pub start_time: i64,
    /// When it ended, in milliseconds since the epoch; -1 while it runs.
    #[serde(rename = "end-time")]
    pub end_time: i64,
    /// How long it ran or has been running, in milliseconds.
    pub duration: i64,
    /// When it entered each state (keyed by the state's wire name), in milliseconds since the
    /// epoch; 0 for states it has not been in.
    #[serde(default)]
    pub timestamps: BTreeMap<String, i64>,
    /// The jobs it submitted, in the shape of `GET /jobs/overview`.
    #[serde(default)]
    pub jobs: Vec<JobOverview>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ApplicationDetailsInfo {
    /// When the application entered `state`, in milliseconds since the epoch, if it has.
    pub fn entered(&self, state: &ApplicationState) -> Option<i64> {
        self.timestamps
            .get(state.as_str())
            .copied()
            .filter(|&time| time > 0)
    }
}

/// `GET /applications/:applicationid/exceptions`: the failures of an application.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationExceptionsInfoWithHistory {
    /// The failures, newest first.
    #[serde(rename = "exceptionHistory")]
    pub exception_history: ApplicationExceptionHistory,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ApplicationExceptionsInfoWithHistory {
    /// Whether any exception mentions `text` in its name or stack trace.
    pub fn mentions(&self, text: &str) -> bool {
        self.exception_history
            .entries
            .iter()
            .any(|e| e.exception_name.contains(text) || e.stacktrace.contains(text))
    }
}

/// The failures of an application.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationExceptionHistory {
    /// One entry per failure.
    pub entries: Vec<ApplicationExceptionInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One failure of an application: of one of its jobs, or of its program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationExceptionInfo {
    /// The exception's class name.
    pub exception_name: String,
    /// Its stack trace, message first.
    pub stacktrace: String,
    /// When it happened, in milliseconds since the epoch.
    pub timestamp: i64,
    /// The job that failed (32 hexadecimal characters); absent when the program itself failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOB: &str = r#"{"jid":"30e49f9de22c7b5ab4f9298f7f0e3328","name":"app-run","jobType":"STREAMING","schedulerType":"Default","start-time":1796164968942,"end-time":-1,"duration":6869,"state":"RUNNING","last-modification":1796164973746,"tasks":{"running":2,"canceling":0,"canceled":0,"total":2,"created":0,"scheduled":0,"deploying":0,"reconciling":0,"finished":0,"initializing":0,"failed":0},"pending-operators":0}"#;

    fn round_trip<T: serde::de::DeserializeOwned + Serialize>(json: &str) -> T {
        let model: T = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_value(&model).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
        model
    }

    #[test]
    fn overview_of_flink_2_3_decodes() {
        let overview: MultipleApplicationsDetails = round_trip(
            r#"{"applications":[{"id":"40d4eb3bc1a2da7676802dd0d2af46a3","name":"SingleJobApplication(flink-rs-testjob)","start-time":1796164963661,"end-time":-1,"duration":8085,"status":"RUNNING","jobs":{"RUNNING":1}},{"id":"62567285e78a73ccb59bc47a4e9ff003","name":"flinklocal.TestJob","start-time":1,"end-time":2,"duration":1,"status":"CANCELING","jobs":{"FAILED":1}}]}"#,
        );
        let first = &overview.applications[0];
        assert_eq!(first.status, ApplicationState::Running);
        assert_eq!(first.jobs_in(&JobState::Running), 1);
        assert_eq!(first.jobs_in(&JobState::Failed), 0);
        assert!(!first.status.is_terminal());
        assert_eq!(overview.applications[1].status, ApplicationState::Canceling);
    }

    #[test]
    fn details_of_flink_2_3_decode_with_their_jobs() {
        let json = format!(
            r#"{{"id":"1ca5e9b848052456f9fc5dab2381f594","name":"flinklocal.TestJob","status":"RUNNING","start-time":1796164968389,"end-time":-1,"duration":7420,"timestamps":{{"CREATED":1796164968361,"FAILING":0,"FAILED":0,"RUNNING":1796164968389,"CANCELED":0,"CANCELING":0,"FINISHED":0}},"jobs":[{JOB}]}}"#
        );
        let details: ApplicationDetailsInfo = round_trip(&json);
        assert_eq!(details.jobs[0].name, "app-run");
        assert_eq!(details.jobs[0].state, JobState::Running);
        assert_eq!(
            details.entered(&ApplicationState::Running),
            Some(1_796_164_968_389)
        );
        assert_eq!(details.entered(&ApplicationState::Finished), None);
    }

    #[test]
    fn exceptions_decode_with_and_without_a_job() {
        let info: ApplicationExceptionsInfoWithHistory = round_trip(
            r#"{"exceptionHistory":{"entries":[{"exceptionName":"java.lang.RuntimeException","stacktrace":"java.lang.RuntimeException: intentional failure at record 5","timestamp":1796165000000,"jobId":"30e49f9de22c7b5ab4f9298f7f0e3328"},{"exceptionName":"org.apache.flink.util.FlinkException","stacktrace":"x","timestamp":1}]}}"#,
        );
        let entries = &info.exception_history.entries;
        assert_eq!(
            entries[0].job_id.as_deref(),
            Some("30e49f9de22c7b5ab4f9298f7f0e3328")
        );
        assert_eq!(entries[1].job_id, None);
        assert!(info.mentions("intentional failure"));
        let empty: ApplicationExceptionsInfoWithHistory =
            round_trip(r#"{"exceptionHistory":{"entries":[]}}"#);
        assert!(!empty.mentions(""));
    }

    #[test]
    fn unknown_states_are_kept() {
        let state: ApplicationState = serde_json::from_str(r#""SUSPENDED""#).unwrap();
        assert_eq!(state, ApplicationState::Unknown("SUSPENDED".to_owned()));
        assert!(!state.is_terminal());
        assert!(ApplicationState::Canceled.is_terminal());
    }
}
