//! Savepoints: trigger, stop-with-savepoint and disposal requests, and their outcomes.

use serde::{Deserialize, Serialize};

use crate::Extra;
use crate::common::FailureCause;
use crate::enums::string_enum;

string_enum! {
    /// How a savepoint is written.
    pub enum SavepointFormat {
        /// Flink's state-backend independent format: restorable by any state backend.
        Canonical = "CANONICAL",
        /// The state backend's own format: faster to take and restore, tied to the backend.
        Native = "NATIVE",
    }
}

/// The body of `POST /jobs/:jobid/savepoints`.
///
/// Note the wire names: this body uses `target-directory` and `cancel-job` (dashed), while
/// [`StopWithSavepointRequest`] uses `targetDirectory` (camel case).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavepointTriggerRequest {
    /// Where to write the savepoint; the cluster's default savepoint directory when absent.
    #[serde(
        rename = "target-directory",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub target_directory: Option<String>,
    /// Whether to cancel the job once the savepoint is taken.
    #[serde(rename = "cancel-job")]
    pub cancel_job: bool,
    /// The savepoint's format; Flink's default (canonical) when absent.
    #[serde(
        rename = "formatType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub format_type: Option<SavepointFormat>,
    /// A trigger id the client chooses (32 hex characters), so a resent trigger is recognised
    /// instead of taking a second savepoint.
    #[serde(rename = "triggerId", default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /jobs/:jobid/stop`: take a savepoint, then stop the job.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StopWithSavepointRequest {
    /// Where to write the savepoint; the cluster's default savepoint directory when absent.
    #[serde(
        rename = "targetDirectory",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub target_directory: Option<String>,
    /// Whether to advance event time to the end (firing every timer) before stopping, as if
    /// the input had ended. Use it only when the job will not be resumed.
    pub drain: bool,
    /// The savepoint's format; Flink's default (canonical) when absent.
    #[serde(
        rename = "formatType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub format_type: Option<SavepointFormat>,
    /// A trigger id the client chooses (32 hex characters), so a resent stop is recognised.
    #[serde(rename = "triggerId", default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The outcome of a savepoint or stop-with-savepoint, once its status says it completed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavepointOutcome {
    /// Where the savepoint was written (a URI such as `file:/…/savepoint-ab12cd-…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Why the savepoint failed; absent when it succeeded.
    #[serde(
        rename = "failure-cause",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub failure_cause: Option<FailureCause>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /savepoint-disposal`: delete a savepoint's files.
///
/// Flink chooses the trigger id of a disposal itself; the request has no `triggerId`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavepointDisposalRequest {
    /// The savepoint's location, as a savepoint's status reported it.
    #[serde(rename = "savepoint-path")]
    pub savepoint_path: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn savepoint_trigger_uses_dashed_names_and_stop_uses_camel_case() {
        let trigger = SavepointTriggerRequest {
            target_directory: Some("file:///tmp/sp".to_owned()),
            cancel_job: false,
            format_type: Some(SavepointFormat::Native),
            trigger_id: Some("0123456789abcdef0123456789abcdef".to_owned()),
            extra: Extra::new(),
        };
        assert_eq!(
            serde_json::to_string(&trigger).unwrap(),
            r#"{"target-directory":"file:///tmp/sp","cancel-job":false,"formatType":"NATIVE","triggerId":"0123456789abcdef0123456789abcdef"}"#
        );
        let stop = StopWithSavepointRequest {
            target_directory: Some("file:///tmp/sp".to_owned()),
            drain: true,
            format_type: Some(SavepointFormat::Canonical),
            trigger_id: None,
            extra: Extra::new(),
        };
        assert_eq!(
            serde_json::to_string(&stop).unwrap(),
            r#"{"targetDirectory":"file:///tmp/sp","drain":true,"formatType":"CANONICAL"}"#
        );
        assert_eq!(
            serde_json::to_string(&SavepointTriggerRequest::default()).unwrap(),
            r#"{"cancel-job":false}"#
        );
    }

    #[test]
    fn outcome_reads_a_location_or_a_failure() {
        let done: SavepointOutcome =
            serde_json::from_str(r#"{"location":"file:/tmp/savepoint-ab-12"}"#).unwrap();
        assert_eq!(done.location.as_deref(), Some("file:/tmp/savepoint-ab-12"));
        let failed: SavepointOutcome = serde_json::from_str(
            r#"{"failure-cause":{"class":"java.util.concurrent.CompletionException","stack-trace":"x","serialized-throwable":"rO0"}}"#,
        )
        .unwrap();
        let cause = failed.failure_cause.unwrap();
        assert_eq!(
            cause.class.as_deref(),
            Some("java.util.concurrent.CompletionException")
        );
        assert_eq!(cause.serialized_throwable.as_deref(), Some("rO0"));
    }

    #[test]
    fn disposal_request_names_the_path() {
        let request = SavepointDisposalRequest {
            savepoint_path: "file:/tmp/savepoint-ab-12".to_owned(),
            extra: Extra::new(),
        };
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"savepoint-path":"file:/tmp/savepoint-ab-12"}"#
        );
    }
}
