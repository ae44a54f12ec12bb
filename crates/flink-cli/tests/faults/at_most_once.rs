//! Issue 10, point 1: `flinkctl api POST` of a jar run (Flink chooses the job id) reaches
//! Flink at most once, also when a proxy answers 503 after forwarding it.

use std::time::Duration;

use flink_fault_proxy::{Answer, Fault, Route, Rule};
use http::Method;

use crate::common::process::{Limits, watch};
use crate::common::test_job::{TEST_JOB_CLASS, test_jar};
use crate::proxied::{MAY_HAVE_REACHED_FLINK, Proxied, job_name};

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn api_post_of_a_jar_run_is_not_sent_again_after_a_proxys_503() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    let jar = proxied
        .block_on(proxied.direct().upload_jar(test_jar()))
        .expect("uploading the test jar, directly");
    let name = job_name("api-run-503");
    let path = format!("/jars/{jar}/run");
    let run = Route::exact(Method::POST, path.clone());
    let envoy = Fault::ForwardThenRespond(Answer::envoy_upstream_reset());
    proxied.proxy.add(Rule::new(run.clone(), envoy).times(1));
    let body = serde_json::json!({
        "entryClass": TEST_JOB_CLASS,
        "programArgsList": ["--rate", "10", "--name", name],
        "parallelism": 1,
    });
    let watched = watch(
        proxied.flinkctl(&["api", "POST", &path, "--data", &body.to_string()]),
        Limits::new(Duration::from_secs(60), 1024),
    );
    let forwarded = proxied.proxy.forwarded(&run);
    let started = proxied.jobs_started(&name);
    proxied.clean_up(&name, &[jar]);
    assert_eq!(
        forwarded,
        1,
        "run requests that reached Flink; {}",
        watched.describe()
    );
    assert_eq!(started, 1, "jobs named {name} on the cluster");
    assert_eq!(watched.code(), Some(1), "{}", watched.describe());
    assert!(
        watched
            .stderr
            .to_lowercase()
            .contains(&MAY_HAVE_REACHED_FLINK.to_lowercase()),
        "flinkctl must say the request {MAY_HAVE_REACHED_FLINK}; {}",
        watched.describe()
    );
}
