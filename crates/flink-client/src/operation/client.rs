//! The asynchronous operations as methods of [`FlinkClient`]: trigger one and get its
//! [`Operation`] handle, or wait for the next checkpoint.

use std::time::Duration;

use flink_api::cluster::DeleteDataSet;
use flink_api::jobs::checkpoints::{GetCheckpointingStatistics, TriggerCheckpoint};
use flink_api::jobs::savepoints::{self as savepoint_api, DisposeSavepoint, TriggerSavepoint};
use flink_api::{ApiError, DataSetId, Execute, JobId, TriggerId};
use flink_models::common::TriggerResponse;
use flink_models::jobs::checkpoints::{CheckpointStatistics, CheckpointType};
use tokio::time::Instant;

use super::{
    Checkpoint, DataSetDeletion, FIRST_POLL_INTERVAL, MAX_POLL_INTERVAL, Operation, Savepoint,
    SavepointDisposal, SavepointOptions, StopOptions, StopWithSavepoint,
};
use crate::FlinkClient;

/// The trigger id of an operation: Flink's answer, which echoes the id the client sent.
fn trigger_from(
    response: &TriggerResponse,
    sent: Option<TriggerId>,
) -> Result<TriggerId, ApiError> {
    match (response.request_id.parse::<TriggerId>(), sent) {
        (Ok(returned), Some(sent)) if returned != sent => {
            // Servers before Flink 1.15 ignore a client-chosen id; theirs is the one to poll.
            tracing::debug!(%sent, %returned, "Flink chose its own trigger id");
            Ok(returned)
        }
        (Ok(returned), _) => Ok(returned),
        (Err(_), Some(sent)) => Ok(sent),
        (Err(error), None) => Err(error),
    }
}

/// Triggers and waits: the asynchronous operations as [`Operation`] handles.
impl FlinkClient {
    /// Triggers a savepoint of `job` with a generated trigger id (so a resent trigger never
    /// takes a second savepoint) and returns its handle; `wait` on it for the location.
    pub async fn trigger_savepoint(
        &self,
        job: JobId,
        options: SavepointOptions,
    ) -> Result<Operation<Savepoint>, ApiError> {
        let trigger = TriggerId::generate();
        let response = self
            .execute(TriggerSavepoint {
                job: job.clone(),
                target_directory: options.target_directory,
                cancel_job: options.cancel_job,
                format: options.format,
                trigger: Some(trigger.clone()),
            })
            .await?;
        let trigger = trigger_from(&response, Some(trigger))?;
        Ok(Operation::resume(self, job, trigger))
    }

    /// Stops `job` with a savepoint (sources stop first, then the savepoint is taken and the
    /// job ends `FINISHED`), with a generated trigger id; `wait` on the handle for the
    /// location.
    pub async fn stop_with_savepoint(
        &self,
        job: JobId,
        options: StopOptions,
    ) -> Result<Operation<StopWithSavepoint>, ApiError> {
        let trigger = TriggerId::generate();
        let response = self
            .execute(savepoint_api::StopWithSavepoint {
                job: job.clone(),
                target_directory: options.target_directory,
                drain: options.drain,
                format: options.format,
                trigger: Some(trigger.clone()),
            })
            .await?;
        let trigger = trigger_from(&response, Some(trigger))?;
        Ok(Operation::resume(self, job, trigger))
    }

    /// Triggers a checkpoint of `job` now (Flink 1.17 or newer), with a generated trigger id;
    /// `wait` on the handle for the checkpoint's id.
    pub async fn trigger_checkpoint(
        &self,
        job: JobId,
        checkpoint_type: CheckpointType,
    ) -> Result<Operation<Checkpoint>, ApiError> {
        let trigger = TriggerId::generate();
        let response = self
            .execute(TriggerCheckpoint {
                job: job.clone(),
                checkpoint_type,
                trigger: Some(trigger.clone()),
            })
            .await?;
        let trigger = trigger_from(&response, Some(trigger))?;
        Ok(Operation::resume(self, job, trigger))
    }

    /// Starts deleting the savepoint at `location` (a [`SavepointLocation`] or its text);
    /// `wait` on the handle to learn whether it worked. Flink chooses this trigger id.
    ///
    /// [`SavepointLocation`]: super::SavepointLocation
    pub async fn dispose_savepoint(
        &self,
        location: impl Into<String>,
    ) -> Result<Operation<SavepointDisposal>, ApiError> {
        let response = self
            .execute(DisposeSavepoint {
                path: location.into(),
            })
            .await?;
        let trigger = trigger_from(&response, None)?;
        Ok(Operation::resume(self, (), trigger))
    }

    /// Starts deleting a cluster dataset and returns the handle to wait on. Flink chooses this
    /// trigger id.
    pub async fn delete_dataset_operation(
        &self,
        dataset: DataSetId,
    ) -> Result<Operation<DataSetDeletion>, ApiError> {
        let response = self.execute(DeleteDataSet { dataset }).await?;
        let trigger = trigger_from(&response, None)?;
        Ok(Operation::resume(self, (), trigger))
    }

    /// Waits until `job` completes a checkpoint newer than its latest completed one at the
    /// time of the call, and returns it; at most `timeout` in all.
    ///
    /// Reads `GET /jobs/:jobid/checkpoints` with the same backoff as [`Operation::wait`].
    /// Past the time limit the answer is [`ApiError::WaitTimedOut`] (is checkpointing enabled
    /// and the job running?).
    pub async fn wait_for_next_checkpoint(
        &self,
        job: JobId,
        timeout: Duration,
    ) -> Result<CheckpointStatistics, ApiError> {
        let started = Instant::now();
        let deadline = started + timeout;
        let stats = || self.execute(GetCheckpointingStatistics { job: job.clone() });
        let first = stats().await?;
        let baseline = first.latest.completed.as_ref().map(|c| c.id);
        let mut last_seen = describe_latest(baseline, first.counts.completed);
        let mut pause = FIRST_POLL_INTERVAL;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(ApiError::WaitTimedOut {
                    what: match baseline {
                        Some(id) => format!("a checkpoint of job {job} newer than checkpoint {id}"),
                        None => format!("the first completed checkpoint of job {job}"),
                    },
                    waited: now - started,
                    last_seen,
                });
            }
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(MAX_POLL_INTERVAL);
            let current = stats().await?;
            let latest_id = current.latest.completed.as_ref().map(|c| c.id);
            if let Some(latest) = current.latest.completed
                && baseline.is_none_or(|base| latest.id > base)
            {
                return Ok(latest);
            }
            last_seen = describe_latest(latest_id, current.counts.completed);
        }
    }
}

fn describe_latest(latest: Option<u64>, completed: i64) -> String {
    match latest {
        Some(id) => format!("latest completed checkpoint {id}, {completed} completed in all"),
        None => format!("no completed checkpoint yet, {completed} completed in all"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_returned_trigger_id_wins() {
        let sent = TriggerId::generate();
        let other = TriggerId::generate();
        let response = |id: &str| TriggerResponse {
            request_id: id.to_owned(),
            extra: flink_models::Extra::new(),
        };
        assert_eq!(
            trigger_from(&response(sent.as_str()), Some(sent.clone())).unwrap(),
            sent
        );
        assert_eq!(
            trigger_from(&response(other.as_str()), Some(sent.clone())).unwrap(),
            other
        );
        assert_eq!(
            trigger_from(&response("bad"), Some(sent.clone())).unwrap(),
            sent
        );
        assert!(trigger_from(&response("bad"), None).is_err());
    }
}
