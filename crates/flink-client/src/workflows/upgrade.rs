//! Upgrading a running job: stop it with a savepoint, then run the new jar from that savepoint.

use std::time::Duration;

use flink_api::{ApiError, JobId};
use flink_models::jobs::state::JobState;

use crate::FlinkClient;
use crate::operation::{SavepointLocation, StopOptions};
use crate::upload::open_jar;
use crate::workflows::{SubmitJar, SubmittedJar};

/// What [`FlinkClient::upgrade_with_savepoint`] did.
#[derive(Debug)]
#[non_exhaustive]
pub struct UpgradedJob {
    /// The job that was stopped.
    pub previous: JobId,
    /// The savepoint it was stopped with, which the new job restored from.
    pub savepoint: SavepointLocation,
    /// The state the previous job ended in (`FINISHED`, or `FAILED` when it failed after its
    /// savepoint was complete).
    pub previous_state: JobState,
    /// The new job and its jar.
    pub submitted: SubmittedJar,
}

/// How Flink's message for "the savepoint is done, but the job failed while stopping" starts.
const SAVEPOINT_CREATED: &str = "A savepoint has been created at: ";

/// The states a stopped job can end in.
const ENDED: [JobState; 3] = [JobState::Finished, JobState::Failed, JobState::Canceled];

impl FlinkClient {
    /// Upgrades a running job: stops it with a savepoint, waits until it has ended, and submits
    /// the new jar restoring from that savepoint.
    ///
    /// The new submission is checked before the job is stopped, so a wrong jar path or a bad
    /// option never leaves the old job stopped without a successor. A job that failed while
    /// stopping *after* its savepoint was complete still counts: the savepoint is consistent
    /// and the new job restores from it. `timeout` bounds each wait (the savepoint, the end of
    /// the old job).
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use flink_client::prelude::*;
    ///
    /// # async fn run(client: FlinkClient, job: JobId) -> Result<(), ApiError> {
    /// let upgraded = client
    ///     .upgrade_with_savepoint(
    ///         &job,
    ///         StopOptions::new(),
    ///         SubmitJar::new("target/my-job-v2.jar").delete_jar_after(true),
    ///         Duration::from_secs(300),
    ///     )
    ///     .await?;
    /// println!("job {} replaced {} from {}", upgraded.submitted.job, job, upgraded.savepoint);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn upgrade_with_savepoint(
        &self,
        job: &JobId,
        stop: StopOptions,
        submit: SubmitJar,
        timeout: Duration,
    ) -> Result<UpgradedJob, ApiError> {
        submit.validate()?;
        open_jar(submit.path()).await?;
        let stopping = self.stop_with_savepoint(job.clone(), stop).await?;
        let savepoint = match stopping.wait(timeout).await {
            Ok(savepoint) => savepoint,
            Err(error) => match savepoint_of_failed_stop(&error) {
                Some(savepoint) => {
                    tracing::warn!(job = %job, %savepoint, "the job failed while stopping, after its savepoint was complete");
                    savepoint
                }
                None => return Err(error),
            },
        };
        let previous_state = self.wait_for_job_state(job, &ENDED, timeout).await?;
        let submitted = self
            .submit_jar(submit.from_savepoint(savepoint.as_str()))
            .await?;
        Ok(UpgradedJob {
            previous: job.clone(),
            savepoint,
            previous_state,
            submitted,
        })
    }
}

/// The savepoint a failed stop-with-savepoint did complete, if the failure says so.
///
/// Flink reports "the savepoint is done but the job then failed" as a failure whose message
/// starts `A savepoint has been created at: PATH, but the corresponding job … failed`.
fn savepoint_of_failed_stop(error: &ApiError) -> Option<SavepointLocation> {
    let ApiError::OperationFailed {
        message,
        stack_trace,
        ..
    } = error
    else {
        return None;
    };

    [Some(message.as_str()), stack_trace.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|text| {
            let rest = &text[text.find(SAVEPOINT_CREATED)? + SAVEPOINT_CREATED.len()..];
            let path = rest.split(", but ").next()?.trim();
            (!path.is_empty()).then(|| SavepointLocation::new(path))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(message: &str) -> ApiError {
        ApiError::OperationFailed {
            operation: "stop-with-savepoint of job x".to_owned(),
            class: Some(
                "org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException"
                    .to_owned(),
            ),
            message: message.to_owned(),
            stack_trace: None,
        }
    }

    #[test]
    fn a_savepoint_completed_before_the_job_failed_is_found() {
        let error = failed(
            "org.apache.flink.runtime.scheduler.stopwithsavepoint.StopWithSavepointStoppingException: A savepoint has been created at: file:/tmp/sp/savepoint-1a2b, but the corresponding job 00000000000000000000000000000001 failed during stopping. The savepoint is consistent, but might have uncommitted transactions.",
        );
        assert_eq!(
            savepoint_of_failed_stop(&error).map(|s| s.as_str().to_owned()),
            Some("file:/tmp/sp/savepoint-1a2b".to_owned())
        );
    }

    #[test]
    fn other_failures_have_no_savepoint() {
        assert!(savepoint_of_failed_stop(&failed("java.lang.IllegalStateException: no")).is_none());
        let timeout = ApiError::WaitTimedOut {
            what: "x".to_owned(),
            waited: Duration::from_secs(1),
            last_seen: "IN_PROGRESS".to_owned(),
            job: None,
            trigger: None,
        };
        assert!(savepoint_of_failed_stop(&timeout).is_none());
    }
}
