//! Job-graph submission (`POST /jobs`): the request naming the uploaded files, and the answer.

use serde::{Deserialize, Serialize};

use crate::Extra;

/// The JSON part (named `request`) of a `POST /jobs` upload: which of the uploaded files is the
/// serialized job graph, which are the jars of the job's classes, and which go into its
/// distributed cache. Every name is the file name of one uploaded part.
///
/// Flink 2.x reads the graph's file name from `executionPlanFileName`, Flink 1.x from
/// `jobGraphFileName`; set the one the server reads (`flink_api` does it for you).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobSubmitRequest {
    /// The uploaded file holding the serialized job graph (Flink 2.0 and newer).
    #[serde(
        rename = "executionPlanFileName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub execution_plan_file_name: Option<String>,
    /// The uploaded file holding the serialized job graph (Flink before 2.0).
    #[serde(
        rename = "jobGraphFileName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub job_graph_file_name: Option<String>,
    /// The uploaded jars with the job's classes.
    #[serde(rename = "jobJarFileNames", default)]
    pub job_jar_file_names: Vec<String>,
    /// The uploaded files for the job's distributed cache.
    #[serde(rename = "jobArtifactFileNames", default)]
    pub job_artifact_file_names: Vec<DistributedCacheFile>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A file of a job's distributed cache: the name the job registered it under, and the uploaded
/// file that holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DistributedCacheFile {
    /// The name the job looks the file up by (`registerCachedFile(path, entryName)`).
    pub entry_name: String,
    /// The file name of the uploaded part.
    pub file_name: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl DistributedCacheFile {
    /// The uploaded file `file_name`, registered under `entry_name`.
    pub fn new(entry_name: impl Into<String>, file_name: impl Into<String>) -> Self {
        Self {
            entry_name: entry_name.into(),
            file_name: file_name.into(),
            extra: Extra::new(),
        }
    }
}

/// The answer to `POST /jobs` (202 Accepted): where the submitted job can be found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSubmitResponse {
    /// The job's path below the REST root: `/jobs/<job id>`.
    pub job_url: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobSubmitResponse {
    /// The job id at the end of [`JobSubmitResponse::job_url`], as Flink wrote it (not
    /// validated).
    pub fn job_id_text(&self) -> Option<&str> {
        self.job_url
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|id| !id.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_encode_with_flinks_field_names() {
        let request = JobSubmitRequest {
            execution_plan_file_name: Some("job.graph".to_owned()),
            job_jar_file_names: vec!["job.jar".to_owned()],
            job_artifact_file_names: vec![DistributedCacheFile::new("words", "words.txt")],
            ..JobSubmitRequest::default()
        };
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "executionPlanFileName": "job.graph",
                "jobJarFileNames": ["job.jar"],
                "jobArtifactFileNames": [{"entryName": "words", "fileName": "words.txt"}],
            })
        );
        let old: JobSubmitRequest = serde_json::from_str(
            r#"{"jobGraphFileName":"g","jobJarFileNames":[],"jobArtifactFileNames":[],"new":1}"#,
        )
        .unwrap();
        assert_eq!(old.job_graph_file_name.as_deref(), Some("g"));
        assert_eq!(old.execution_plan_file_name, None);
        assert_eq!(old.extra["new"], 1);
    }

    #[test]
    fn the_answer_names_the_job() {
        let answer: JobSubmitResponse =
            serde_json::from_str(r#"{"jobUrl":"/jobs/1a82557f36b1714deddabaa43587e385"}"#).unwrap();
        assert_eq!(
            answer.job_id_text(),
            Some("1a82557f36b1714deddabaa43587e385")
        );
        let empty: JobSubmitResponse = serde_json::from_str(r#"{"jobUrl":""}"#).unwrap();
        assert_eq!(empty.job_id_text(), None);
    }
}
