//! The kinds of asynchronous operations: where each one's status is read and what its result
//! means.

use std::fmt;

use flink_api::cluster::DataSetDeleteStatus;
use flink_api::jobs::checkpoints::CheckpointStatus;
use flink_api::jobs::savepoints::{SavepointDisposalStatus, SavepointStatus};
use flink_api::{ApiError, JobId, JsonEndpoint, TriggerId, root_cause};
use flink_models::common::{AsyncOperationResult, FailureCause, OperationOutcome};
use flink_models::jobs::checkpoints::CheckpointTriggerOutcome;
use flink_models::jobs::savepoints::SavepointOutcome;

use super::SavepointLocation;

/// A kind of asynchronous operation: where its status is read and what its result means.
///
/// Implemented by [`Savepoint`], [`StopWithSavepoint`], [`Checkpoint`],
/// [`SavepointDisposal`] and [`DataSetDeletion`].
pub trait OperationKind: Sized + Send + Sync + 'static {
    /// What the operation belongs to: a [`JobId`], or `()` for cluster-wide operations.
    type Target: Clone + fmt::Debug + Send + Sync + 'static;
    /// The model of a completed operation in the status answer.
    type Outcome: Send + 'static;
    /// The status endpoint.
    type Status: JsonEndpoint<Output = AsyncOperationResult<Self::Outcome>> + Send + 'static;
    /// The typed result of a successful operation.
    type Output: Send;

    /// The status request for this target and trigger.
    fn status_endpoint(target: &Self::Target, trigger: &TriggerId) -> Self::Status;

    /// What the operation is, with its ids, for errors: `savepoint of job … (trigger …)`.
    fn describe(target: &Self::Target, trigger: &TriggerId) -> String;

    /// The job the operation belongs to, if it belongs to one.
    fn job(_target: &Self::Target) -> Option<&JobId> {
        None
    }

    /// The result of a completed operation, or [`ApiError::OperationFailed`] with Flink's
    /// cause. `operation` is [`OperationKind::describe`]'s text.
    fn complete(outcome: Self::Outcome, operation: &str) -> Result<Self::Output, ApiError>;
}

/// A savepoint of a running job (`POST /jobs/:jobid/savepoints`); its result is the
/// savepoint's location.
#[derive(Clone, Copy, Debug)]
pub struct Savepoint;

/// A stop-with-savepoint (`POST /jobs/:jobid/stop`); its result is the savepoint's location.
/// The job then ends `FINISHED`.
#[derive(Clone, Copy, Debug)]
pub struct StopWithSavepoint;

/// A manually triggered checkpoint (`POST /jobs/:jobid/checkpoints`); its result is the
/// checkpoint's id.
#[derive(Clone, Copy, Debug)]
pub struct Checkpoint;

/// The deletion of a savepoint's files (`POST /savepoint-disposal`).
#[derive(Clone, Copy, Debug)]
pub struct SavepointDisposal;

/// The deletion of a cluster dataset (`DELETE /datasets/:datasetid`).
#[derive(Clone, Copy, Debug)]
pub struct DataSetDeletion;

impl OperationKind for Savepoint {
    type Target = JobId;
    type Outcome = SavepointOutcome;
    type Status = SavepointStatus;
    type Output = SavepointLocation;

    fn status_endpoint(job: &JobId, trigger: &TriggerId) -> SavepointStatus {
        SavepointStatus {
            job: job.clone(),
            trigger: trigger.clone(),
        }
    }

    fn describe(job: &JobId, trigger: &TriggerId) -> String {
        format!("savepoint of job {job} (trigger {trigger})")
    }

    fn job(job: &JobId) -> Option<&JobId> {
        Some(job)
    }

    fn complete(outcome: SavepointOutcome, operation: &str) -> Result<SavepointLocation, ApiError> {
        savepoint_location(outcome, operation)
    }
}

impl OperationKind for StopWithSavepoint {
    type Target = JobId;
    type Outcome = SavepointOutcome;
    type Status = SavepointStatus;
    type Output = SavepointLocation;

    fn status_endpoint(job: &JobId, trigger: &TriggerId) -> SavepointStatus {
        Savepoint::status_endpoint(job, trigger)
    }

    fn describe(job: &JobId, trigger: &TriggerId) -> String {
        format!("stop-with-savepoint of job {job} (trigger {trigger})")
    }

    fn job(job: &JobId) -> Option<&JobId> {
        Some(job)
    }

    fn complete(outcome: SavepointOutcome, operation: &str) -> Result<SavepointLocation, ApiError> {
        savepoint_location(outcome, operation)
    }
}

impl OperationKind for Checkpoint {
    type Target = JobId;
    type Outcome = CheckpointTriggerOutcome;
    type Status = CheckpointStatus;
    type Output = u64;

    fn status_endpoint(job: &JobId, trigger: &TriggerId) -> CheckpointStatus {
        CheckpointStatus {
            job: job.clone(),
            trigger: trigger.clone(),
        }
    }

    fn describe(job: &JobId, trigger: &TriggerId) -> String {
        format!("checkpoint of job {job} (trigger {trigger})")
    }

    fn job(job: &JobId) -> Option<&JobId> {
        Some(job)
    }

    fn complete(outcome: CheckpointTriggerOutcome, operation: &str) -> Result<u64, ApiError> {
        match (outcome.failure_cause, outcome.checkpoint_id) {
            (Some(cause), _) => Err(failed(operation, cause)),
            (None, Some(id)) => Ok(id),
            (None, None) => Err(incomplete(operation, "checkpoint id")),
        }
    }
}

impl OperationKind for SavepointDisposal {
    type Target = ();
    type Outcome = OperationOutcome;
    type Status = SavepointDisposalStatus;
    type Output = ();

    fn status_endpoint((): &(), trigger: &TriggerId) -> SavepointDisposalStatus {
        SavepointDisposalStatus {
            trigger: trigger.clone(),
        }
    }

    fn describe((): &(), trigger: &TriggerId) -> String {
        format!("savepoint disposal (trigger {trigger})")
    }

    fn complete(outcome: OperationOutcome, operation: &str) -> Result<(), ApiError> {
        succeeded(outcome, operation)
    }
}

impl OperationKind for DataSetDeletion {
    type Target = ();
    type Outcome = OperationOutcome;
    type Status = DataSetDeleteStatus;
    type Output = ();

    fn status_endpoint((): &(), trigger: &TriggerId) -> DataSetDeleteStatus {
        DataSetDeleteStatus {
            trigger: trigger.clone(),
        }
    }

    fn describe((): &(), trigger: &TriggerId) -> String {
        format!("dataset deletion (trigger {trigger})")
    }

    fn complete(outcome: OperationOutcome, operation: &str) -> Result<(), ApiError> {
        succeeded(outcome, operation)
    }
}

fn savepoint_location(
    outcome: SavepointOutcome,
    operation: &str,
) -> Result<SavepointLocation, ApiError> {
    match (outcome.failure_cause, outcome.location) {
        (Some(cause), _) => Err(failed(operation, cause)),
        (None, Some(location)) => Ok(SavepointLocation::new(location)),
        (None, None) => Err(incomplete(operation, "location")),
    }
}

/// The result of an operation without one: `Ok` unless Flink sent a `failure-cause`.
fn succeeded(outcome: OperationOutcome, operation: &str) -> Result<(), ApiError> {
    outcome
        .failure_cause
        .map_or(Ok(()), |cause| Err(failed(operation, cause)))
}

/// The error of an operation that completed with Flink's `failure-cause`.
fn failed(operation: &str, cause: FailureCause) -> ApiError {
    let message = match (&cause.stack_trace, &cause.class) {
        (Some(stack), _) if !stack.trim().is_empty() => root_cause(stack),
        (_, Some(class)) => class.clone(),
        _ => "Flink sent no details about the failure".to_owned(),
    };
    ApiError::OperationFailed {
        operation: operation.to_owned(),
        class: cause.class,
        message,
        stack_trace: cause.stack_trace,
    }
}

/// The error of a completed operation whose answer lacks both its result and a failure.
pub(super) fn incomplete(operation: &str, missing: &str) -> ApiError {
    ApiError::OperationFailed {
        operation: operation.to_owned(),
        class: None,
        message: format!(
            "Flink reported it completed, but sent neither a {missing} nor a failure cause; check the JobManager log"
        ),
        stack_trace: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_carry_the_class_and_the_root_cause() {
        let cause = FailureCause {
            class: Some("java.util.concurrent.CompletionException".to_owned()),
            stack_trace: Some(
                "java.util.concurrent.CompletionException: wrapped\n\tat a.b(C.java:1)\nCaused by: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (ab)\n\t... 3 more".to_owned(),
            ),
            ..FailureCause::default()
        };
        match failed("savepoint of job ab (trigger cd)", cause) {
            ApiError::OperationFailed {
                operation,
                class,
                message,
                stack_trace,
            } => {
                assert_eq!(operation, "savepoint of job ab (trigger cd)");
                assert_eq!(
                    class.as_deref(),
                    Some("java.util.concurrent.CompletionException")
                );
                assert_eq!(
                    message,
                    "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (ab)"
                );
                assert!(stack_trace.unwrap().contains("at a.b"));
            }
            other => panic!("expected OperationFailed, got {other:?}"),
        }
    }
}
