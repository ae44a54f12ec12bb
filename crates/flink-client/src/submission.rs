//! Streamed job-graph submission (`POST /jobs`): a serialized job graph, its jars and its
//! distributed-cache files in one multipart body, in constant memory.

use std::path::{Path, PathBuf};

#[cfg(test)]
use flink_api::FlinkVersion;
use flink_api::jobs::submission::SubmitJobGraph;
use flink_api::{ApiError, Endpoint, JobId, decode_response, describe};
use flink_models::jobs::submission::JobSubmitResponse;

use crate::FlinkClient;
use crate::upload::{
    FileKind, JAR, OpenFile, Segment, UploadBody, UploadOptions, file_name_of, open_file,
};

/// A serialized job graph.
const JOB_GRAPH: FileKind = FileKind {
    what: "job graph file",
    the: "the job graph",
    make_it: "write the job graph first (Java-serialized, with the server's Flink version)",
};

/// A file of the job's distributed cache.
const ARTIFACT: FileKind = FileKind {
    what: "artifact file",
    the: "the artifact",
    make_it: "create the file first",
};

/// The files of a job-graph submission for [`FlinkClient::submit_job_graph_with`]: the
/// serialized graph, the jars of the job's classes, the files of its distributed cache, and
/// how to send them: `JobGraphFiles::new("job.graph").jar("my-job.jar").artifact("words",
/// "words.txt")`.
#[derive(Clone, Debug)]
pub struct JobGraphFiles {
    job_graph: PathBuf,
    jars: Vec<PathBuf>,
    artifacts: Vec<(String, PathBuf)>,
    options: UploadOptions,
}

impl JobGraphFiles {
    /// The job graph at `job_graph` (Java-serialized by the Flink version the server runs),
    /// with no jars or artifacts yet and the default [`UploadOptions`].
    pub fn new(job_graph: impl Into<PathBuf>) -> Self {
        Self {
            job_graph: job_graph.into(),
            jars: Vec::new(),
            artifacts: Vec::new(),
            options: UploadOptions::new(),
        }
    }

    /// Adds a jar with the job's classes; a graph compiled from user code needs its jar.
    #[must_use]
    pub fn jar(mut self, path: impl Into<PathBuf>) -> Self {
        self.jars.push(path.into());
        self
    }

    /// Adds several jars.
    #[must_use]
    pub fn jars<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.jars.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Adds the file at `path` to the job's distributed cache, as the entry `entry_name` the
    /// job registered (`registerCachedFile`).
    #[must_use]
    pub fn artifact(mut self, entry_name: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        self.artifacts.push((entry_name.into(), path.into()));
        self
    }

    /// Sends the files with these progress reports (over all files together), time limit
    /// and chunk size.
    #[must_use]
    pub fn options(mut self, options: UploadOptions) -> Self {
        self.options = options;
        self
    }

    /// Every file with its kind, in the order of the body: graph, jars, artifacts.
    fn paths(&self) -> impl Iterator<Item = (&Path, FileKind)> {
        std::iter::once((self.job_graph.as_path(), JOB_GRAPH))
            .chain(self.jars.iter().map(|jar| (jar.as_path(), JAR)))
            .chain(
                self.artifacts
                    .iter()
                    .map(|(_, path)| (path.as_path(), ARTIFACT)),
            )
    }
}

/// A submitted job graph: the job's id and Flink's answer.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SubmittedJobGraph {
    /// The id of the submitted job (the one inside the graph).
    pub job: JobId,
    /// How many bytes of files were sent.
    pub bytes: u64,
    /// Flink's answer (`jobUrl`).
    pub response: JobSubmitResponse,
}

impl FlinkClient {
    /// Submits the serialized job graph at `job_graph` with the jars of its classes
    /// (`POST /jobs`) and returns the job's id.
    ///
    /// The graph must be Java-serialized by the Flink version the server runs, as Flink's own
    /// client does (`ObjectOutputStream` of the `JobGraph`); it carries its own job id, so a
    /// second submission of the same file is refused. The files are streamed in chunks, so
    /// memory use does not grow with their size. A missing file, or a file name given twice,
    /// is an [`ApiError::InvalidInput`] before anything is sent. The request is never
    /// retried. Flink answers once the job is submitted; wait for it to run with
    /// [`FlinkClient::wait_for_job_state`].
    pub async fn submit_job_graph<P: AsRef<Path>>(
        &self,
        job_graph: impl AsRef<Path>,
        jars: impl IntoIterator<Item = P>,
    ) -> Result<JobId, ApiError> {
        let files = JobGraphFiles::new(job_graph.as_ref())
            .jars(jars.into_iter().map(|jar| jar.as_ref().to_path_buf()));
        self.submit_job_graph_with(files)
            .await
            .map(|submitted| submitted.job)
    }

    /// Submits a job graph with jars, distributed-cache files, progress reports or another
    /// time limit; see [`FlinkClient::submit_job_graph`].
    pub async fn submit_job_graph_with(
        &self,
        files: JobGraphFiles,
    ) -> Result<SubmittedJobGraph, ApiError> {
        let mut names = Vec::new();
        for (path, kind) in files.paths() {
            names.push(file_name_of(path, kind)?);
        }
        let (graph, rest) = names.split_first().unwrap_or((&"", &[]));
        let (jars, artifacts) = rest.split_at(files.jars.len());
        let mut endpoint = jars
            .iter()
            .fold(SubmitJobGraph::new(*graph), |submit, jar| submit.jar(*jar));
        for ((entry, _), name) in files.artifacts.iter().zip(artifacts) {
            endpoint = endpoint.artifact(entry.as_str(), *name);
        }
        endpoint.check()?;

        let mut opened: Vec<(OpenFile, FileKind)> = Vec::new();
        for (path, kind) in files.paths() {
            opened.push((open_file(path, kind, |_| Ok(())).await?, kind));
        }
        endpoint.adapt_to(&self.server_version().await?)?;

        let lengths: Vec<u64> = opened.iter().map(|(file, _)| file.length).collect();
        let description = describe(&endpoint);
        let (parts, ()) = endpoint.request(&lengths)?.into_parts();
        let mut framing = endpoint.framing()?.into_iter();
        let mut segments = Vec::new();
        for (file, kind) in opened {
            segments.extend(framing.next().map(Segment::Bytes));
            segments.push(Segment::reader(kind, file.file, file.length));
        }
        segments.extend(framing.map(Segment::Bytes));
        let body = UploadBody::new(segments, &files.options);

        let (status, content_type, bytes) = self
            .send_streamed::<SubmitJobGraph>(parts, body, &files.options, &description)
            .await?;
        let response = decode_response(&endpoint, status, content_type.as_deref(), &bytes)?;
        let job = SubmitJobGraph::job_id(&response)?;
        Ok(SubmittedJobGraph {
            job,
            bytes: lengths.iter().sum(),
            response,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use flink_transport::mock::{self, ScriptedResponse};

    use super::*;

    #[tokio::test]
    async fn artifacts_follow_the_jars_and_progress_counts_every_file() {
        let (transport, handle) = mock::scripted([ScriptedResponse::json(
            202,
            r#"{"jobUrl":"/jobs/1a82557f36b1714deddabaa43587e385"}"#,
        )]);
        let client =
            FlinkClient::from_transport(transport).with_server_version(FlinkVersion::new(2, 3, 0));
        let dir = std::env::temp_dir().join(format!("flink-rs-submission-{}", JobId::generate()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, size) in [("job.graph", 3000), ("job.jar", 5000), ("words.txt", 10)] {
            std::fs::write(dir.join(name), vec![b'x'; size]).unwrap();
        }
        let reports = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&reports);
        let submitted = client
            .submit_job_graph_with(
                JobGraphFiles::new(dir.join("job.graph"))
                    .jar(dir.join("job.jar"))
                    .artifact("words", dir.join("words.txt"))
                    .options(
                        UploadOptions::new()
                            .with_chunk_size(1024)
                            .progress(Arc::new(move |sent, total| {
                                record.lock().unwrap().push((sent, total));
                            })),
                    ),
            )
            .await
            .unwrap();
        assert_eq!(submitted.job.as_str(), "1a82557f36b1714deddabaa43587e385");
        assert_eq!(submitted.bytes, 8010);
        let reports = reports.lock().unwrap().clone();
        assert_eq!(reports.last(), Some(&(8010, 8010)), "{reports:?}");
        assert!(reports.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(reports.len() >= 9, "1 KiB chunks: {reports:?}");

        let body = handle.requests()[0].body_text();
        assert!(
            body.contains(
                r#""jobArtifactFileNames":[{"entryName":"words","fileName":"words.txt"}]"#
            ),
            "{body}"
        );
        let graph = body.find("filename=\"job.graph\"").unwrap();
        let jar = body.find("filename=\"job.jar\"").unwrap();
        let words = body.find("filename=\"words.txt\"").unwrap();
        assert!(graph < jar && jar < words, "graph, jars, artifacts");

        let twice = client
            .submit_job_graph_with(
                JobGraphFiles::new(dir.join("job.graph"))
                    .artifact("a", dir.join("words.txt"))
                    .artifact("a", dir.join("job.jar")),
            )
            .await
            .unwrap_err();
        assert!(twice.is_invalid_input(), "{twice:?}");
        assert_eq!(handle.request_count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
