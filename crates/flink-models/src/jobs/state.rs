//! Job and task states, `GET /jobs` and `GET /jobs/:jobid/status`.

use serde::{Deserialize, Serialize};

use crate::Extra;
use crate::enums::string_enum;

string_enum! {
    /// The state of a job, as Flink's `JobStatus` names it.
    pub enum JobState {
        /// Submitted; the JobManager is setting the job up.
        Initializing = "INITIALIZING",
        /// Set up, waiting for resources to be scheduled.
        Created = "CREATED",
        /// Running (some tasks may still be deploying).
        Running = "RUNNING",
        /// A task failed; the job is being failed.
        Failing = "FAILING",
        /// Failed for good: no restarts left. Final.
        Failed = "FAILED",
        /// Being cancelled.
        Cancelling = "CANCELLING",
        /// Cancelled. Final.
        Canceled = "CANCELED",
        /// Completed: every task finished (a bounded job, or stop-with-savepoint). Final.
        Finished = "FINISHED",
        /// Restarting after a failure.
        Restarting = "RESTARTING",
        /// Stopped on this JobManager without being finished (e.g. it lost leadership); another
        /// JobManager may pick the job up again.
        Suspended = "SUSPENDED",
        /// Being recovered by a new JobManager from running TaskManagers.
        Reconciling = "RECONCILING",
    }
}

impl JobState {
    /// Whether the job has stopped running on this JobManager: the globally terminal states
    /// plus [`JobState::Suspended`].
    pub fn is_terminal(&self) -> bool {
        self.is_globally_terminal() || *self == Self::Suspended
    }

    /// Whether the job is done for good and will never run again: `FINISHED`, `CANCELED` or
    /// `FAILED`.
    pub fn is_globally_terminal(&self) -> bool {
        matches!(self, Self::Finished | Self::Canceled | Self::Failed)
    }
}

string_enum! {
    /// The state of one task (one parallel instance of a vertex), as Flink's `ExecutionState`
    /// names it.
    pub enum ExecutionState {
        /// Created, not yet scheduled.
        Created = "CREATED",
        /// Waiting for a slot.
        Scheduled = "SCHEDULED",
        /// Being deployed to a TaskManager.
        Deploying = "DEPLOYING",
        /// Deployed and restoring its state before it runs.
        Initializing = "INITIALIZING",
        /// Running.
        Running = "RUNNING",
        /// Done: its input ended. Final.
        Finished = "FINISHED",
        /// Being cancelled.
        Canceling = "CANCELING",
        /// Cancelled. Final.
        Canceled = "CANCELED",
        /// Failed. Final.
        Failed = "FAILED",
        /// Being recovered by a new JobManager.
        Reconciling = "RECONCILING",
    }
}

impl ExecutionState {
    /// Whether the task has ended: `FINISHED`, `CANCELED` or `FAILED`.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Finished | Self::Canceled | Self::Failed)
    }
}

/// `GET /jobs/:jobid/status`: a job's current state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobStatusInfo {
    /// The state.
    pub status: JobState,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs`: the id and state of every job the cluster knows (running and archived).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobIdsWithStatus {
    /// The jobs.
    pub jobs: Vec<JobIdWithStatus>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One entry of `GET /jobs`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobIdWithStatus {
    /// The job's id (32 hexadecimal characters).
    pub id: String,
    /// Its state.
    pub status: JobState,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobIdsWithStatus {
    /// The state of the job with this id, if the cluster lists it.
    pub fn state_of(&self, job_id: &str) -> Option<&JobState> {
        self.jobs
            .iter()
            .find(|job| job.id.eq_ignore_ascii_case(job_id))
            .map(|job| &job.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_states() {
        let terminal = [JobState::Finished, JobState::Canceled, JobState::Failed];
        for state in &terminal {
            assert!(
                state.is_terminal() && state.is_globally_terminal(),
                "{state}"
            );
        }
        assert!(JobState::Suspended.is_terminal());
        assert!(!JobState::Suspended.is_globally_terminal());
        for state in [
            JobState::Initializing,
            JobState::Created,
            JobState::Running,
            JobState::Failing,
            JobState::Cancelling,
            JobState::Restarting,
            JobState::Reconciling,
            JobState::Unknown("NEW_STATE".to_owned()),
        ] {
            assert!(!state.is_terminal(), "{state}");
        }
        assert!(ExecutionState::Failed.is_terminal());
        assert!(!ExecutionState::Running.is_terminal());
    }

    #[test]
    fn job_list_and_status_decode_and_keep_unknown_states() {
        let list: JobIdsWithStatus = serde_json::from_str(
            r#"{"jobs":[{"id":"d7b2518b7cc9b04478ed2eb249c5b9a0","status":"RUNNING"},
                        {"id":"62567285e78a73ccb59bc47a4e9ff003","status":"SOMETHING_NEW"}]}"#,
        )
        .unwrap();
        assert_eq!(
            list.state_of("D7B2518B7CC9B04478ED2EB249C5B9A0"),
            Some(&JobState::Running)
        );
        assert_eq!(
            list.jobs[1].status,
            JobState::Unknown("SOMETHING_NEW".to_owned())
        );
        let status: JobStatusInfo = serde_json::from_str(r#"{"status":"CANCELED"}"#).unwrap();
        assert_eq!(status.status, JobState::Canceled);
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            r#"{"status":"CANCELED"}"#
        );
    }
}
