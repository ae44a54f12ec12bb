//! One handle for every asynchronous operation: trigger with a client-chosen id, poll, wait.
//!
//! Savepoints, stop-with-savepoint, checkpoints, savepoint disposal and dataset deletion all
//! work the same way in Flink: a trigger request answers with a trigger id, and a status
//! endpoint reports `IN_PROGRESS` until the operation has `COMPLETED` — successfully or not:
//! a failure arrives inside a successful answer. [`Operation`] hides that behind one handle:
//!
//! - [`Operation::status`] polls once: still running, or the typed result, or
//!   [`ApiError::OperationFailed`] with Flink's exception class and root cause;
//! - [`Operation::wait`] polls with backoff (10 ms, doubling up to 2 s) until the result or the
//!   time limit ([`ApiError::WaitTimedOut`]);
//! - a result Flink no longer keeps (it forgets them after `rest.async.store-duration`, five
//!   minutes by default) is [`ApiError::OperationExpired`];
//! - [`Operation::resume`] rebuilds a handle from a stored target and trigger id, so a caller
//!   can trigger now and collect the result later, from another process.
//!
//! Where Flink accepts one (savepoint, stop, checkpoint), the client generates the trigger id
//! and sends it, which makes the trigger idempotent: if the transport resends it after a
//! timeout or a 503, Flink recognises the id and no second savepoint is taken.
//!
//! ```no_run
//! use std::time::Duration;
//! use flink_client::operation::SavepointOptions;
//! use flink_client::prelude::*;
//!
//! # async fn run(client: FlinkClient, job: JobId) -> Result<(), ApiError> {
//! let savepoint = client
//!     .trigger_savepoint(job, SavepointOptions::new().target_directory("file:///savepoints"))
//!     .await?;
//! println!("trigger {} started", savepoint.trigger_id());
//! let location = savepoint.wait(Duration::from_secs(60)).await?;
//! println!("savepoint written to {location}");
//! # Ok(())
//! # }
//! ```

mod client;
mod kinds;
mod location;
mod options;

use std::fmt;
use std::time::Duration;

use flink_api::{ApiError, Execute, JobId, TriggerId};
use flink_models::common::OperationState;

use crate::FlinkClient;
use crate::wait::{Backoff, OPERATION_MAX_PAUSE, Poll, poll_until};
use kinds::incomplete;

pub use kinds::{
    Checkpoint, DataSetDeletion, OperationKind, Savepoint, SavepointDisposal, StopWithSavepoint,
};
pub use location::SavepointLocation;
pub use options::{SavepointOptions, StopOptions};

/// What one status poll found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum OperationStatus<T> {
    /// Flink is still working on it; poll again.
    InProgress,
    /// It completed successfully with this result.
    Completed(T),
}

impl<T> OperationStatus<T> {
    /// Whether the operation has completed.
    pub fn is_completed(&self) -> bool {
        matches!(self, Self::Completed(_))
    }

    /// The result, if the operation has completed.
    pub fn completed(self) -> Option<T> {
        match self {
            Self::Completed(result) => Some(result),
            Self::InProgress => None,
        }
    }
}

/// A handle to one asynchronous operation: its target (a job, or `()`), its trigger id and the
/// client to poll with.
///
/// Made by the trigger methods of [`FlinkClient`] ([`FlinkClient::trigger_savepoint`], …) or
/// rebuilt from stored ids with [`Operation::resume`]. Cheap to clone.
pub struct Operation<K: OperationKind> {
    client: FlinkClient,
    target: K::Target,
    trigger: TriggerId,
}

impl<K: OperationKind> Operation<K> {
    /// A handle to an operation triggered earlier (by this process or another one), from its
    /// target and trigger id — e.g. `Operation::<Savepoint>::resume(&client, job, trigger)`,
    /// or `Operation::<SavepointDisposal>::resume(&client, (), trigger)`.
    ///
    /// Nothing is sent; a trigger Flink does not know shows up as
    /// [`ApiError::OperationExpired`] on the first poll.
    pub fn resume(client: &FlinkClient, target: K::Target, trigger: TriggerId) -> Self {
        Self {
            client: client.clone(),
            target,
            trigger,
        }
    }

    /// The trigger id, to store for [`Operation::resume`].
    pub fn trigger_id(&self) -> &TriggerId {
        &self.trigger
    }

    /// What the operation belongs to: the job, or `()`.
    pub fn target(&self) -> &K::Target {
        &self.target
    }

    /// What the operation is, with its ids, as errors name it.
    pub fn description(&self) -> String {
        K::describe(&self.target, &self.trigger)
    }

    /// Polls the status once.
    ///
    /// A failure Flink reports is [`ApiError::OperationFailed`]; a trigger Flink does not know
    /// (any more) is [`ApiError::OperationExpired`].
    pub async fn status(&self) -> Result<OperationStatus<K::Output>, ApiError> {
        let answer = self
            .client
            .execute(K::status_endpoint(&self.target, &self.trigger))
            .await
            .map_err(|error| self.expired(error))?;
        match (answer.status.id, answer.operation.into_value()) {
            (OperationState::Completed, Some(outcome)) => {
                K::complete(outcome, &self.description()).map(OperationStatus::Completed)
            }
            (OperationState::Completed, None) => Err(incomplete(&self.description(), "result")),
            (OperationState::InProgress, _) => Ok(OperationStatus::InProgress),
            (state, _) => Err(ApiError::OperationFailed {
                operation: self.description(),
                class: None,
                message: format!(
                    "Flink reported the state `{state}`, which this client does not know; upgrade flink-rs"
                ),
                stack_trace: None,
            }),
        }
    }

    /// Polls until the operation completes, at most `timeout` in all.
    ///
    /// The first poll is immediate, then the pause doubles from 10 ms up to 2 s, with the
    /// backoff of the [job waits](crate::wait). Past the time limit the answer is
    /// [`ApiError::WaitTimedOut`] with the job and trigger ids: the operation itself goes on
    /// in Flink and can be polled again (or resumed) later.
    pub async fn wait(&self, timeout: Duration) -> Result<K::Output, ApiError> {
        let polling = Self {
            client: self.client.polling(),
            ..self.clone()
        };
        let result = poll_until(
            || self.description(),
            Backoff::new(timeout, OPERATION_MAX_PAUSE),
            || async {
                Ok(match polling.status().await? {
                    OperationStatus::Completed(result) => Poll::Ready(result),
                    OperationStatus::InProgress => {
                        Poll::Pending(OperationState::InProgress.to_string())
                    }
                })
            },
        )
        .await;
        result.map_err(|error| match error {
            ApiError::WaitTimedOut {
                what,
                waited,
                last_seen,
                ..
            } => ApiError::WaitTimedOut {
                what,
                waited,
                last_seen,
                job: K::job(&self.target).cloned(),
                trigger: Some(self.trigger.clone()),
            },
            error => error,
        })
    }

    /// Names this operation in a 404 for its status (every status endpoint answers 404 for a
    /// trigger it does not know).
    fn expired(&self, error: ApiError) -> ApiError {
        match error {
            ApiError::OperationExpired { source, .. } => ApiError::OperationExpired {
                operation: self.description(),
                source,
            },
            error if error.status() == Some(http::StatusCode::NOT_FOUND) => {
                ApiError::OperationExpired {
                    operation: self.description(),
                    source: Box::new(error),
                }
            }
            error => error,
        }
    }
}

impl<K: OperationKind<Target = JobId>> Operation<K> {
    /// The job the operation belongs to.
    pub fn job_id(&self) -> &JobId {
        &self.target
    }
}

impl<K: OperationKind> Clone for Operation<K> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            target: self.target.clone(),
            trigger: self.trigger.clone(),
        }
    }
}

impl<K: OperationKind> fmt::Debug for Operation<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("kind", &std::any::type_name::<K>())
            .field("target", &self.target)
            .field("trigger", &self.trigger)
            .finish_non_exhaustive()
    }
}
