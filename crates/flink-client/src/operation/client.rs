//! The asynchronous operations as methods of [`FlinkClient`]: trigger one and get its
//! [`Operation`] handle.

use flink_api::cluster::DeleteDataSet;
use flink_api::jobs::checkpoints::TriggerCheckpoint;
use flink_api::jobs::savepoints::{self as savepoint_api, DisposeSavepoint, TriggerSavepoint};
use flink_api::{ApiError, DataSetId, Execute, JobId, JsonEndpoint, TriggerId};
use flink_models::common::TriggerResponse;
use flink_models::jobs::checkpoints::CheckpointType;

use super::{
    Checkpoint, DataSetDeletion, Operation, OperationKind, Savepoint, SavepointDisposal,
    SavepointOptions, StopOptions, StopWithSavepoint,
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

/// Triggers: the asynchronous operations as [`Operation`] handles.
impl FlinkClient {
    /// Triggers a savepoint of `job` with a generated trigger id (so a resent trigger never
    /// takes a second savepoint) and returns its handle; `wait` on it for the location.
    pub async fn trigger_savepoint(
        &self,
        job: JobId,
        options: SavepointOptions,
    ) -> Result<Operation<Savepoint>, ApiError> {
        let trigger = TriggerId::generate();
        let endpoint = TriggerSavepoint {
            job: job.clone(),
            target_directory: options.target_directory,
            cancel_job: options.cancel_job,
            format: options.format,
            trigger: Some(trigger.clone()),
        };
        self.start(job, endpoint, Some(trigger)).await
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
        let endpoint = savepoint_api::StopWithSavepoint {
            job: job.clone(),
            target_directory: options.target_directory,
            drain: options.drain,
            format: options.format,
            trigger: Some(trigger.clone()),
        };
        self.start(job, endpoint, Some(trigger)).await
    }

    /// Triggers a checkpoint of `job` now (Flink 1.17 or newer), with a generated trigger id;
    /// `wait` on the handle for the checkpoint's id.
    pub async fn trigger_checkpoint(
        &self,
        job: JobId,
        checkpoint_type: CheckpointType,
    ) -> Result<Operation<Checkpoint>, ApiError> {
        let trigger = TriggerId::generate();
        let endpoint = TriggerCheckpoint {
            job: job.clone(),
            checkpoint_type,
            trigger: Some(trigger.clone()),
        };
        self.start(job, endpoint, Some(trigger)).await
    }

    /// Starts deleting the savepoint at `location` (a [`SavepointLocation`] or its text);
    /// `wait` on the handle to learn whether it worked. Flink chooses this trigger id.
    ///
    /// [`SavepointLocation`]: super::SavepointLocation
    pub async fn dispose_savepoint(
        &self,
        location: impl Into<String>,
    ) -> Result<Operation<SavepointDisposal>, ApiError> {
        let endpoint = DisposeSavepoint {
            path: location.into(),
        };
        self.start((), endpoint, None).await
    }

    /// Starts deleting a cluster dataset and returns the handle to wait on. Flink chooses this
    /// trigger id.
    pub async fn delete_dataset_operation(
        &self,
        dataset: DataSetId,
    ) -> Result<Operation<DataSetDeletion>, ApiError> {
        self.start((), DeleteDataSet { dataset }, None).await
    }

    /// Sends the trigger request `endpoint` (carrying the trigger id `sent`, if any) and
    /// returns the handle of the operation it started on `target`.
    async fn start<K, E>(
        &self,
        target: K::Target,
        endpoint: E,
        sent: Option<TriggerId>,
    ) -> Result<Operation<K>, ApiError>
    where
        K: OperationKind,
        E: JsonEndpoint<Output = TriggerResponse> + Send + 'static,
    {
        let response = self.execute(endpoint).await?;
        let trigger = trigger_from(&response, sent)?;
        Ok(Operation::resume(self, target, trigger))
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
