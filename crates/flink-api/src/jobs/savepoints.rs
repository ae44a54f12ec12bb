//! Savepoint endpoints: trigger and status, stop-with-savepoint, disposal and its status.
//!
//! Triggers answer with a trigger id; the outcome (a location, or a failure inside a
//! successful answer) is read from the status endpoint. A trigger that carries a client-chosen
//! [`TriggerId`] is idempotent: Flink answers a resent one with the same operation instead of
//! taking a second savepoint, so the transport may retry it.

use std::future::Future;

use http::Method;

use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::{ApiError, JobId, TriggerId, json_body};
use flink_models::Extra;
use flink_models::common::{AsyncOperationResult, OperationOutcome, TriggerResponse};
use flink_models::jobs::savepoints::{
    SavepointDisposalRequest, SavepointFormat, SavepointOutcome, SavepointTriggerRequest,
    StopWithSavepointRequest,
};

/// `POST /jobs/:jobid/savepoints`: starts a savepoint; poll [`SavepointStatus`].
#[derive(Clone, Debug)]
pub struct TriggerSavepoint {
    /// The job to take a savepoint of.
    pub job: JobId,
    /// Where to write it (a URI such as `file:///savepoints` or `s3://bucket/sp`); the
    /// cluster's `execution.checkpointing.savepoint-dir` when `None`.
    pub target_directory: Option<String>,
    /// Whether to cancel the job once the savepoint is taken.
    pub cancel_job: bool,
    /// The savepoint's format; Flink's default (canonical) when `None`.
    pub format: Option<SavepointFormat>,
    /// A client-chosen trigger id, which makes the trigger safe to resend.
    pub trigger: Option<TriggerId>,
}

impl TriggerSavepoint {
    /// A savepoint of `job` into the default directory, keeping the job running, with a
    /// freshly generated trigger id.
    pub fn new(job: JobId) -> Self {
        Self {
            job,
            target_directory: None,
            cancel_job: false,
            format: None,
            trigger: Some(TriggerId::generate()),
        }
    }
}

impl Endpoint for TriggerSavepoint {
    const NAME: &'static str = "jobs.savepoints.trigger";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!("/jobs/{}/savepoints", encode_segment(self.job.as_str()))
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, ApiError> {
        let target_directory = check_target_directory(self.target_directory.as_deref())?;
        json_body(&SavepointTriggerRequest {
            target_directory,
            cancel_job: self.cancel_job,
            format_type: self.format.clone(),
            trigger_id: self.trigger.as_ref().map(|t| t.as_str().to_owned()),
            extra: Extra::new(),
        })
    }

    /// Idempotent when it carries a trigger id: Flink recognises the resent trigger.
    fn idempotent(&self) -> bool {
        self.trigger.is_some()
    }
}

impl JsonEndpoint for TriggerSavepoint {
    type Output = TriggerResponse;
}

/// `POST /jobs/:jobid/stop`: takes a savepoint, then stops the job (it ends `FINISHED`).
/// Poll [`SavepointStatus`] with the trigger id.
#[derive(Clone, Debug)]
pub struct StopWithSavepoint {
    /// The job to stop.
    pub job: JobId,
    /// Where to write the savepoint; the cluster's default savepoint directory when `None`.
    pub target_directory: Option<String>,
    /// Whether to advance event time to the end, firing every timer, before stopping. Only
    /// for jobs that will not be resumed.
    pub drain: bool,
    /// The savepoint's format; Flink's default (canonical) when `None`.
    pub format: Option<SavepointFormat>,
    /// A client-chosen trigger id, which makes the stop safe to resend.
    pub trigger: Option<TriggerId>,
}

impl StopWithSavepoint {
    /// Stops `job` with a savepoint into the default directory, without draining, with a
    /// freshly generated trigger id.
    pub fn new(job: JobId) -> Self {
        Self {
            job,
            target_directory: None,
            drain: false,
            format: None,
            trigger: Some(TriggerId::generate()),
        }
    }
}

impl Endpoint for StopWithSavepoint {
    const NAME: &'static str = "jobs.stop";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!("/jobs/{}/stop", encode_segment(self.job.as_str()))
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, ApiError> {
        let target_directory = check_target_directory(self.target_directory.as_deref())?;
        json_body(&StopWithSavepointRequest {
            target_directory,
            drain: self.drain,
            format_type: self.format.clone(),
            trigger_id: self.trigger.as_ref().map(|t| t.as_str().to_owned()),
            extra: Extra::new(),
        })
    }

    /// Idempotent when it carries a trigger id: Flink recognises the resent trigger.
    fn idempotent(&self) -> bool {
        self.trigger.is_some()
    }
}

impl JsonEndpoint for StopWithSavepoint {
    type Output = TriggerResponse;
}

/// `GET /jobs/:jobid/savepoints/:triggerid`: the state of a savepoint or of a
/// stop-with-savepoint. A trigger Flink does not know (any more) is
/// [`ApiError::OperationExpired`].
#[derive(Clone, Debug)]
pub struct SavepointStatus {
    /// The job the savepoint belongs to.
    pub job: JobId,
    /// The trigger id of the savepoint or stop.
    pub trigger: TriggerId,
}

impl Endpoint for SavepointStatus {
    const NAME: &'static str = "jobs.savepoints.status";

    fn path(&self) -> String {
        format!(
            "/jobs/{}/savepoints/{}",
            encode_segment(self.job.as_str()),
            encode_segment(self.trigger.as_str())
        )
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        expired_on_not_found(
            error,
            format!("savepoint of job {} (trigger {})", self.job, self.trigger),
        )
    }
}

impl JsonEndpoint for SavepointStatus {
    type Output = AsyncOperationResult<SavepointOutcome>;
}

/// `POST /savepoint-disposal`: starts deleting a savepoint's files; poll
/// [`SavepointDisposalStatus`]. Flink chooses the trigger id (the body has no `triggerId`), so
/// this is not retried after a timeout.
#[derive(Clone, Debug)]
pub struct DisposeSavepoint {
    /// The savepoint's location, as its status reported it.
    pub path: String,
}

impl Endpoint for DisposeSavepoint {
    const NAME: &'static str = "savepoints.dispose";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        "/savepoint-disposal".to_owned()
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, ApiError> {
        if self.path.trim().is_empty() || self.path.chars().any(char::is_control) {
            return Err(ApiError::invalid(
                "savepoint path",
                &self.path,
                "a savepoint path is the non-empty `location` a completed savepoint reported, like `file:/savepoints/savepoint-ab12cd-0123456789ab`",
            ));
        }
        json_body(&SavepointDisposalRequest {
            savepoint_path: self.path.clone(),
            extra: Extra::new(),
        })
    }
}

impl JsonEndpoint for DisposeSavepoint {
    type Output = TriggerResponse;
}

/// `GET /savepoint-disposal/:triggerid`: the state of a savepoint disposal. A trigger Flink
/// does not know (any more) is [`ApiError::OperationExpired`].
#[derive(Clone, Debug)]
pub struct SavepointDisposalStatus {
    /// The trigger id [`DisposeSavepoint`] answered with.
    pub trigger: TriggerId,
}

impl Endpoint for SavepointDisposalStatus {
    const NAME: &'static str = "savepoints.dispose-status";

    fn path(&self) -> String {
        format!(
            "/savepoint-disposal/{}",
            encode_segment(self.trigger.as_str())
        )
    }

    fn map_error(&self, error: ApiError) -> ApiError {
        expired_on_not_found(
            error,
            format!("savepoint disposal (trigger {})", self.trigger),
        )
    }
}

impl JsonEndpoint for SavepointDisposalStatus {
    type Output = AsyncOperationResult<OperationOutcome>;
}

/// A 404 for a status request means Flink has no result for the trigger.
pub(crate) fn expired_on_not_found(error: ApiError, operation: String) -> ApiError {
    if error.status() == Some(http::StatusCode::NOT_FOUND) {
        ApiError::OperationExpired {
            operation,
            source: Box::new(error),
        }
    } else {
        error
    }
}

/// Rejects an empty or control-character target directory before anything is sent.
fn check_target_directory(directory: Option<&str>) -> Result<Option<String>, ApiError> {
    match directory {
        None => Ok(None),
        Some(directory) if directory.trim().is_empty() => Err(ApiError::invalid(
            "target directory",
            directory,
            "a savepoint target directory cannot be empty; give a URI like `file:///savepoints`, or `None` for the cluster's default savepoint directory",
        )),
        Some(directory) if directory.chars().any(char::is_control) => Err(ApiError::invalid(
            "target directory",
            directory,
            "a savepoint target directory cannot contain control characters",
        )),
        Some(directory) => Ok(Some(directory.to_owned())),
    }
}

/// Savepoint calls. Implemented for every [`Execute`]; bring it into scope to call them.
///
/// These send one request each. `flink_client::FlinkClient` adds handles that generate the
/// trigger id and wait for the outcome (`trigger_savepoint`, `stop_with_savepoint`,
/// `dispose_savepoint`).
pub trait SavepointsApi: Execute + Sync {
    /// `POST /jobs/:jobid/savepoints`: sends the trigger and returns Flink's trigger id.
    fn request_savepoint(
        &self,
        trigger: TriggerSavepoint,
    ) -> impl Future<Output = Result<TriggerResponse, ApiError>> + Send {
        self.execute(trigger)
    }

    /// `GET /jobs/:jobid/savepoints/:triggerid`: the state of a savepoint or a stop.
    fn savepoint_status(
        &self,
        job: JobId,
        trigger: TriggerId,
    ) -> impl Future<Output = Result<AsyncOperationResult<SavepointOutcome>, ApiError>> + Send {
        self.execute(SavepointStatus { job, trigger })
    }

    /// `POST /jobs/:jobid/stop`: sends the stop-with-savepoint and returns Flink's trigger id.
    fn request_stop_with_savepoint(
        &self,
        stop: StopWithSavepoint,
    ) -> impl Future<Output = Result<TriggerResponse, ApiError>> + Send {
        self.execute(stop)
    }

    /// `POST /savepoint-disposal`: starts deleting the savepoint at `path`.
    fn request_savepoint_disposal(
        &self,
        path: impl Into<String>,
    ) -> impl Future<Output = Result<TriggerResponse, ApiError>> + Send {
        self.execute(DisposeSavepoint { path: path.into() })
    }

    /// `GET /savepoint-disposal/:triggerid`: the state of a disposal.
    fn savepoint_disposal_status(
        &self,
        trigger: TriggerId,
    ) -> impl Future<Output = Result<AsyncOperationResult<OperationOutcome>, ApiError>> + Send {
        self.execute(SavepointDisposalStatus { trigger })
    }
}

impl<T: Execute + Sync + ?Sized> SavepointsApi for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_request, decode_response};
    use http::StatusCode;

    const JOB: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    const TRIGGER: &str = "0123456789abcdef0123456789abcdef";

    fn job() -> JobId {
        JOB.parse().unwrap()
    }

    fn trigger() -> TriggerId {
        TRIGGER.parse().unwrap()
    }

    fn body_json(request: &http::Request<bytes::Bytes>) -> serde_json::Value {
        serde_json::from_slice(request.body()).unwrap()
    }

    #[test]
    fn savepoint_trigger_sends_dashed_fields_and_the_trigger_id() {
        let endpoint = TriggerSavepoint {
            target_directory: Some("file:///tmp/sp".to_owned()),
            format: Some(SavepointFormat::Native),
            trigger: Some(trigger()),
            ..TriggerSavepoint::new(job())
        };
        let request = build_request(&endpoint).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri(),
            "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/savepoints"
        );
        assert_eq!(
            body_json(&request),
            serde_json::json!({
                "target-directory": "file:///tmp/sp",
                "cancel-job": false,
                "formatType": "NATIVE",
                "triggerId": TRIGGER,
            })
        );
        assert!(endpoint.idempotent());
        let without_id = TriggerSavepoint {
            trigger: None,
            ..endpoint
        };
        assert!(!without_id.idempotent());
        assert_eq!(
            body_json(&build_request(&without_id).unwrap()),
            serde_json::json!({"target-directory": "file:///tmp/sp", "cancel-job": false, "formatType": "NATIVE"})
        );
    }

    #[test]
    fn new_savepoint_trigger_generates_a_trigger_id() {
        let endpoint = TriggerSavepoint::new(job());
        let body = body_json(&build_request(&endpoint).unwrap());
        let sent = body["triggerId"].as_str().unwrap();
        assert_eq!(sent, endpoint.trigger.as_ref().unwrap().as_str());
        assert_eq!(body["cancel-job"], false);
        assert!(body.get("target-directory").is_none());
        assert_ne!(
            TriggerSavepoint::new(job()).trigger,
            endpoint.trigger,
            "every trigger gets its own id"
        );
    }

    #[test]
    fn stop_sends_camel_case_fields() {
        let endpoint = StopWithSavepoint {
            target_directory: Some("s3://bucket/sp".to_owned()),
            drain: true,
            format: Some(SavepointFormat::Canonical),
            trigger: Some(trigger()),
            ..StopWithSavepoint::new(job())
        };
        let request = build_request(&endpoint).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/stop");
        assert_eq!(
            body_json(&request),
            serde_json::json!({
                "targetDirectory": "s3://bucket/sp",
                "drain": true,
                "formatType": "CANONICAL",
                "triggerId": TRIGGER,
            })
        );
        assert!(endpoint.idempotent());
    }

    #[test]
    fn empty_target_directories_are_rejected_before_any_request() {
        for bad in ["", "   ", "file:///a\nb"] {
            let savepoint = TriggerSavepoint {
                target_directory: Some(bad.to_owned()),
                ..TriggerSavepoint::new(job())
            };
            let error = build_request(&savepoint).unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}: {error:?}");
            assert!(error.to_string().contains("target directory"), "{error}");
            let stop = StopWithSavepoint {
                target_directory: Some(bad.to_owned()),
                ..StopWithSavepoint::new(job())
            };
            assert!(build_request(&stop).unwrap_err().is_invalid_input());
        }
    }

    #[test]
    fn disposal_sends_the_path_and_rejects_an_empty_one() {
        let endpoint = DisposeSavepoint {
            path: "file:/tmp/savepoint-ab12cd-0123".to_owned(),
        };
        let request = build_request(&endpoint).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/savepoint-disposal");
        assert_eq!(
            body_json(&request),
            serde_json::json!({"savepoint-path": "file:/tmp/savepoint-ab12cd-0123"})
        );
        assert!(
            !endpoint.idempotent(),
            "Flink picks the disposal's trigger id"
        );
        for bad in ["", " ", "a\0b"] {
            let error = build_request(&DisposeSavepoint {
                path: bad.to_owned(),
            })
            .unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}");
        }
    }

    #[test]
    fn status_requests_and_expired_triggers() {
        let status = SavepointStatus {
            job: job(),
            trigger: trigger(),
        };
        let request = build_request(&status).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri(),
            "/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/savepoints/0123456789abcdef0123456789abcdef"
        );
        let body = br#"{"errors":["RestHandlerException: There is no savepoint operation with triggerId=0123456789abcdef0123456789abcdef for job a1b2c3d4e5f60718293a4b5c6d7e8f90."]}"#;
        let error = decode_response(
            &status,
            StatusCode::NOT_FOUND,
            Some("application/json"),
            body,
        )
        .unwrap_err();
        match &error {
            ApiError::OperationExpired { operation, source } => {
                assert_eq!(
                    operation,
                    "savepoint of job a1b2c3d4e5f60718293a4b5c6d7e8f90 (trigger 0123456789abcdef0123456789abcdef)"
                );
                assert!(source.is_not_found());
            }
            other => panic!("expected OperationExpired, got {other:?}"),
        }
        let other = decode_response(
            &status,
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            br#"{"errors":["boom"]}"#,
        )
        .unwrap_err();
        assert!(matches!(other, ApiError::Flink { .. }), "{other:?}");

        let disposal = SavepointDisposalStatus { trigger: trigger() };
        assert_eq!(
            build_request(&disposal).unwrap().uri(),
            "/savepoint-disposal/0123456789abcdef0123456789abcdef"
        );
        let error = decode_response(
            &disposal,
            StatusCode::NOT_FOUND,
            None,
            br#"{"errors":["x"]}"#,
        )
        .unwrap_err();
        assert!(
            matches!(error, ApiError::OperationExpired { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn completed_status_decodes_location_and_failure() {
        let status = SavepointStatus {
            job: job(),
            trigger: trigger(),
        };
        let done = decode_response(
            &status,
            StatusCode::OK,
            None,
            br#"{"status":{"id":"COMPLETED"},"operation":{"location":"file:/sp/savepoint-a1b2c3-1"}}"#,
        )
        .unwrap();
        assert_eq!(
            done.operation.into_value().unwrap().location.as_deref(),
            Some("file:/sp/savepoint-a1b2c3-1")
        );
        let pending = decode_response(
            &status,
            StatusCode::OK,
            None,
            br#"{"status":{"id":"IN_PROGRESS"}}"#,
        )
        .unwrap();
        assert!(!pending.operation.has_value());
    }
}
