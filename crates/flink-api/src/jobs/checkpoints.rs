//! Checkpoint endpoints: statistics, config, details, subtask details, trigger and status.

use std::future::Future;

use http::Method;

use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::jobs::savepoints::expired_on_not_found;
use crate::{ApiError, JobId, TriggerId, VertexId, json_body};
use flink_models::Extra;
use flink_models::common::{AsyncOperationResult, TriggerResponse};
use flink_models::jobs::checkpoints::{
    CheckpointConfigInfo, CheckpointStatistics, CheckpointTriggerOutcome, CheckpointTriggerRequest,
    CheckpointType, CheckpointingStatistics, TaskCheckpointStatisticsWithSubtaskDetails,
};

/// `GET /jobs/:jobid/checkpoints`: counts, statistics, latest checkpoints and history.
#[derive(Clone, Debug)]
pub struct GetCheckpointingStatistics {
    /// The job.
    pub job: JobId,
}

impl Endpoint for GetCheckpointingStatistics {
    const NAME: &'static str = "jobs.checkpoints";

    fn path(&self) -> String {
        format!("/jobs/{}/checkpoints", encode_segment(self.job.as_str()))
    }
}

impl JsonEndpoint for GetCheckpointingStatistics {
    type Output = CheckpointingStatistics;
}

/// `GET /jobs/:jobid/checkpoints/config`: the job's checkpointing configuration.
#[derive(Clone, Debug)]
pub struct GetCheckpointConfig {
    /// The job.
    pub job: JobId,
}

impl Endpoint for GetCheckpointConfig {
    const NAME: &'static str = "jobs.checkpoints.config";

    fn path(&self) -> String {
        format!(
            "/jobs/{}/checkpoints/config",
            encode_segment(self.job.as_str())
        )
    }
}

impl JsonEndpoint for GetCheckpointConfig {
    type Output = CheckpointConfigInfo;
}

/// `GET /jobs/:jobid/checkpoints/details/:checkpointid`: one checkpoint, with per-vertex
/// statistics. Flink answers 404 for a checkpoint it no longer keeps in its history.
#[derive(Clone, Debug)]
pub struct GetCheckpointDetails {
    /// The job.
    pub job: JobId,
    /// The checkpoint's id.
    pub checkpoint: u64,
}

impl Endpoint for GetCheckpointDetails {
    const NAME: &'static str = "jobs.checkpoints.details";

    fn path(&self) -> String {
        format!(
            "/jobs/{}/checkpoints/details/{}",
            encode_segment(self.job.as_str()),
            self.checkpoint
        )
    }
}

impl JsonEndpoint for GetCheckpointDetails {
    type Output = CheckpointStatistics;
}

/// `GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid`: one vertex's part
/// of a checkpoint, subtask by subtask.
#[derive(Clone, Debug)]
pub struct GetTaskCheckpointDetails {
    /// The job.
    pub job: JobId,
    /// The checkpoint's id.
    pub checkpoint: u64,
    /// The vertex.
    pub vertex: VertexId,
}

impl Endpoint for GetTaskCheckpointDetails {
    const NAME: &'static str = "jobs.checkpoints.subtasks";

    fn path(&self) -> String {
        format!(
            "/jobs/{}/checkpoints/details/{}/subtasks/{}",
            encode_segment(self.job.as_str()),
            self.checkpoint,
            encode_segment(self.vertex.as_str())
        )
    }
}

impl JsonEndpoint for GetTaskCheckpointDetails {
    type Output = TaskCheckpointStatisticsWithSubtaskDetails;
}

/// `POST /jobs/:jobid/checkpoints`: triggers a checkpoint now; poll [`CheckpointStatus`].
///
/// Flink has this endpoint since 1.17; on older servers it is refused before sending.
#[derive(Clone, Debug)]
pub struct TriggerCheckpoint {
    /// The job.
    pub job: JobId,
    /// What the checkpoint writes.
    pub checkpoint_type: CheckpointType,
    /// A client-chosen trigger id, which makes the trigger safe to resend.
    pub trigger: Option<TriggerId>,
}

impl TriggerCheckpoint {
    /// A checkpoint of `job` of `checkpoint_type`, with a freshly generated trigger id.
    pub fn new(job: JobId, checkpoint_type: CheckpointType) -> Self {
        Self {
            job,
            checkpoint_type,
            trigger: Some(TriggerId::generate()),
        }
    }
}

impl Endpoint for TriggerCheckpoint {
    const NAME: &'static str = "jobs.checkpoints.trigger";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!("/jobs/{}/checkpoints", encode_segment(self.job.as_str()))
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, ApiError> {
        if let CheckpointType::Unknown(other) = &self.checkpoint_type {
            return Err(ApiError::invalid(
                "checkpoint type",
                other,
                "a checkpoint type is CONFIGURED, FULL or INCREMENTAL",
            ));
        }
        json_body(&CheckpointTriggerRequest {
            checkpoint_type: self.checkpoint_type.clone(),
            trigger_id: self.trigger.as_ref().map(|t| t.as_str().to_owned()),
            extra: Extra::new(),
        })
    }

    /// Idempotent when it carries a trigger id: Flink recognises the resent trigger.
    fn idempotent(&self) -> bool {
        self.trigger.is_some()
    }

    const ADDED_IN: Option<(u16, u16)> = Some((1, 17));
}

impl JsonEndpoint for TriggerCheckpoint {
    type Output = TriggerResponse;
}

/// `GET /jobs/:jobid/checkpoints/:triggerid`: the state of a triggered checkpoint. A trigger
/// Flink does not know (any more) is [`ApiError::OperationExpired`].
#[derive(Clone, Debug)]
pub struct CheckpointStatus {
    /// The job.
    pub job: JobId,
    /// The trigger id of the checkpoint.
    pub trigger: TriggerId,
}

impl Endpoint for CheckpointStatus {
    const NAME: &'static str = "jobs.checkpoints.status";
    const ADDED_IN: Option<(u16, u16)> = Some((1, 17));

    fn path(&self) -> String {
        format!(
            "/jobs/{}/checkpoints/{}",
            encode_segment(self.job.as_str()),
            encode_segment(self.trigger.as_str())
        )
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        expired_on_not_found(
            error,
            format!("checkpoint of job {} (trigger {})", self.job, self.trigger),
        )
    }
}

impl JsonEndpoint for CheckpointStatus {
    type Output = AsyncOperationResult<CheckpointTriggerOutcome>;
}

/// Checkpoint calls. Implemented for every [`Execute`]; bring it into scope to call them.
///
/// `flink_client::FlinkClient` adds `trigger_checkpoint`, a handle that waits for the
/// checkpoint's id, and `wait_for_next_checkpoint`.
pub trait CheckpointsApi: Execute + Sync {
    /// `GET /jobs/:jobid/checkpoints`.
    fn checkpoints(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<CheckpointingStatistics, ApiError>> + Send {
        self.execute(GetCheckpointingStatistics { job })
    }

    /// `GET /jobs/:jobid/checkpoints/config`.
    fn checkpoint_config(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<CheckpointConfigInfo, ApiError>> + Send {
        self.execute(GetCheckpointConfig { job })
    }

    /// `GET /jobs/:jobid/checkpoints/details/:checkpointid`.
    fn checkpoint_details(
        &self,
        job: JobId,
        checkpoint: u64,
    ) -> impl Future<Output = Result<CheckpointStatistics, ApiError>> + Send {
        self.execute(GetCheckpointDetails { job, checkpoint })
    }

    /// `GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid`.
    fn checkpoint_subtask_details(
        &self,
        job: JobId,
        checkpoint: u64,
        vertex: VertexId,
    ) -> impl Future<Output = Result<TaskCheckpointStatisticsWithSubtaskDetails, ApiError>> + Send
    {
        self.execute(GetTaskCheckpointDetails {
            job,
            checkpoint,
            vertex,
        })
    }

    /// `POST /jobs/:jobid/checkpoints`: sends the trigger and returns Flink's trigger id.
    fn request_checkpoint(
        &self,
        trigger: TriggerCheckpoint,
    ) -> impl Future<Output = Result<TriggerResponse, ApiError>> + Send {
        self.execute(trigger)
    }

    /// `GET /jobs/:jobid/checkpoints/:triggerid`.
    fn checkpoint_status(
        &self,
        job: JobId,
        trigger: TriggerId,
    ) -> impl Future<Output = Result<AsyncOperationResult<CheckpointTriggerOutcome>, ApiError>> + Send
    {
        self.execute(CheckpointStatus { job, trigger })
    }
}

impl<T: Execute + Sync + ?Sized> CheckpointsApi for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FlinkVersion, build_for_newest, decode_response};
    use http::StatusCode;

    const JOB: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    const TRIGGER: &str = "0123456789abcdef0123456789abcdef";
    const VERTEX: &str = "5b61d6019ab04da71a4e62533c1a8c40";

    fn job() -> JobId {
        JOB.parse().unwrap()
    }

    #[test]
    fn read_requests() {
        let vertex: VertexId = VERTEX.parse().unwrap();
        let cases: Vec<(http::Request<bytes::Bytes>, &str)> = vec![
            (
                build_for_newest(&GetCheckpointingStatistics { job: job() }).unwrap(),
                "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/checkpoints",
            ),
            (
                build_for_newest(&GetCheckpointConfig { job: job() }).unwrap(),
                "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/checkpoints/config",
            ),
            (
                build_for_newest(&GetCheckpointDetails {
                    job: job(),
                    checkpoint: 42,
                })
                .unwrap(),
                "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/checkpoints/details/42",
            ),
            (
                build_for_newest(&GetTaskCheckpointDetails {
                    job: job(),
                    checkpoint: 42,
                    vertex,
                })
                .unwrap(),
                "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/checkpoints/details/42/subtasks/5b61d6019ab04da71a4e62533c1a8c40",
            ),
            (
                build_for_newest(&CheckpointStatus {
                    job: job(),
                    trigger: TRIGGER.parse().unwrap(),
                })
                .unwrap(),
                "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/checkpoints/0123456789abcdef0123456789abcdef",
            ),
        ];
        for (request, path) in cases {
            assert_eq!(request.method(), Method::GET);
            assert_eq!(request.uri(), path);
            assert!(request.body().is_empty());
        }
    }

    #[test]
    fn trigger_sends_the_type_and_the_trigger_id() {
        let endpoint = TriggerCheckpoint {
            trigger: Some(TRIGGER.parse().unwrap()),
            ..TriggerCheckpoint::new(job(), CheckpointType::Incremental)
        };
        let request = build_for_newest(&endpoint).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri(),
            "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/checkpoints"
        );
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"checkpointType": "INCREMENTAL", "triggerId": TRIGGER})
        );
        assert!(endpoint.idempotent());
        assert!(
            !TriggerCheckpoint {
                trigger: None,
                ..endpoint
            }
            .idempotent()
        );
    }

    #[test]
    fn trigger_rejects_an_unknown_type_and_old_servers() {
        let unknown = TriggerCheckpoint::new(job(), CheckpointType::Unknown("HALF".to_owned()));
        assert!(build_for_newest(&unknown).unwrap_err().is_invalid_input());
        let mut endpoint = TriggerCheckpoint::new(job(), CheckpointType::Full);
        let old: FlinkVersion = "1.16.3".parse().unwrap();
        assert!(endpoint.adapt_to(&old).unwrap_err().is_unsupported());
        let current: FlinkVersion = "1.20.5".parse().unwrap();
        assert!(endpoint.adapt_to(&current).is_ok());
    }

    #[test]
    fn checkpoint_status_decodes_and_expires() {
        let status = CheckpointStatus {
            job: job(),
            trigger: TRIGGER.parse().unwrap(),
        };
        let done = decode_response(
            &status,
            StatusCode::OK,
            None,
            br#"{"status":{"id":"COMPLETED"},"operation":{"checkpointId":4}}"#,
        )
        .unwrap();
        assert_eq!(done.operation.into_value().unwrap().checkpoint_id, Some(4));
        let error = decode_response(&status, StatusCode::NOT_FOUND, None, br#"{"errors":["x"]}"#)
            .unwrap_err();
        match error {
            ApiError::OperationExpired { operation, .. } => assert_eq!(
                operation,
                "checkpoint of job a1b2c3d4e5f60718293a4b5c6d7e8f90 (trigger 0123456789abcdef0123456789abcdef)"
            ),
            other => panic!("expected OperationExpired, got {other:?}"),
        }
    }
}
