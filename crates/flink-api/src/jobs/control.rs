//! Job endpoints that change something: cancel, client heartbeat, coordination requests,
//! resource requirements (rescaling with the adaptive scheduler) and the disabled legacy
//! rescaling.

use bytes::Bytes;
use http::{Method, StatusCode};

use super::info::job_path;
use crate::endpoint::{Endpoint, JsonEndpoint, encode_segment, require_added};
use crate::ids::{is_hex_id, parse_plain_text, text_id};
use crate::refusal::Refusal;
use crate::{ApiError, FlinkVersion, JobId, TriggerId, json_body};
use flink_models::common::{AsyncOperationResult, Empty, OperationOutcome, TriggerResponse};
use flink_models::jobs::coordination::{
    ClientCoordinationRequest, ClientCoordinationResponse, JobClientHeartbeatRequest,
};
use flink_models::jobs::resources::JobResourceRequirements;

/// How `PATCH /jobs/:jobid` ends a job.
///
/// Flink's only supported mode is `cancel`: the old `stop` mode was removed in favour of
/// stop-with-savepoint (`POST /jobs/:jobid/stop`, see the savepoint endpoints).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CancelMode {
    /// Cancel the job now, without a savepoint; it ends `CANCELED`.
    #[default]
    Cancel,
}

impl CancelMode {
    /// The value of the `mode` query parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancel => "cancel",
        }
    }
}

/// `PATCH /jobs/:jobid?mode=cancel`: cancels a job. Flink answers 202 at once (also when the
/// job is already cancelled), and 409 (`is_conflict`) when the job has already finished or
/// failed; wait for `CANCELED` with the client's wait helpers.
#[derive(Clone, Debug)]
pub struct CancelJob {
    /// Which job.
    pub job: JobId,
    /// How to end it.
    pub mode: CancelMode,
}

impl CancelJob {
    /// Cancels `job`.
    pub fn new(job: JobId) -> Self {
        Self {
            job,
            mode: CancelMode::Cancel,
        }
    }
}

impl Endpoint for CancelJob {
    const NAME: &'static str = "jobs.cancel";

    fn method(&self) -> Method {
        Method::PATCH
    }

    fn path(&self) -> String {
        job_path(&self.job)
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        vec![("mode", self.mode.as_str().to_owned())]
    }

    /// Cancelling twice is the same as cancelling once.
    fn idempotent(&self) -> bool {
        true
    }
}

impl JsonEndpoint for CancelJob {
    type Output = Empty;
}

/// `PATCH /jobs/:jobid/clientHeartbeat`: tells the cluster the job's client is still there.
#[derive(Clone, Debug)]
pub struct JobClientHeartbeat {
    /// Which job.
    pub job: JobId,
    /// Until when the job may go without another heartbeat.
    pub request: JobClientHeartbeatRequest,
    /// Flink before 1.20 cannot read the JSON object (its request class lacks a property name)
    /// but reads the bare number; set by [`Endpoint::adapt_to`].
    bare_number: bool,
}

impl JobClientHeartbeat {
    /// A heartbeat for `job`, valid until `expired_timestamp` (milliseconds since the epoch).
    pub fn new(job: JobId, expired_timestamp: i64) -> Self {
        Self {
            job,
            request: JobClientHeartbeatRequest::new(expired_timestamp),
            bare_number: false,
        }
    }
}

impl Endpoint for JobClientHeartbeat {
    const NAME: &'static str = "jobs.client-heartbeat";
    const ADDED_IN: Option<(u16, u16)> = Some((1, 17));

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        require_added(self, version)?;
        self.bare_number = !version.at_least(1, 20);
        Ok(())
    }

    fn method(&self) -> Method {
        Method::PATCH
    }

    fn path(&self) -> String {
        format!("{}/clientHeartbeat", job_path(&self.job))
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        if self.request.expired_timestamp <= 0 {
            return Err(ApiError::invalid(
                "heartbeat expiry",
                &self.request.expired_timestamp.to_string(),
                format!(
                    "the heartbeat of job {} needs an expiry in milliseconds since the epoch, in the future",
                    self.job
                ),
            ));
        }
        if self.bare_number {
            return Ok(Some(Bytes::from(
                self.request.expired_timestamp.to_string(),
            )));
        }
        json_body(&self.request)
    }

    /// Sending the same heartbeat twice has the same effect.
    fn idempotent(&self) -> bool {
        true
    }
}

impl JsonEndpoint for JobClientHeartbeat {
    type Output = Empty;
}

text_id!(
    /// Which operator a coordination request goes to: on Flink 2.x its uid, as set with `.uid(…)`
    /// in the job (`:operatorUid`); on Flink 1.x its operator id, 32 hexadecimal characters
    /// (`:operatorid`). The path has the same shape in both.
    ///
    /// Any non-empty text without control characters; it is percent-encoded into one segment.
    /// Sending a uid that is not an operator id to Flink 1.x is refused before any request.
    OperatorUid,
    "The uid.",
    |value| {
        parse_plain_text(
            value,
            "operator uid",
            "an operator uid is the non-empty text the job set with `.uid(…)`, without control characters",
        )
    }
);

impl OperatorUid {
    /// Whether it has the form of an operator id (32 hexadecimal characters), which Flink 1.x
    /// needs.
    pub fn is_operator_id(&self) -> bool {
        is_hex_id(&self.0)
    }
}

/// `POST /jobs/:jobid/coordinators/:operatorUid`: sends a serialized request to an operator's
/// coordinator and returns its serialized answer (used by `collect()` sinks).
#[derive(Clone, Debug)]
pub struct CoordinateOperator {
    /// Which job.
    pub job: JobId,
    /// Which operator.
    pub operator: OperatorUid,
    /// The request, in Java serialization.
    pub request: ClientCoordinationRequest,
}

impl Endpoint for CoordinateOperator {
    const NAME: &'static str = "jobs.coordinate";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!(
            "{}/coordinators/{}",
            job_path(&self.job),
            encode_segment(self.operator.as_str())
        )
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        let encoded = &self.request.serialized_coordination_request;
        let base64 = encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        if encoded.is_empty() || !base64 {
            return Err(ApiError::invalid(
                "coordination request",
                encoded,
                format!(
                    "the request to operator {} of job {} must be a non-empty, base64-encoded Java-serialized CoordinationRequest",
                    self.operator, self.job
                ),
            ));
        }
        json_body(&self.request)
    }

    const VERSION_DEPENDENT: bool = true;

    /// Flink 1.x resolves the path parameter as an operator id and answers 400 for anything
    /// else.
    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        if self.operator.is_operator_id() {
            return Ok(());
        }
        version.require(
            2,
            0,
            &format!(
                "addressing a coordinator by operator uid (`{}`; Flink 1.x takes the 32-hex operator id)",
                self.operator
            ),
        )
    }
}

impl JsonEndpoint for CoordinateOperator {
    type Output = ClientCoordinationResponse;
}

const RESOURCE_REQUIREMENTS: Refusal = Refusal {
    feature: "resource requirements (/jobs/:jobid/resource-requirements)",
    reason: "the job runs on the default scheduler, which cannot change a running job's parallelism",
    hint: "this needs `jobmanager.scheduler: adaptive` in the cluster configuration",
    status: StatusCode::INTERNAL_SERVER_ERROR,
    markers: &["UnsupportedOperationException"],
};

/// Whether an error is the one Flink gives for resource requirements on a scheduler that has
/// none: [`ApiError::Disabled`] from [`GetResourceRequirements`] or [`SetResourceRequirements`]
/// (the cluster needs `jobmanager.scheduler: adaptive`).
pub fn needs_adaptive_scheduler(error: &ApiError) -> bool {
    RESOURCE_REQUIREMENTS.is(error)
}

/// `GET /jobs/:jobid/resource-requirements`: the parallelism bounds of each vertex.
///
/// Only the adaptive scheduler has them; on the default scheduler this is
/// [`ApiError::Disabled`] (see [`needs_adaptive_scheduler`]).
#[derive(Clone, Debug)]
pub struct GetResourceRequirements {
    /// Which job.
    pub job: JobId,
}

impl Endpoint for GetResourceRequirements {
    const NAME: &'static str = "jobs.resource-requirements";
    const ADDED_IN: Option<(u16, u16)> = Some((1, 18));

    fn path(&self) -> String {
        format!("{}/resource-requirements", job_path(&self.job))
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        RESOURCE_REQUIREMENTS.map(error)
    }
}

impl JsonEndpoint for GetResourceRequirements {
    type Output = JobResourceRequirements;
}

/// `PUT /jobs/:jobid/resource-requirements`: new parallelism bounds; the adaptive scheduler
/// rescales the running job to them (after its cooldown, 30 s by default).
#[derive(Clone, Debug)]
pub struct SetResourceRequirements {
    /// Which job.
    pub job: JobId,
    /// The bounds of every vertex (start from [`GetResourceRequirements`]).
    pub requirements: JobResourceRequirements,
}

impl SetResourceRequirements {
    fn validate(&self) -> Result<(), ApiError> {
        if self.requirements.vertices.is_empty() {
            return Err(ApiError::invalid(
                "resource requirements",
                "{}",
                format!(
                    "the requirements of job {} name no vertex; start from GET /jobs/{}/resource-requirements and change the bounds",
                    self.job, self.job
                ),
            ));
        }
        for (vertex, requirements) in &self.requirements.vertices {
            let bounds = &requirements.parallelism;
            if !is_hex_id(vertex) {
                return Err(ApiError::invalid(
                    "vertex id",
                    vertex,
                    "a vertex id is 32 hexadecimal characters, a key of GET /jobs/:jobid/resource-requirements",
                ));
            }
            if bounds.lower_bound < 1 || bounds.upper_bound < bounds.lower_bound {
                return Err(ApiError::invalid(
                    "parallelism bounds",
                    &format!("{}..{}", bounds.lower_bound, bounds.upper_bound),
                    format!(
                        "vertex {vertex} of job {} needs 1 <= lowerBound <= upperBound",
                        self.job
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Endpoint for SetResourceRequirements {
    const NAME: &'static str = "jobs.set-resource-requirements";
    const ADDED_IN: Option<(u16, u16)> = Some((1, 18));

    fn method(&self) -> Method {
        Method::PUT
    }

    fn path(&self) -> String {
        format!("{}/resource-requirements", job_path(&self.job))
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        self.validate()?;
        json_body(&self.requirements)
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        RESOURCE_REQUIREMENTS.map(error)
    }
}

impl JsonEndpoint for SetResourceRequirements {
    type Output = Empty;
}

const LEGACY_RESCALING: Refusal = Refusal {
    feature: "legacy rescaling (PATCH /jobs/:jobid/rescaling)",
    reason: "Flink disabled this endpoint (FLINK-12312) and answers every call with 503",
    hint: "rescale with PUT /jobs/:jobid/resource-requirements on a cluster with `jobmanager.scheduler: adaptive`",
    status: StatusCode::SERVICE_UNAVAILABLE,
    markers: &["Rescaling is temporarily disabled"],
};

/// `PATCH /jobs/:jobid/rescaling?parallelism=N`: the legacy rescaling trigger.
///
/// Flink keeps it disabled: every call ends in [`ApiError::Disabled`]. Use
/// [`SetResourceRequirements`] with the adaptive scheduler instead.
#[derive(Clone, Debug)]
pub struct TriggerRescaling {
    /// Which job.
    pub job: JobId,
    /// The new parallelism (at least 1).
    pub parallelism: u32,
}

impl Endpoint for TriggerRescaling {
    const NAME: &'static str = "jobs.rescaling";

    fn method(&self) -> Method {
        Method::PATCH
    }

    fn path(&self) -> String {
        format!("{}/rescaling", job_path(&self.job))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        vec![("parallelism", self.parallelism.to_string())]
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        if self.parallelism == 0 {
            return Err(ApiError::invalid(
                "parallelism",
                "0",
                format!(
                    "rescaling job {} needs a parallelism of at least 1",
                    self.job
                ),
            ));
        }
        Ok(None)
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        LEGACY_RESCALING.map(error)
    }
}

impl JsonEndpoint for TriggerRescaling {
    type Output = TriggerResponse;
}

/// `GET /jobs/:jobid/rescaling/:triggerid`: the status of a legacy rescaling; disabled like
/// [`TriggerRescaling`].
#[derive(Clone, Debug)]
pub struct RescalingStatus {
    /// Which job.
    pub job: JobId,
    /// The trigger [`TriggerRescaling`] would have answered with.
    pub trigger: TriggerId,
}

impl Endpoint for RescalingStatus {
    const NAME: &'static str = "jobs.rescaling-status";

    fn path(&self) -> String {
        format!(
            "{}/rescaling/{}",
            job_path(&self.job),
            encode_segment(self.trigger.as_str())
        )
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        LEGACY_RESCALING.map(error)
    }
}

impl JsonEndpoint for RescalingStatus {
    type Output = AsyncOperationResult<OperationOutcome>;
}
