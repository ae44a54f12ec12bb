//! `GET /jobs/overview`: a summary of every job, with task counts.

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::jobs::state::JobState;
use crate::{Extra, Nullable};

string_enum! {
    /// Whether a job processes bounded or unbounded input.
    pub enum JobType {
        /// Bounded input, run in batch mode.
        Batch = "BATCH",
        /// Unbounded (or bounded, in streaming mode) input.
        Streaming = "STREAMING",
    }
}

string_enum! {
    /// Which scheduler runs a job (`jobmanager.scheduler`).
    pub enum SchedulerType {
        /// The default scheduler: fixed parallelism.
        Default = "Default",
        /// The adaptive scheduler: parallelism follows the available slots and the job's
        /// resource requirements.
        Adaptive = "Adaptive",
        /// The adaptive batch scheduler: decides parallelism per stage of a batch job.
        AdaptiveBatch = "AdaptiveBatch",
    }
}

/// `GET /jobs/overview`: every job the cluster knows, running or archived.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MultipleJobsDetails {
    /// The jobs.
    pub jobs: Vec<JobOverview>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One job of `GET /jobs/overview`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobOverview {
    /// The job's id (32 hexadecimal characters).
    pub jid: String,
    /// The job's name.
    pub name: String,
    /// Batch or streaming (Flink 2.x only).
    #[serde(rename = "jobType", default, skip_serializing_if = "Option::is_none")]
    pub job_type: Option<JobType>,
    /// The scheduler running it (Flink 2.x only; `null` for a job that failed before it was
    /// scheduled).
    #[serde(
        rename = "schedulerType",
        default,
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub scheduler_type: Nullable<SchedulerType>,
    /// When it was submitted, in milliseconds since the epoch.
    #[serde(rename = "start-time")]
    pub start_time: i64,
    /// When it ended, in milliseconds since the epoch; -1 while it runs.
    #[serde(rename = "end-time")]
    pub end_time: i64,
    /// How long it ran or has been running, in milliseconds.
    pub duration: i64,
    /// Its state.
    pub state: JobState,
    /// When its state or a task's state last changed, in milliseconds since the epoch.
    #[serde(rename = "last-modification")]
    pub last_modification: i64,
    /// How many of its tasks are in each state.
    pub tasks: TaskCounts,
    /// Operators not yet part of the running graph (Flink 2.x only; 0 unless the job graph is
    /// built step by step).
    #[serde(
        rename = "pending-operators",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pending_operators: Option<i32>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How many tasks of a job are in each state (the lower-case keys of `/jobs/overview`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCounts {
    /// All tasks.
    pub total: i32,
    /// Created, not yet scheduled.
    pub created: i32,
    /// Waiting for a slot.
    pub scheduled: i32,
    /// Being deployed.
    pub deploying: i32,
    /// Restoring state before running.
    pub initializing: i32,
    /// Running.
    pub running: i32,
    /// Finished.
    pub finished: i32,
    /// Being cancelled.
    pub canceling: i32,
    /// Cancelled.
    pub canceled: i32,
    /// Failed.
    pub failed: i32,
    /// Being recovered by a new JobManager.
    pub reconciling: i32,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    const TASKS: &str = r#"{"running":4,"canceling":0,"canceled":0,"total":4,"created":0,"scheduled":0,"deploying":0,"reconciling":0,"finished":0,"initializing":0,"failed":0}"#;

    #[test]
    fn overview_of_both_versions_decodes() {
        let v2 = format!(
            r#"{{"jobs":[{{"jid":"d7b2518b7cc9b04478ed2eb249c5b9a0","name":"probe","jobType":"STREAMING","schedulerType":"Default","start-time":1795441875922,"end-time":-1,"duration":4105,"state":"RUNNING","last-modification":1795441877165,"tasks":{TASKS},"pending-operators":0}}]}}"#
        );
        let overview: MultipleJobsDetails = serde_json::from_str(&v2).unwrap();
        let job = &overview.jobs[0];
        assert_eq!(job.job_type, Some(JobType::Streaming));
        assert_eq!(job.scheduler_type.value(), Some(&SchedulerType::Default));
        assert_eq!(job.tasks.running, 4);
        assert_eq!(job.pending_operators, Some(0));
        let encoded: serde_json::Value = serde_json::to_value(&overview).unwrap();
        assert_eq!(
            encoded,
            serde_json::from_str::<serde_json::Value>(&v2).unwrap()
        );

        let v1 = format!(
            r#"{{"jobs":[{{"jid":"d82f55b531ba4b14b12084365b53c7cb","name":"probe","start-time":1,"end-time":-1,"duration":3752,"state":"RUNNING","last-modification":2,"tasks":{TASKS}}}]}}"#
        );
        let overview: MultipleJobsDetails = serde_json::from_str(&v1).unwrap();
        assert_eq!(overview.jobs[0].job_type, None);
        assert_eq!(overview.jobs[0].pending_operators, None);
    }
}
