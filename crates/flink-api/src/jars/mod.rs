//! Jar endpoints: upload (the multipart framing), list, plan, run, run-application, delete.
//!
//! The upload itself streams a file, which needs IO: [`JarUpload`] only describes the request
//! (its multipart head and tail, boundary and lengths) and decodes the answer;
//! `flink_client::FlinkClient::upload_jar` sends it.

mod plan;
mod program;
mod run;
mod upload;

use std::fmt;
use std::future::Future;

use http::Method;

use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::{ApiError, JarId, JobId};
use flink_models::common::Empty;
use flink_models::jars::{JarList, JarPlanRequest, JarRunApplicationResponse, JarRunResponse};
use flink_models::jobs::plan::JobPlanInfo;

pub use plan::{GetJarPlan, PostJarPlan};
pub use program::{JarProgram, JarRestore};
pub use run::{RunJar, RunJarApplication, check_run_request, is_already_submitted};
pub use upload::{JarUpload, UPLOAD_TIMEOUT};

/// `GET /jars`: the uploaded jars and their entry classes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListJars;

impl Endpoint for ListJars {
    const NAME: &'static str = "jars.list";

    fn path(&self) -> String {
        "/jars".to_owned()
    }
}

impl JsonEndpoint for ListJars {
    type Output = JarList;
}

/// `DELETE /jars/:jarid`: deletes an uploaded jar. Deleting it again is an error (400).
#[derive(Clone, Debug)]
pub struct DeleteJar {
    /// The jar to delete.
    pub jar: JarId,
}

impl Endpoint for DeleteJar {
    const NAME: &'static str = "jars.delete";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> String {
        format!("/jars/{}", encode_segment(self.jar.as_str()))
    }
}

impl JsonEndpoint for DeleteJar {
    type Output = Empty;
}

/// Jar calls. Implemented for every [`Execute`]; bring it into scope to call them.
///
/// Uploading is `flink_client::FlinkClient::upload_jar`, since it streams a file.
pub trait JarsApi: Execute + Sync {
    /// `GET /jars`.
    fn jars(&self) -> impl Future<Output = Result<JarList, ApiError>> + Send {
        self.execute(ListJars)
    }

    /// `POST /jars/:jarid/plan`: the plan of a jar's program (see [`PostJarPlan`] for the
    /// options; [`GetJarPlan`] sends them in the query instead).
    fn jar_plan(
        &self,
        plan: PostJarPlan,
    ) -> impl Future<Output = Result<JobPlanInfo, ApiError>> + Send {
        self.execute(plan)
    }

    /// `GET /jars/:jarid/plan`: the plan, with the options in the query (see [`GetJarPlan`]).
    fn jar_plan_by_query(
        &self,
        plan: GetJarPlan,
    ) -> impl Future<Output = Result<JobPlanInfo, ApiError>> + Send {
        self.execute(plan)
    }

    /// `POST /jars/:jarid/run`: runs a jar (see [`RunJar`] for the options).
    fn run_jar(
        &self,
        run: RunJar,
    ) -> impl Future<Output = Result<JarRunResponse, ApiError>> + Send {
        self.execute(run)
    }

    /// `POST /jars/:jarid/run-application` (Flink 2.0+): runs a jar as an application.
    fn run_jar_application(
        &self,
        run: RunJarApplication,
    ) -> impl Future<Output = Result<JarRunApplicationResponse, ApiError>> + Send {
        self.execute(run)
    }

    /// `DELETE /jars/:jarid`.
    fn delete_jar(&self, jar: JarId) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(DeleteJar { jar })
    }
}

impl<T: Execute + Sync + ?Sized> JarsApi for T {}

/// Refuses a parallelism below 1, naming `jar` (its id, or a path) in the error.
fn check_parallelism(parallelism: Option<i32>, jar: &dyn fmt::Display) -> Result<(), ApiError> {
    match parallelism {
        Some(p) if p < 1 => Err(ApiError::invalid(
            "parallelism",
            &p.to_string(),
            format!(
                "the parallelism of a run of jar {jar} must be at least 1; leave it out to use the cluster's default"
            ),
        )),
        _ => Ok(()),
    }
}

/// Checks the program options before they are sent: a parallelism of at least 1 and a
/// well-formed job id. `jar` names the jar in the error (its id, or a path).
fn check_program(program: &JarPlanRequest, jar: &dyn fmt::Display) -> Result<(), ApiError> {
    check_parallelism(program.parallelism, jar)?;
    if let Some(id) = &program.job_id {
        id.parse::<JobId>()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;
    use bytes::Bytes;

    /// The jar id the tests of this module and its submodules use.
    pub(super) fn jar() -> JarId {
        "2f1ada6b-c785_flink-rs-testjob.jar".parse().unwrap()
    }

    /// The JSON body of a request.
    pub(super) fn json(request: &http::Request<Bytes>) -> serde_json::Value {
        serde_json::from_slice(request.body()).unwrap()
    }

    #[test]
    fn list_and_delete_requests() {
        let list = build_request(&ListJars).unwrap();
        assert_eq!(
            (list.method(), list.uri().to_string()),
            (&Method::GET, "/jars".to_owned())
        );
        let delete = build_request(&DeleteJar { jar: jar() }).unwrap();
        assert_eq!(delete.method(), Method::DELETE);
        assert_eq!(delete.uri(), "/jars/2f1ada6b-c785_flink-rs-testjob.jar");
        assert!(DeleteJar { jar: jar() }.idempotent());
    }
}
