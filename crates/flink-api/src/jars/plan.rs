//! `GET` and `POST /jars/:jarid/plan`: the plan of a jar's program, with the options in the
//! query or as JSON.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http::Method;

use super::{check_job_id, check_parallelism};
use crate::endpoint::{Endpoint, JsonEndpoint, encode_segment};
use crate::{ApiError, JarId, json_body};
use flink_models::jars::JarPlanRequest;
use flink_models::jobs::plan::JobPlanInfo;

/// How long planning a jar may take (it runs the program's `main` too).
const PLAN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// `GET /jars/:jarid/plan`: the plan of a jar's program, with the options in the query.
///
/// Flink reads the `programArg` query parameter as a comma-separated list, so arguments that
/// contain a comma (or are empty) cannot be sent this way and are rejected; use
/// [`PostJarPlan`], which sends them as a JSON list.
#[derive(Clone, Debug)]
pub struct GetJarPlan {
    /// The jar to plan.
    pub jar: JarId,
    /// The class whose `main` builds the job; the manifest decides when `None`.
    pub entry_class: Option<String>,
    /// The default parallelism (at least 1).
    pub parallelism: Option<i32>,
    /// The program's arguments.
    pub args: Vec<String>,
}

impl GetJarPlan {
    /// The plan of `jar` with its manifest's entry class, no arguments and the default
    /// parallelism.
    pub fn new(jar: JarId) -> Self {
        Self {
            jar,
            entry_class: None,
            parallelism: None,
            args: Vec::new(),
        }
    }

    /// Plans the program of this class.
    #[must_use]
    pub fn entry_class(mut self, class: impl Into<String>) -> Self {
        self.entry_class = Some(class.into());
        self
    }

    /// Plans with this default parallelism (at least 1).
    #[must_use]
    pub fn parallelism(mut self, parallelism: i32) -> Self {
        self.parallelism = Some(parallelism);
        self
    }

    /// Passes these arguments to the program (none may contain a comma).
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args = args.into_iter().map(Into::into).collect();
        self
    }

    fn validate(&self) -> Result<(), ApiError> {
        check_parallelism(self.parallelism, &self.jar)?;
        if let Some(bad) = self.args.iter().find(|a| a.is_empty() || a.contains(',')) {
            return Err(ApiError::invalid(
                "program argument",
                bad,
                format!(
                    "the query of `GET /jars/{}/plan` splits arguments on commas, so an empty one or one with a comma cannot be sent; use `PostJarPlan` (`jar_plan`), which sends a JSON list",
                    self.jar
                ),
            ));
        }
        Ok(())
    }
}

impl Endpoint for GetJarPlan {
    const NAME: &'static str = "jars.plan";

    fn path(&self) -> String {
        format!("/jars/{}/plan", encode_segment(self.jar.as_str()))
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(class) = &self.entry_class {
            query.push(("entry-class", class.clone()));
        }
        if let Some(parallelism) = self.parallelism {
            query.push(("parallelism", parallelism.to_string()));
        }
        if !self.args.is_empty() {
            query.push(("programArg", self.args.join(",")));
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

/// `POST /jars/:jarid/plan`: the plan of a jar's program, with the options as JSON. Runs the
/// program's `main` but submits nothing, so it is safe to retry.
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

    /// Plans the program of this class.
    #[must_use]
    pub fn entry_class(mut self, class: impl Into<String>) -> Self {
        self.request.entry_class = Some(class.into());
        self
    }

    /// Plans with this default parallelism (at least 1).
    #[must_use]
    pub fn parallelism(mut self, parallelism: i32) -> Self {
        self.request.parallelism = Some(parallelism);
        self
    }

    /// Passes these arguments to the program, each as it is.
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.request.program_args_list = Some(args.into_iter().map(Into::into).collect());
        self
    }

    /// Sets a configuration option for the program, such as `parallelism.default`.
    #[must_use]
    pub fn config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.request
            .flink_configuration
            .get_or_insert_with(BTreeMap::new)
            .insert(key.into(), value.into());
        self
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
        check_parallelism(self.request.parallelism, &self.jar)?;
        check_job_id(self.request.job_id.as_deref())?;
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
