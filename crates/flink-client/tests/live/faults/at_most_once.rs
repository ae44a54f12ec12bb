//! Issue 10, point 1: a request without an idempotency key reaches Flink at most once.
//!
//! A proxy (Envoy, nginx) may answer 503 or reset the connection *after* it forwarded the
//! request; only Flink's own 503 (its JSON envelope, sent before dispatch) proves that nothing
//! ran, so only that one may be retried.

use flink_client::operation::{SavepointLocation, SavepointOptions};
use flink_client::prelude::*;
use flink_fault_proxy::{Answer, Fault, Route, Rule};
use http::Method;

use super::{
    assert_may_have_reached_flink, client_through, job_name, jobs_named, proxy, run_without_job_id,
    with_test_jar,
};
use crate::eventually;
use crate::savepoint_dir::SavepointDir;
use crate::testjob::{LIMIT, with_running_job};

/// The run request of `jar`.
fn run_route(jar: &JarId) -> Route {
    Route::exact(Method::POST, format!("/jars/{jar}/run"))
}

/// Waits until Flink lists a job named `name`, and returns how many it lists.
async fn jobs_started(name: &str) -> usize {
    eventually(&format!("a job named {name}"), LIMIT, || async {
        let jobs = jobs_named(name).await;
        (!jobs.is_empty()).then_some(jobs.len())
    })
    .await
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_jar_run_is_not_sent_again_after_a_proxys_503() {
    let Some(proxy) = proxy().await else { return };
    let name = job_name("run-503");
    let job_name = name.clone();
    with_test_jar(&name, |jar| async move {
        let run = run_route(&jar);
        let envoy = Fault::ForwardThenRespond(Answer::envoy_upstream_reset());
        proxy.add(Rule::new(run.clone(), envoy).times(1));
        let result = client_through(&proxy, |_| {})
            .run_jar(run_without_job_id(&jar, &job_name))
            .await;
        let started = jobs_started(&job_name).await;
        assert_eq!(
            proxy.forwarded(&run),
            1,
            "run requests that reached Flink (the client resent the run after the proxy's 503; result {result:?})"
        );
        assert_eq!(started, 1, "jobs named {job_name} on the cluster");
        let error = result.expect_err("the run was answered 503: the caller must hear of it");
        assert_may_have_reached_flink(&error);
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_flink_503_before_dispatch_is_retried_and_runs_one_job() {
    let Some(proxy) = proxy().await else { return };
    let name = job_name("run-flink-503");
    let job_name = name.clone();
    with_test_jar(&name, |jar| async move {
        let run = run_route(&jar);
        let no_leader = Fault::Respond(Answer::flink_no_leader());
        proxy.add(Rule::new(run.clone(), no_leader).times(1));
        let response = client_through(&proxy, |_| {})
            .run_jar(run_without_job_id(&jar, &job_name))
            .await
            .expect("Flink's own 503 comes before dispatch, so the run is retried");
        assert_eq!(
            (proxy.received(&run), proxy.forwarded(&run)),
            (2, 1),
            "run requests received by the proxy, and forwarded to Flink"
        );
        assert_eq!(jobs_started(&job_name).await, 1);
        let jobs = jobs_named(&job_name).await;
        assert_eq!(
            jobs[0].as_str(),
            response.jobid,
            "the job the client was told of"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_jar_run_is_not_sent_again_after_a_reset() {
    let Some(proxy) = proxy().await else { return };
    let name = job_name("run-reset");
    let job_name = name.clone();
    with_test_jar(&name, |jar| async move {
        let run = run_route(&jar);
        proxy.add(Rule::new(run.clone(), Fault::ForwardThenReset).times(1));
        let result = client_through(&proxy, |_| {})
            .run_jar(run_without_job_id(&jar, &job_name))
            .await;
        let started = jobs_started(&job_name).await;
        assert_eq!(
            proxy.forwarded(&run),
            1,
            "run requests that reached Flink (result {result:?})"
        );
        assert_eq!(started, 1, "jobs named {job_name} on the cluster");
        let error = result
            .expect_err("the connection was reset before an answer: the caller must hear of it");
        assert_may_have_reached_flink(&error);
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_savepoint_disposal_is_not_sent_again_after_a_proxys_503() {
    let Some(proxy) = proxy().await else { return };
    with_running_job(&["--rate", "10"], |client, job| async move {
        let dir = SavepointDir::new();
        let options = SavepointOptions::new().target_directory(dir.uri());
        let savepoint: SavepointLocation = client
            .trigger_savepoint(job.clone(), options)
            .await
            .expect("triggering a savepoint, directly")
            .wait(LIMIT)
            .await
            .expect("the savepoint, directly");
        assert_eq!(dir.savepoints().len(), 1, "the savepoint is on disk");
        let disposal = Route::exact(Method::POST, "/savepoint-disposal");
        let envoy = Fault::ForwardThenRespond(Answer::envoy_upstream_reset());
        proxy.add(Rule::new(disposal.clone(), envoy).times(1));
        let result = client_through(&proxy, |_| {})
            .dispose_savepoint(savepoint.clone())
            .await;
        assert_eq!(
            proxy.forwarded(&disposal),
            1,
            "disposal requests that reached Flink (result {:?})",
            result.as_ref().map(Operation::description)
        );
        // The one forwarded disposal did its work.
        eventually(&format!("{savepoint} to be disposed of"), LIMIT, || async {
            dir.savepoints().is_empty().then_some(())
        })
        .await;
        let error = result
            .map(|operation| operation.description())
            .expect_err("the disposal was answered 503: the caller must hear of it");
        assert_may_have_reached_flink(&error);
    })
    .await;
}
