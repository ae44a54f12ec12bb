//! Jars: upload, list, plan and run answers and request bodies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::{Extra, Nullable};

/// The answer to `POST /jars/upload`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JarUploadResponse {
    /// Where Flink stored the jar; its last path segment is the jar id.
    pub filename: String,
    /// `success` when the upload was stored.
    pub status: UploadStatus,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// The outcome of a jar upload.
    pub enum UploadStatus {
        /// The jar was stored.
        Success = "success",
    }
}

/// The answer to `GET /jars`: every uploaded jar and its entry points.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JarList {
    /// The REST address of the JobManager that stores the jars.
    pub address: String,
    /// The uploaded jars, newest first.
    pub files: Vec<JarFileInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One uploaded jar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JarFileInfo {
    /// The jar id, for the `/jars/:jarid/…` endpoints.
    pub id: String,
    /// The file name the jar was uploaded with.
    pub name: String,
    /// When it was uploaded, in milliseconds since the epoch.
    pub uploaded: i64,
    /// The classes with a `main` method Flink found (the manifest's `Main-Class` and
    /// `program-class`); empty when there is none.
    #[serde(default)]
    pub entry: Vec<JarEntryInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An entry class of an uploaded jar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JarEntryInfo {
    /// The fully qualified class name.
    pub name: String,
    /// The program's description, when it provides one (usually `null`).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub description: Nullable<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// How a job restored from a savepoint or retained checkpoint treats the snapshot's files.
    pub enum ClaimMode {
        /// The job takes ownership of the snapshot and may delete it once it is subsumed.
        Claim = "CLAIM",
        /// The job never touches the snapshot; its first checkpoint is a full one.
        NoClaim = "NO_CLAIM",
        /// The behaviour before Flink 1.15: no ownership, but incremental checkpoints may build
        /// on the snapshot's files (deprecated).
        Legacy = "LEGACY",
    }
}

/// The body of `GET`/`POST /jars/:jarid/plan`: which program to plan, and how. It is also the
/// program part of [`JarRunRequest`], as in Flink, where every jar body extends this one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JarPlanRequest {
    /// The class whose `main` builds the job; the jar's manifest decides when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_class: Option<String>,
    /// The program's arguments, one element per argument (never split or joined by Flink).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program_args_list: Option<Vec<String>>,
    /// The default parallelism of the job's operators (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i32>,
    /// The id the job gets (32 hexadecimal characters). Choosing it makes a run safe to
    /// retry: Flink refuses a second job with the same id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// Configuration options applied to the program, such as `parallelism.default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flink_configuration: Option<BTreeMap<String, String>>,
    /// Fields this version of flink-models does not know (also those of the bodies that
    /// flatten this one).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /jars/:jarid/run`: which program to run, and how to restore it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JarRunRequest {
    /// The program: entry class, arguments, parallelism, job id, configuration (and the
    /// fields this version of flink-models does not know), sent at the top level.
    #[serde(flatten)]
    pub program: JarPlanRequest,
    /// Whether the job may start although the savepoint has state no operator claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_non_restored_state: Option<bool>,
    /// The savepoint or retained checkpoint to restore from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savepoint_path: Option<String>,
    /// How the job treats the snapshot it restores from (Flink 1.20 and newer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_mode: Option<ClaimMode>,
    /// The older, deprecated name of `claimMode`, the only one servers before 1.20 read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_mode: Option<ClaimMode>,
}

/// The answer to `POST /jars/:jarid/run`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JarRunResponse {
    /// The id of the submitted job.
    pub jobid: String,
    /// The application the job belongs to (Flink 2.x only; equal to the job id for jar runs).
    #[serde(
        rename = "applicationId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub application_id: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The body of `POST /jars/:jarid/run-application` (Flink 2.x): run the jar's `main` as an
/// application, which may submit several jobs. Its job id is the (first) job's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JarRunApplicationRequest {
    /// The program and how to restore it, as for `POST /jars/:jarid/run`, sent at the top
    /// level (with the fields this version of flink-models does not know).
    #[serde(flatten)]
    pub run: JarRunRequest,
    /// The id the application gets (32 hexadecimal characters); Flink picks one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
}

/// The answer to `POST /jars/:jarid/run-application` (Flink 2.x).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JarRunApplicationResponse {
    /// The id of the started application (the wire key is all lower case).
    #[serde(rename = "applicationid")]
    pub application_id: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_of_both_versions_decodes() {
        let json = r#"{"address":"http://127.0.0.1:8081","files":[{"id":"2f1a_job.jar","name":"job.jar","uploaded":1795441873594,"entry":[{"name":"flinklocal.TestJob","description":null}]}]}"#;
        let list: JarList = serde_json::from_str(json).unwrap();
        assert_eq!(list.files[0].id, "2f1a_job.jar");
        assert_eq!(list.files[0].entry[0].name, "flinklocal.TestJob");
        assert_eq!(list.files[0].entry[0].description, Nullable::Null);
    }

    #[test]
    fn upload_answer_decodes_and_keeps_unknown_fields() {
        let json = r#"{"filename":"/tmp/flink-web-upload/2f1a_job.jar","status":"success","x":1}"#;
        let upload: JarUploadResponse = serde_json::from_str(json).unwrap();
        assert_eq!(upload.status, UploadStatus::Success);
        assert_eq!(upload.extra["x"], 1);
    }

    #[test]
    fn run_answers_of_both_versions_decode() {
        let v2: JarRunResponse =
            serde_json::from_str(r#"{"jobid":"d7b2","applicationId":"d7b2"}"#).unwrap();
        assert_eq!(v2.application_id.as_deref(), Some("d7b2"));
        let v1: JarRunResponse = serde_json::from_str(r#"{"jobid":"d82f"}"#).unwrap();
        assert_eq!((v1.jobid.as_str(), v1.application_id), ("d82f", None));
        let app: JarRunApplicationResponse =
            serde_json::from_str(r#"{"applicationid":"e716"}"#).unwrap();
        assert_eq!(app.application_id, "e716");
    }

    #[test]
    fn run_request_leaves_out_what_is_not_set() {
        let request = JarRunRequest {
            program: JarPlanRequest {
                entry_class: Some("flinklocal.TestJob".to_owned()),
                program_args_list: Some(vec!["--name".to_owned(), "a b, c".to_owned()]),
                ..JarPlanRequest::default()
            },
            claim_mode: Some(ClaimMode::NoClaim),
            ..JarRunRequest::default()
        };
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"entryClass":"flinklocal.TestJob","programArgsList":["--name","a b, c"],"claimMode":"NO_CLAIM"}"#
        );
        assert_eq!(
            serde_json::to_string(&JarRunRequest::default()).unwrap(),
            "{}"
        );
    }

    #[test]
    fn flattened_bodies_keep_unknown_fields_once() {
        let json = r#"{"entryClass":"a.B","jobId":"j","savepointPath":"s","applicationId":"x","future":1}"#;
        let request: JarRunApplicationRequest = serde_json::from_str(json).unwrap();
        assert_eq!(request.run.program.entry_class.as_deref(), Some("a.B"));
        assert_eq!(request.run.savepoint_path.as_deref(), Some("s"));
        assert_eq!(request.application_id.as_deref(), Some("x"));
        assert_eq!(request.run.program.extra.len(), 1);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
