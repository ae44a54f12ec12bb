//! Submitting a jar: upload it, run it with a job id chosen here, optionally delete it.

use std::path::{Path, PathBuf};

use flink_api::jars::{RunJar, check_run_request, is_already_submitted};
use flink_api::{ApiError, JarId, JarProgram, JarRestore, JarsApi, JobId};
use flink_models::jars::{JarPlanRequest, JarRunRequest};

use crate::{FlinkClient, UploadOptions};

/// What [`FlinkClient::submit_jar`] does: upload a jar, run it with a job id the
/// client chooses, and optionally delete the jar afterwards. The program's options are set
/// with the methods of [`JarProgram`] and [`JarRestore`].
///
/// ```
/// use flink_client::SubmitJar;
/// use flink_client::prelude::{JarProgram, JarRestore};
///
/// let submit = SubmitJar::new("target/my-job.jar")
///     .entry_class("com.example.MyJob")
///     .args(["--input", "s3://bucket/in, with comma"])
///     .parallelism(4)
///     .from_savepoint("s3://bucket/savepoints/savepoint-1")
///     .delete_jar_after(true);
/// assert!(submit.deletes_jar_after());
/// ```
#[derive(Clone, Debug)]
pub struct SubmitJar {
    path: PathBuf,
    run: JarRunRequest,
    job_id: Option<JobId>,
    delete_jar_after: bool,
    upload: UploadOptions,
}

impl SubmitJar {
    /// Submits the jar at `path` with its manifest's entry class, no arguments and the
    /// cluster's default parallelism; the jar is kept after the run.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            run: JarRunRequest::default(),
            job_id: None,
            delete_jar_after: false,
            upload: UploadOptions::new(),
        }
    }

    /// Restores the job from this savepoint or retained checkpoint (the same as
    /// [`JarRestore::savepoint_path`]).
    #[must_use]
    pub fn from_savepoint(self, path: impl Into<String>) -> Self {
        self.savepoint_path(path)
    }

    /// Gives the job this id instead of a freshly generated one.
    ///
    /// If Flink already knows a job with this id, the submission counts as done (that is how
    /// a retried run is recognised), so use an id of your own only for this one submission.
    #[must_use]
    pub fn job_id(mut self, job: &JobId) -> Self {
        self.job_id = Some(job.clone());
        self
    }

    /// Deletes the uploaded jar once the run call returned, whether the run succeeded or not.
    #[must_use]
    pub fn delete_jar_after(mut self, delete: bool) -> Self {
        self.delete_jar_after = delete;
        self
    }

    /// Uploads with these options (progress reports, time limit).
    #[must_use]
    pub fn upload_options(mut self, options: UploadOptions) -> Self {
        self.upload = options;
        self
    }

    /// The jar's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the jar is deleted after the run.
    pub fn deletes_jar_after(&self) -> bool {
        self.delete_jar_after
    }

    /// The upload options.
    pub fn upload(&self) -> &UploadOptions {
        &self.upload
    }

    /// Checks the run's options (parallelism, job id) without uploading anything, so a
    /// submission that Flink would refuse fails before the jar is sent.
    pub fn validate(&self) -> Result<(), ApiError> {
        check_run_request(&self.run, &self.path.display())
    }

    /// The run of the uploaded `jar` and the id its job gets: the chosen one, or a new one.
    pub fn run_of(&self, jar: JarId) -> (JobId, RunJar) {
        let job = self.job_id.clone().unwrap_or_else(JobId::generate);
        let run = RunJar {
            jar,
            request: self.run.clone(),
        }
        .job_id(&job);
        (job, run)
    }
}

impl JarProgram for SubmitJar {
    fn program_mut(&mut self) -> &mut JarPlanRequest {
        &mut self.run.program
    }
}

impl JarRestore for SubmitJar {
    fn run_mut(&mut self) -> &mut JarRunRequest {
        &mut self.run
    }
}

/// The result of [`FlinkClient::submit_jar`].
#[derive(Debug)]
#[non_exhaustive]
pub struct SubmittedJar {
    /// The id of the submitted job.
    pub job: JobId,
    /// The id of the uploaded jar (already deleted if [`SubmittedJar::jar_deleted`]).
    pub jar: JarId,
    /// Whether the jar was deleted after the run.
    pub jar_deleted: bool,
    /// Why deleting the jar failed, when it was asked for and failed; the job runs anyway.
    pub delete_error: Option<ApiError>,
}

impl FlinkClient {
    /// Uploads a jar, runs it, and optionally deletes it: the whole submission in one call.
    ///
    /// The run carries a job id chosen here ([`JobId::generate`], or [`SubmitJar::job_id`]),
    /// so a run that is retried after a timeout never starts a second job: Flink refuses the
    /// duplicate, and that refusal counts as success for the same id. With
    /// [`SubmitJar::delete_jar_after`], the jar is deleted once the run call returned, also when
    /// the run failed; a failed deletion is reported in [`SubmittedJar::delete_error`] rather
    /// than hiding the job that runs.
    ///
    /// ```no_run
    /// use flink_client::prelude::*;
    ///
    /// # async fn run(client: FlinkClient) -> Result<(), ApiError> {
    /// let submitted = client
    ///     .submit_jar(
    ///         SubmitJar::new("target/my-job.jar")
    ///             .entry_class("com.example.MyJob")
    ///             .args(["--rate", "10"])
    ///             .parallelism(2)
    ///             .delete_jar_after(true),
    ///     )
    ///     .await?;
    /// println!("job {} is submitted", submitted.job);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn submit_jar(&self, submit: SubmitJar) -> Result<SubmittedJar, ApiError> {
        submit.validate()?;
        let uploaded = self
            .upload_jar_with(submit.path(), submit.upload().clone())
            .await?;
        let jar = uploaded.jar;
        let (chosen, run) = submit.run_of(jar.clone());
        let outcome = match self.run_jar(run).await {
            Ok(response) => response.jobid.parse::<JobId>(),
            Err(error) if is_already_submitted(&error) => {
                tracing::debug!(job = %chosen, "the job was already submitted, by an earlier attempt of this run");
                Ok(chosen)
            }
            Err(error) => Err(error),
        };
        let (jar_deleted, delete_error) = if submit.deletes_jar_after() {
            match self.delete_jar(jar.clone()).await {
                Ok(_) => (true, None),
                Err(error) => {
                    tracing::warn!(jar = %jar, error = %error, "could not delete the jar after running it");
                    (false, Some(error))
                }
            }
        } else {
            (false, None)
        };
        Ok(SubmittedJar {
            job: outcome?,
            jar,
            jar_deleted,
            delete_error,
        })
    }
}
