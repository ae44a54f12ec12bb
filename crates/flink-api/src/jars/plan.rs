//! `GET` and `POST /jars/:jarid/plan`: the plan of a jar's program, with the options in the
//! query or as JSON.

use std::time::Duration;

use bytes::Bytes;
use http::Method;

use super::{JarProgram, check_parallelism, check_program};
use crate::endpoint::{Endpoint, JsonEndpoint, encode_segment};
use crate::{ApiError, JarId, json_body};
use flink_models::jars::JarPlanRequest;
use flink_models::jobs::plan::JobPlanInfo;

/// How long planning a jar may take (it runs the program's `main` too).
const PLAN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// `GET /jars/:jarid/plan`: the plan of a jar's program, with the options in the query. Set
/// them with the methods of [`JarProgram`].
///
/// Flink reads the `programArg` query parameter as a comma-separated list, so arguments that
/// contain a comma (or are empty) cannot be sent this way and are rejected, as are a job id and
/// configuration options, which the query has no place for; use [`PostJarPlan`], which sends
/// them as JSON.
#[derive(Clone, Debug)]
pub struct GetJarPlan {
    /// The jar to plan.
    pub jar: JarId,
    /// The program and its options (sent in the query).
    pub request: JarPlanRequest,
}

impl GetJarPlan {
    /// The plan of `jar` with its manifest's entry class, no arguments and the default
    /// parallelism.
    pub fn new(jar: JarId) -> Self {
        Self {
            jar,
            request: JarPlanRequest::default(),
        }
    }

    /// The program's arguments (none when unset).
    fn args(&self) -> &[String] {
        self.request
            .program_args_list
            .as_deref()
            .unwrap_or_default()
    }

    /// Refuses what the query cannot carry, naming `PostJarPlan`, which can.
    fn validate(&self) -> Result<(), ApiError> {
        check_parallelism(self.request.parallelism, &self.jar)?;
        let refuse = |what, value: &str, why: &str| {
            Err(ApiError::invalid(
                what,
                value,
                format!(
                    "the query of `GET /jars/{}/plan` {why}; use `PostJarPlan` (`jar_plan`), which sends JSON",
                    self.jar
                ),
            ))
        };
        if let Some(bad) = self.args().iter().find(|a| a.is_empty() || a.contains(',')) {
            return refuse(
                "program argument",
                bad,
                "splits arguments on commas, so an empty one or one with a comma cannot be sent",
            );
        }
        if let Some(job) = &self.request.job_id {
            return refuse("job id", job, "has no place for a job id");
        }
        if self.request.flink_configuration.is_some() {
            return refuse(
                "configuration",
                "",
                "has no place for configuration options",
            );
        }
        Ok(())
    }
}

impl JarProgram for GetJarPlan {
    fn program_mut(&mut self) -> &mut JarPlanRequest {
        &mut self.request
    }
}

impl Endpoint for GetJarPlan {
    const NAME: &'static str = "jars.plan";

    fn path(&self) -> String {
        format!("/jars/{}/plan", encode_segment(self.jar.as_str()))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(class) = &self.request.entry_class {
            query.push(("entry-class", class.clone()));
        }
        if let Some(parallelism) = self.request.parallelism {
            query.push(("parallelism", parallelism.to_string()));
        }
        if !self.args().is_empty() {
            query.push(("programArg", self.args().join(",")));
        }
        query
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        self.validate()?;
        Ok(None)
    }

    fn timeout(&self) -> Option<Duration> {
        Some(PLAN_TIMEOUT)
    }
}

impl JsonEndpoint for GetJarPlan {
    type Output = JobPlanInfo;
}

/// `POST /jars/:jarid/plan`: the plan of a jar's program, with the options (set with the
/// methods of [`JarProgram`]) as JSON. Runs the program's `main` but submits nothing, so it is
/// safe to retry.
#[derive(Clone, Debug)]
pub struct PostJarPlan {
    /// The jar to plan.
    pub jar: JarId,
    /// The program and its options.
    pub request: JarPlanRequest,
}

impl PostJarPlan {
    /// The plan of `jar` with its manifest's entry class, no arguments and the default
    /// parallelism.
    pub fn new(jar: JarId) -> Self {
        Self {
            jar,
            request: JarPlanRequest::default(),
        }
    }
}

impl JarProgram for PostJarPlan {
    fn program_mut(&mut self) -> &mut JarPlanRequest {
        &mut self.request
    }
}

impl Endpoint for PostJarPlan {
    const NAME: &'static str = "jars.plan";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!("/jars/{}/plan", encode_segment(self.jar.as_str()))
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        check_program(&self.request, &self.jar)?;
        json_body(&self.request)
    }

    fn idempotent(&self) -> bool {
        true
    }

    fn timeout(&self) -> Option<Duration> {
        Some(PLAN_TIMEOUT)
    }
}

impl JsonEndpoint for PostJarPlan {
    type Output = JobPlanInfo;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;
    use crate::jars::tests::{jar, json};

    #[test]
    fn get_plan_puts_the_options_in_the_query() {
        let plan = GetJarPlan::new(jar())
            .entry_class("flinklocal.TestJob")
            .parallelism(2)
            .args(["--rate", "5"]);
        let request = build_request(&plan).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri(),
            "/jars/2f1ada6b-c785_flink-rs-testjob.jar/plan?entry-class=flinklocal.TestJob&parallelism=2&programArg=--rate,5"
        );
        assert!(request.body().is_empty());
        let bare = build_request(&GetJarPlan::new(jar())).unwrap();
        assert_eq!(bare.uri(), "/jars/2f1ada6b-c785_flink-rs-testjob.jar/plan");
    }

    #[test]
    fn get_plan_refuses_arguments_the_query_would_split() {
        for bad in ["a,b", ""] {
            let error = build_request(&GetJarPlan::new(jar()).args(["--name", bad])).unwrap_err();
            assert!(error.is_invalid_input(), "{error}");
            assert!(error.to_string().contains("PostJarPlan"), "{error}");
        }
        let error = build_request(&GetJarPlan::new(jar()).parallelism(0)).unwrap_err();
        assert!(error.is_invalid_input());
        let error = build_request(&GetJarPlan::new(jar()).config("k", "v")).unwrap_err();
        assert!(error.to_string().contains("PostJarPlan"), "{error}");
    }

    #[test]
    fn post_plan_sends_json_and_may_be_retried() {
        let plan = PostJarPlan::new(jar())
            .entry_class("flinklocal.TestJob")
            .args(["--name", "a, b"])
            .parallelism(2)
            .config("parallelism.default", "3");
        assert!(plan.idempotent());
        let request = build_request(&plan).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(
            request.uri(),
            "/jars/2f1ada6b-c785_flink-rs-testjob.jar/plan"
        );
        assert_eq!(
            json(&request),
            serde_json::json!({
                "entryClass": "flinklocal.TestJob",
                "programArgsList": ["--name", "a, b"],
                "parallelism": 2,
                "flinkConfiguration": {"parallelism.default": "3"},
            })
        );
    }
}
