//! Job-graph submission (`POST /jobs`): the multipart framing of the request and the graph files, without IO.

use std::collections::HashSet;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode, header};

use crate::endpoint::{Endpoint, JsonEndpoint, describe};
use crate::jars::{JarUpload, UPLOAD_TIMEOUT};
use crate::{ApiError, FlinkVersion, JobId, TriggerId};
use flink_models::jobs::submission::{DistributedCacheFile, JobSubmitRequest, JobSubmitResponse};

/// The name of the JSON part; Flink's upload handler refuses any other non-file part.
const REQUEST_PART: &str = "request";

/// `POST /jobs`, without IO: submits a job graph that was compiled and serialized elsewhere
/// (as Flink's own `RestClusterClient` does), with the jars of its classes and the files of
/// its distributed cache.
///
/// The body is `multipart/form-data`: a JSON part `request` (the [`JobSubmitRequest`], which
/// names the files), then one part per file, in the order of [`SubmitJobGraph::file_names`]:
/// the job graph, the jars, the artifacts. [`SubmitJobGraph::framing`] gives the bytes around
/// the files: piece `i` goes before file `i`, the last piece after the last file.
/// `flink_client::FlinkClient::submit_job_graph` streams files this way.
///
/// The graph is Java-serialized and fits only the Flink version that wrote it; it carries its
/// own job id, so Flink refuses a second submission of the same graph. The graph's file name
/// goes into `executionPlanFileName` on Flink 2.x and into `jobGraphFileName` on 1.x:
/// [`Endpoint::adapt_to`] picks the field. It is a [`JsonEndpoint`] only so its answer can be
/// decoded with [`crate::decode_response`]; [`crate::build_request`] fails, since the body is
/// not JSON.
///
/// ```
/// use flink_api::jobs::submission::SubmitJobGraph;
///
/// let submit = SubmitJobGraph::with_boundary("job.graph", "b0undary")?.jar("my-job.jar");
/// assert_eq!(submit.file_names(), ["job.graph", "my-job.jar"]);
/// let framing = submit.framing()?;
/// let mut body = framing[0].to_vec();
/// body.extend_from_slice(b"graph bytes");
/// body.extend_from_slice(&framing[1]);
/// body.extend_from_slice(b"PK...");
/// body.extend_from_slice(&framing[2]);
/// assert_eq!(body.len() as u64, submit.content_length(&[11, 5])?);
/// assert!(submit.clone().jar("my-job.jar").check().is_err(), "a file is sent once");
/// # Ok::<(), flink_api::ApiError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SubmitJobGraph {
    /// The JSON part: the names of the graph, the jars and the artifacts.
    pub request: JobSubmitRequest,
    boundary: String,
}

impl SubmitJobGraph {
    /// A submission of the job graph in the uploaded file `job_graph_file_name`, with no jars
    /// and no artifacts yet, and a random boundary.
    pub fn new(job_graph_file_name: impl Into<String>) -> Self {
        Self {
            request: JobSubmitRequest {
                execution_plan_file_name: Some(job_graph_file_name.into()),
                ..JobSubmitRequest::default()
            },
            boundary: format!("flink-rs-{}", TriggerId::generate()),
        }
    }

    /// A submission with a chosen boundary (1 to 70 letters, digits, `-` or `_`), for tests.
    pub fn with_boundary(
        job_graph_file_name: impl Into<String>,
        boundary: &str,
    ) -> Result<Self, ApiError> {
        // The jar upload's framing has the same rules for a boundary; it checks them.
        JarUpload::with_boundary("boundary-check.jar", boundary)?;
        Ok(Self {
            boundary: boundary.to_owned(),
            ..Self::new(job_graph_file_name)
        })
    }

    /// Adds a jar with the job's classes (the uploaded file's name).
    #[must_use]
    pub fn jar(mut self, file_name: impl Into<String>) -> Self {
        self.request.job_jar_file_names.push(file_name.into());
        self
    }

    /// Adds a file for the job's distributed cache: the uploaded file `file_name`, which the
    /// job registered as `entry_name` (`registerCachedFile`).
    #[must_use]
    pub fn artifact(mut self, entry_name: impl Into<String>, file_name: impl Into<String>) -> Self {
        self.request
            .job_artifact_file_names
            .push(DistributedCacheFile::new(entry_name, file_name));
        self
    }

    /// The file name of the job graph, from whichever of the two fields is set.
    pub fn job_graph_file_name(&self) -> Option<&str> {
        self.request
            .execution_plan_file_name
            .as_deref()
            .or(self.request.job_graph_file_name.as_deref())
    }

    /// The names of the uploaded files, in the order of the body: the job graph, the jars, the
    /// artifacts.
    pub fn file_names(&self) -> Vec<&str> {
        let request = &self.request;
        self.job_graph_file_name()
            .into_iter()
            .chain(request.job_jar_file_names.iter().map(String::as_str))
            .chain(
                request
                    .job_artifact_file_names
                    .iter()
                    .map(|artifact| artifact.file_name.as_str()),
            )
            .collect()
    }

    /// Checks what Flink would refuse, or could not tell apart, before anything is sent: a job
    /// graph is named, every file name is a plain name, no file is named twice (Flink finds
    /// the files by name), and no cache entry is named twice.
    pub fn check(&self) -> Result<(), ApiError> {
        let request = &self.request;
        let graph = match (
            request.execution_plan_file_name.as_deref(),
            request.job_graph_file_name.as_deref(),
        ) {
            (None, None) => {
                return Err(ApiError::invalid(
                    "job submission",
                    "POST /jobs",
                    "name the job graph's file (executionPlanFileName, or jobGraphFileName before Flink 2.0)",
                ));
            }
            (Some(plan), Some(graph)) if plan != graph => {
                return Err(ApiError::invalid(
                    "job graph file name",
                    &format!("{plan} / {graph}"),
                    "executionPlanFileName and jobGraphFileName name different files; set only one, the submission picks the field the server reads",
                ));
            }
            (Some(name), _) | (None, Some(name)) => name,
        };
        check_file_name("job graph file name", graph)?;
        for jar in &request.job_jar_file_names {
            check_file_name("jar file name", jar)?;
        }
        let mut entries = HashSet::new();
        for artifact in &request.job_artifact_file_names {
            check_file_name("artifact file name", &artifact.file_name)?;
            if artifact.entry_name.trim().is_empty() {
                return Err(ApiError::invalid(
                    "artifact entry name",
                    &artifact.entry_name,
                    format!(
                        "give the name the job registered `{}` under in its distributed cache",
                        artifact.file_name
                    ),
                ));
            }
            if !entries.insert(artifact.entry_name.as_str()) {
                return Err(ApiError::invalid(
                    "artifact entry name",
                    &artifact.entry_name,
                    "two artifacts have this entry name; each entry of the distributed cache is one file",
                ));
            }
        }
        let mut names = HashSet::new();
        for name in self.file_names() {
            if !names.insert(name) {
                return Err(ApiError::invalid(
                    "job submission file",
                    name,
                    "this file name is given twice (as graph, jar or artifact); Flink finds the uploaded files by name, so send each file once and give different files different names",
                ));
            }
        }
        Ok(())
    }

    /// The multipart boundary.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The request's `Content-Type`: `multipart/form-data; boundary=…`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The bytes around the files, after [`SubmitJobGraph::check`]: one piece before each
    /// file (the first also holds the JSON part), and the closing boundary last.
    pub fn framing(&self) -> Result<Vec<Bytes>, ApiError> {
        self.check()?;
        let json = serde_json::to_string(&self.request)
            .map_err(|error| ApiError::invalid("request body", "POST /jobs", error.to_string()))?;
        let boundary = &self.boundary;
        let jars = self.request.job_jar_file_names.len();
        let mut pieces = Vec::new();
        // What goes before the next file's headers: the JSON part, then the end of a file.
        let mut before = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{REQUEST_PART}\"\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{json}\r\n"
        );
        for (index, name) in self.file_names().into_iter().enumerate() {
            let content_type = if (1..=jars).contains(&index) {
                "application/x-java-archive"
            } else {
                "application/octet-stream"
            };
            let head = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file_{index}\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            );
            pieces.push(Bytes::from(before + &head));
            before = String::from("\r\n");
        }
        pieces.push(Bytes::from(before + &format!("--{boundary}--\r\n")));
        Ok(pieces)
    }

    /// The length of the whole body for files of `file_lengths` bytes, in the order of
    /// [`SubmitJobGraph::file_names`].
    pub fn content_length(&self, file_lengths: &[u64]) -> Result<u64, ApiError> {
        let files = self.file_names().len();
        if file_lengths.len() != files {
            return Err(ApiError::invalid(
                "file lengths",
                &format!("{file_lengths:?}"),
                format!(
                    "give one length for each of the {files} files, in the order of `file_names`"
                ),
            ));
        }
        let framing: u64 = self.framing()?.iter().map(|piece| piece.len() as u64).sum();
        Ok(file_lengths
            .iter()
            .fold(framing, |total, length| total.saturating_add(*length)))
    }

    /// The request without its body: method, path, `Accept`, `Content-Type` and an exact
    /// `Content-Length` for files of `file_lengths` bytes. No `Expect` header, as for the jar
    /// upload.
    pub fn request(&self, file_lengths: &[u64]) -> Result<http::Request<()>, ApiError> {
        http::Request::builder()
            .method(Method::POST)
            .uri(self.path())
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, self.content_type())
            .header(header::CONTENT_LENGTH, self.content_length(file_lengths)?)
            .body(())
            .map_err(|error| ApiError::invalid("request", &describe(self), error.to_string()))
    }

    /// The id of the submitted job, from the `jobUrl` of Flink's answer.
    pub fn job_id(response: &JobSubmitResponse) -> Result<JobId, ApiError> {
        response
            .job_id_text()
            .unwrap_or_default()
            .parse()
            .map_err(|error: ApiError| ApiError::Decode {
                request: "POST /jobs".to_owned(),
                status: StatusCode::ACCEPTED,
                path: "jobUrl".to_owned(),
                message: format!("the job url does not end in a job id: {error}"),
                body_prefix: response.job_url.clone(),
            })
    }
}

impl Endpoint for SubmitJobGraph {
    const NAME: &'static str = "jobs.submit";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        "/jobs".to_owned()
    }

    /// Always an error: the body streams files, sent by `FlinkClient::submit_job_graph`.
    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        Err(ApiError::invalid(
            "request",
            "POST /jobs",
            "a job submission streams files; send it with `FlinkClient::submit_job_graph`, or frame it yourself with `SubmitJobGraph::framing`",
        ))
    }

    fn idempotent(&self) -> bool {
        false
    }

    fn timeout(&self) -> Option<Duration> {
        Some(UPLOAD_TIMEOUT)
    }

    const VERSION_DEPENDENT: bool = true;

    /// Puts the graph's file name into the field the server reads: `executionPlanFileName`
    /// from Flink 2.0 on, `jobGraphFileName` before.
    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        let request = &mut self.request;
        let (from, to) = if version.at_least(2, 0) {
            (
                &mut request.job_graph_file_name,
                &mut request.execution_plan_file_name,
            )
        } else {
            (
                &mut request.execution_plan_file_name,
                &mut request.job_graph_file_name,
            )
        };
        if let Some(name) = from.take() {
            to.get_or_insert(name);
        }
        Ok(())
    }
}

impl JsonEndpoint for SubmitJobGraph {
    type Output = JobSubmitResponse;
}

/// A plain file name that Flink stores the part under and finds it by.
fn check_file_name(what: &'static str, name: &str) -> Result<(), ApiError> {
    let reason = if name.is_empty() {
        Some("a file name cannot be empty")
    } else if name == "." || name == ".." {
        Some("`.` and `..` are not file names")
    } else if name.contains(['/', '\\']) {
        Some("give the file's name only, without a directory")
    } else if name.contains('"') || name.chars().any(char::is_control) {
        Some(
            "Flink cannot match a name with `\"` or control characters to its part; rename the file",
        )
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ApiError::invalid(what, name, reason)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_for_newest, decode_response};

    fn submission() -> SubmitJobGraph {
        SubmitJobGraph::with_boundary("job.graph", "XyZ")
            .unwrap()
            .jar("flink-rs-testjob.jar")
            .artifact("words", "words.txt")
    }

    #[test]
    fn framing_is_exact() {
        let submit = submission();
        assert_eq!(
            submit.file_names(),
            ["job.graph", "flink-rs-testjob.jar", "words.txt"]
        );
        let framing = submit.framing().unwrap();
        assert_eq!(framing.len(), 4);
        assert_eq!(
            framing[0],
            "--XyZ\r\nContent-Disposition: form-data; name=\"request\"\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n\
             {\"executionPlanFileName\":\"job.graph\",\"jobJarFileNames\":[\"flink-rs-testjob.jar\"],\"jobArtifactFileNames\":[{\"entryName\":\"words\",\"fileName\":\"words.txt\"}]}\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"file_0\"; filename=\"job.graph\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        );
        assert_eq!(
            framing[1],
            "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file_1\"; filename=\"flink-rs-testjob.jar\"\r\nContent-Type: application/x-java-archive\r\n\r\n"
        );
        assert_eq!(
            framing[2],
            "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file_2\"; filename=\"words.txt\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        );
        assert_eq!(framing[3], "\r\n--XyZ--\r\n");

        let request = submit.request(&[100, 2000, 3]).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/jobs");
        assert_eq!(
            request.headers()[header::CONTENT_TYPE],
            "multipart/form-data; boundary=XyZ"
        );
        let framing_length: usize = framing.iter().map(Bytes::len).sum();
        assert_eq!(
            request.headers()[header::CONTENT_LENGTH],
            (framing_length + 2103).to_string().as_str()
        );
        assert!(request.headers().get(header::EXPECT).is_none());
        assert!(!submit.idempotent());
        assert!(
            submit
                .content_length(&[1, 2])
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn the_graph_field_follows_the_server_version() {
        let mut old = submission();
        old.adapt_to(&"1.20.5".parse().unwrap()).unwrap();
        assert_eq!(old.request.execution_plan_file_name, None);
        assert_eq!(
            old.request.job_graph_file_name.as_deref(),
            Some("job.graph")
        );
        let framing = old.framing().unwrap();
        let head = String::from_utf8_lossy(&framing[0]);
        assert!(
            head.contains(r#"{"jobGraphFileName":"job.graph","#),
            "{head}"
        );
        assert_eq!(old.file_names()[0], "job.graph");

        let mut new = old.clone();
        new.adapt_to(&"2.3.0".parse().unwrap()).unwrap();
        assert_eq!(new.request.job_graph_file_name, None);
        assert_eq!(
            new.request.execution_plan_file_name.as_deref(),
            Some("job.graph")
        );
    }

    #[test]
    fn bad_submissions_are_refused_before_a_request_exists() {
        let cases = [
            ("no graph", {
                let mut submit = submission();
                submit.request.execution_plan_file_name = None;
                submit
            }),
            ("two graphs", {
                let mut submit = submission();
                submit.request.job_graph_file_name = Some("other.graph".to_owned());
                submit
            }),
            ("a jar twice", submission().jar("flink-rs-testjob.jar")),
            ("graph as jar", submission().jar("job.graph")),
            ("artifact as jar", submission().jar("words.txt")),
            ("entry twice", submission().artifact("words", "more.txt")),
            ("empty entry", submission().artifact(" ", "more.txt")),
            ("a path", submission().jar("lib/x.jar")),
            ("empty jar name", submission().jar("")),
            ("dot dot", submission().artifact("up", "..")),
            ("a quote", submission().jar("a\"b.jar")),
            ("a newline", submission().jar("a\nb.jar")),
        ];
        for (case, submit) in cases {
            let error = submit.check().unwrap_err();
            assert!(error.is_invalid_input(), "{case}: {error:?}");
            assert!(submit.framing().is_err(), "{case}");
            assert!(submit.request(&[0; 4]).is_err(), "{case}");
        }
        let twice = submission()
            .jar("flink-rs-testjob.jar")
            .check()
            .unwrap_err();
        assert!(
            twice.to_string().contains("flink-rs-testjob.jar"),
            "{twice}"
        );
        assert!(SubmitJobGraph::with_boundary("g", "bad boundary").is_err());
        assert!(SubmitJobGraph::with_boundary("g", "").is_err());
        assert_ne!(
            SubmitJobGraph::new("g").boundary(),
            SubmitJobGraph::new("g").boundary()
        );
        assert!(
            SubmitJobGraph::new("g").check().is_ok(),
            "jars are optional"
        );
    }

    #[test]
    fn a_submission_cannot_be_built_as_a_json_request() {
        assert!(
            build_for_newest(&submission())
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn answers_decode_to_a_job_id_or_flinks_error() {
        let submit = submission();
        let answer = decode_response(
            &submit,
            StatusCode::ACCEPTED,
            Some("application/json"),
            br#"{"jobUrl":"/jobs/1A82557F36B1714DEDDABAA43587E385"}"#,
        )
        .unwrap();
        assert_eq!(
            SubmitJobGraph::job_id(&answer).unwrap().as_str(),
            "1a82557f36b1714deddabaa43587e385"
        );
        let odd = JobSubmitResponse {
            job_url: "/jobs/".to_owned(),
            extra: flink_models::Extra::new(),
        };
        let error = SubmitJobGraph::job_id(&odd).unwrap_err();
        assert!(matches!(error, ApiError::Decode { .. }), "{error:?}");

        let error = decode_response(
            &submit,
            StatusCode::BAD_REQUEST,
            Some("application/json"),
            br#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Failed to deserialize JobGraph.\n\tat x"]}"#,
        )
        .unwrap_err();
        assert!(error.is_bad_request());
        assert!(error.to_string().starts_with("POST /jobs: "), "{error}");
        assert!(
            error
                .flink_message()
                .unwrap()
                .contains("Failed to deserialize"),
            "{error}"
        );
    }
}
