//! `POST /jars/:jarid/run` and `POST /jars/:jarid/run-application`: run a jar's program.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::Method;

use super::{JarProgram, JarRestore, check_program};
use crate::endpoint::{Endpoint, JsonEndpoint, encode_segment};
use crate::{ApiError, ApplicationId, FlinkVersion, JarId, JobId, json_body};
use flink_models::jars::{
    JarPlanRequest, JarRunApplicationRequest, JarRunApplicationResponse, JarRunRequest,
    JarRunResponse,
};

/// How long running a jar may take: Flink runs the program's `main` before it answers, and
/// gives up itself after `web.timeout` (10 minutes by default).
const RUN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// `POST /jars/:jarid/run`: runs a jar's program, which submits a job; answers with its id.
/// Set the options with the methods of [`JarProgram`] and [`JarRestore`].
///
/// ```
/// use flink_api::jars::RunJar;
/// use flink_api::{Endpoint, FlinkVersion, JarProgram, JobId, build_request_for};
///
/// let job = JobId::generate();
/// let mut run = RunJar::new("8e5e_job.jar".parse()?)
///     .entry_class("flinklocal.TestJob")
///     .args(["--count", "20"])
///     .parallelism(2)
///     .job_id(&job);
/// assert!(run.idempotent(), "with a chosen job id, Flink refuses a second submission");
/// let request = build_request_for(&mut run, &FlinkVersion::new(2, 3, 0))?;
/// assert_eq!(request.uri(), "/jars/8e5e_job.jar/run");
/// # Ok::<(), flink_api::ApiError>(())
/// ```
#[derive(Clone, Debug)]
pub struct RunJar {
    /// The jar to run.
    pub jar: JarId,
    /// The program and its options.
    pub request: JarRunRequest,
}

impl RunJar {
    /// Runs `jar` with its manifest's entry class, no arguments and the default parallelism.
    pub fn new(jar: JarId) -> Self {
        Self {
            jar,
            request: JarRunRequest::default(),
        }
    }

    /// Gives the job this id. Flink refuses a second job with the same id, which makes the
    /// run safe to retry.
    #[must_use]
    pub fn job_id(mut self, job: &JobId) -> Self {
        self.request.program.job_id = Some(job.as_str().to_owned());
        self
    }
}

impl JarProgram for RunJar {
    fn program_mut(&mut self) -> &mut JarPlanRequest {
        &mut self.request.program
    }
}

impl JarRestore for RunJar {
    fn run_mut(&mut self) -> &mut JarRunRequest {
        &mut self.request
    }
}

impl Endpoint for RunJar {
    const NAME: &'static str = "jars.run";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!("/jars/{}/run", encode_segment(self.jar.as_str()))
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        check_run_request(&self.request, &self.jar)?;
        json_body(&self.request)
    }

    /// Only with a chosen job id: Flink then refuses a duplicate instead of starting a second
    /// job (see [`is_already_submitted`]).
    fn idempotent(&self) -> bool {
        self.request.program.job_id.is_some()
    }

    fn timeout(&self) -> Option<Duration> {
        Some(RUN_TIMEOUT)
    }

    const VERSION_DEPENDENT: bool = true;

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        if self.request.program.flink_configuration.is_some() {
            // Older versions refuse the unknown field with a 400.
            version.require(
                1,
                17,
                "configuration options in a jar run (`flinkConfiguration`)",
            )?;
        }
        if !version.at_least(1, 20)
            && let Some(mode) = self.request.claim_mode.take()
            && self.request.restore_mode.is_none()
        {
            self.request.restore_mode = Some(mode);
        }
        Ok(())
    }
}

impl JsonEndpoint for RunJar {
    type Output = JarRunResponse;
}

/// `POST /jars/:jarid/run-application` (Flink 2.3 and newer): runs a jar's program as an
/// application, which may submit several jobs; answers with the application's id.
///
/// On older servers it fails with [`ApiError::Unsupported`] before anything is sent. Set the
/// options with the methods of [`JarProgram`] and [`JarRestore`].
#[derive(Clone, Debug)]
pub struct RunJarApplication {
    /// The jar to run.
    pub jar: JarId,
    /// The program and its options.
    pub request: JarRunApplicationRequest,
}

impl RunJarApplication {
    /// Runs `jar` with its manifest's entry class, no arguments and the default parallelism.
    pub fn new(jar: JarId) -> Self {
        Self {
            jar,
            request: JarRunApplicationRequest::default(),
        }
    }

    /// Gives the (first) job this id.
    #[must_use]
    pub fn job_id(mut self, job: &JobId) -> Self {
        self.request.run.program.job_id = Some(job.as_str().to_owned());
        self
    }

    /// Gives the application this id (32 hexadecimal characters, like a job id).
    #[must_use]
    pub fn application_id(mut self, application: &ApplicationId) -> Self {
        self.request.application_id = Some(application.as_str().to_owned());
        self
    }
}

impl JarProgram for RunJarApplication {
    fn program_mut(&mut self) -> &mut JarPlanRequest {
        &mut self.request.run.program
    }
}

impl JarRestore for RunJarApplication {
    fn run_mut(&mut self) -> &mut JarRunRequest {
        &mut self.request.run
    }
}

impl Endpoint for RunJarApplication {
    const NAME: &'static str = "jars.run-application";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!(
            "/jars/{}/run-application",
            encode_segment(self.jar.as_str())
        )
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        check_run_request(&self.request.run, &self.jar)?;
        json_body(&self.request)
    }

    fn timeout(&self) -> Option<Duration> {
        Some(RUN_TIMEOUT)
    }

    const VERSION_DEPENDENT: bool = true;

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        version.require(2, 3, "POST /jars/:jarid/run-application")
    }
}

impl JsonEndpoint for RunJarApplication {
    type Output = JarRunApplicationResponse;
}

/// Whether a run failed because a job with the chosen id was already submitted, e.g. because
/// an earlier attempt of the same run reached Flink. The job with that id exists (or existed).
///
/// Flink 1.x reports a `DuplicateJobSubmissionException`, Flink 2.x (where a jar run is an
/// application with the job's id) a `DuplicateApplicationSubmissionException`, both as the
/// cause of a 400 "Could not execute application.".
pub fn is_already_submitted(error: &ApiError) -> bool {
    error.flink_errors().iter().any(|e| {
        e.contains("DuplicateJobSubmissionException")
            || e.contains("DuplicateApplicationSubmissionException")
            || e.contains("has already been submitted")
    })
}

/// Checks the options of a jar run as [`RunJar`] does before it sends them: a parallelism of
/// at least 1 and a well-formed job id. `jar` names the jar in the error (its id, or its path
/// before the upload).
pub fn check_run_request(request: &JarRunRequest, jar: &dyn fmt::Display) -> Result<(), ApiError> {
    check_program(&request.program, jar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jars::tests::{jar, json};
    use crate::{build_for_newest, build_request, build_request_for, check_input};
    use flink_models::jars::ClaimMode;
    use http::{StatusCode, header};

    #[test]
    fn run_sends_every_option_as_json() {
        let job: JobId = "a1b2c3d4e5f60718293a4b5c6d7e8f90".parse().unwrap();
        let run = RunJar::new(jar())
            .entry_class("flinklocal.TestJob")
            .args(["--name", "with space"])
            .parallelism(1)
            .job_id(&job)
            .savepoint_path("file:/tmp/sp")
            .allow_non_restored_state(true)
            .claim_mode(ClaimMode::NoClaim)
            .config("k", "v");
        let request = build_for_newest(&run).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri(),
            "/jars/2f1ada6b-c785_flink-rs-testjob.jar/run"
        );
        assert_eq!(request.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(
            json(&request),
            serde_json::json!({
                "entryClass": "flinklocal.TestJob",
                "programArgsList": ["--name", "with space"],
                "parallelism": 1,
                "jobId": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
                "savepointPath": "file:/tmp/sp",
                "allowNonRestoredState": true,
                "claimMode": "NO_CLAIM",
                "flinkConfiguration": {"k": "v"},
            })
        );
        assert!(run.timeout().unwrap() >= Duration::from_secs(60));
    }

    #[test]
    fn run_is_idempotent_only_with_a_job_id() {
        assert!(!RunJar::new(jar()).idempotent());
        assert!(RunJar::new(jar()).job_id(&JobId::generate()).idempotent());
        assert_eq!(
            build_for_newest(&RunJar::new(jar()))
                .unwrap()
                .body()
                .as_ref(),
            b"{}"
        );
    }

    #[test]
    fn run_rejects_a_parallelism_below_one_and_a_bad_job_id() {
        for parallelism in [0, -1] {
            let error = build_for_newest(&RunJar::new(jar()).parallelism(parallelism)).unwrap_err();
            assert!(error.is_invalid_input(), "{error}");
            assert!(error.to_string().contains("at least 1"), "{error}");
        }
        let mut run = RunJar::new(jar());
        run.request.program.job_id = Some("not-a-job".to_owned());
        assert!(build_for_newest(&run).unwrap_err().is_invalid_input());
    }

    #[test]
    fn claim_mode_becomes_restore_mode_before_flink_1_20() {
        let mut old = RunJar::new(jar()).claim_mode(ClaimMode::Claim);
        let error = build_request(&old).unwrap_err();
        assert!(
            matches!(error, ApiError::VersionRequired { .. }),
            "{error:?}"
        );
        let request = build_request_for(&mut old, &"1.19.1".parse().unwrap()).unwrap();
        assert_eq!(json(&request), serde_json::json!({"restoreMode": "CLAIM"}));
        for version in ["1.20.5", "2.3.0"] {
            let mut new = RunJar::new(jar()).claim_mode(ClaimMode::Claim);
            let request = build_request_for(&mut new, &version.parse().unwrap()).unwrap();
            assert_eq!(json(&request), serde_json::json!({"claimMode": "CLAIM"}));
        }
    }

    #[test]
    fn configuration_options_in_a_run_need_flink_1_17() {
        let mut plain = RunJar::new(jar()).parallelism(2);
        assert!(build_request_for(&mut plain, &"1.15.4".parse().unwrap()).is_ok());
        let mut configured = RunJar::new(jar()).config("parallelism.default", "2");
        let error = build_request_for(&mut configured, &"1.16.3".parse().unwrap()).unwrap_err();
        assert!(error.is_unsupported(), "{error:?}");
        assert!(error.to_string().contains("flinkConfiguration"), "{error}");
        let request = build_request_for(&mut configured, &"1.17.2".parse().unwrap()).unwrap();
        assert_eq!(
            json(&request),
            serde_json::json!({"flinkConfiguration": {"parallelism.default": "2"}})
        );
    }

    #[test]
    fn run_application_needs_flink_2() {
        let app: ApplicationId = "0123456789abcdef0123456789abcdef".parse().unwrap();
        let mut run = RunJarApplication::new(jar())
            .entry_class("flinklocal.TestJob")
            .args(["--count", "5"])
            .application_id(&app);
        let error = build_request_for(&mut run, &"1.20.5".parse().unwrap()).unwrap_err();
        assert!(error.is_unsupported());
        assert!(error.to_string().contains("run-application"), "{error}");
        let request = build_request_for(&mut run, &"2.3.0".parse().unwrap()).unwrap();
        assert_eq!(
            request.uri(),
            "/jars/2f1ada6b-c785_flink-rs-testjob.jar/run-application"
        );
        assert_eq!(
            json(&request),
            serde_json::json!({
                "entryClass": "flinklocal.TestJob",
                "programArgsList": ["--count", "5"],
                "applicationId": "0123456789abcdef0123456789abcdef",
            })
        );
        assert!(!run.idempotent());
        // Bad input is refused before the version is looked at, even by an old server.
        let mut bad = RunJarApplication::new(jar()).parallelism(0);
        assert!(check_input(&bad).unwrap_err().is_invalid_input());
        let error = build_request_for(&mut bad, &"1.20.5".parse().unwrap()).unwrap_err();
        assert!(error.is_invalid_input());
    }

    #[test]
    fn a_duplicate_submission_is_recognised() {
        let error = ApiError::Flink {
            request: "POST /jars/x.jar/run".to_owned(),
            status: StatusCode::BAD_REQUEST,
            errors: vec!["org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has already been submitted.".to_owned()],
            extra: Box::default(),
        };
        assert!(is_already_submitted(&error));
        let v2 = ApiError::Flink {
            request: "POST /jars/x.jar/run".to_owned(),
            status: StatusCode::BAD_REQUEST,
            errors: vec!["RestHandlerException: Could not execute application.\nCaused by: org.apache.flink.runtime.client.DuplicateApplicationSubmissionException: Application has already been submitted.".to_owned()],
            extra: Box::default(),
        };
        assert!(is_already_submitted(&v2));
        let other = ApiError::Flink {
            request: "POST /jars/x.jar/run".to_owned(),
            status: StatusCode::BAD_REQUEST,
            errors: vec!["Could not execute application.".to_owned()],
            extra: Box::default(),
        };
        assert!(!is_already_submitted(&other));
    }
}
