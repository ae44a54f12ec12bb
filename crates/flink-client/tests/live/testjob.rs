//! Live-test support: the test job jar, uploaded and run on the cluster under test.

use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use flink_client::api::jars::RunJar;
use flink_client::prelude::*;

use crate::client;

/// How long a test job may take to start, take a savepoint, finish or be cancelled on a busy
/// machine.
pub(crate) const LIMIT: Duration = Duration::from_secs(90);

/// The entry class of the test job.
pub(crate) const TEST_JOB_CLASS: &str = "flinklocal.TestJob";

/// The test job's jar, from `FLINK_TEST_JAR` (set by `cargo xtask test`).
pub(crate) fn test_jar() -> PathBuf {
    match std::env::var_os("FLINK_TEST_JAR") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "FLINK_TEST_JAR is not set: run `cargo xtask testjob` / `cargo xtask test`, or set it to target/testjob/flink-rs-testjob.jar"
        ),
    }
}

/// Uploads the test job's jar and returns its id.
pub(crate) async fn upload_test_jar(client: &FlinkClient) -> JarId {
    let jar = test_jar();
    client
        .upload_jar(&jar)
        .await
        .unwrap_or_else(|error| panic!("uploading {}: {error}", jar.display()))
}

/// Uploads the test job, runs it with `args`, parallelism 1 and a generated job id, deletes
/// the jar, and returns the job's id as soon as the run call returned.
pub(crate) async fn run_test_job(client: &FlinkClient, args: &[&str]) -> JobId {
    let jar = upload_test_jar(client).await;
    let job = JobId::generate();
    let run = RunJar::new(jar.clone())
        .entry_class(TEST_JOB_CLASS)
        .args(args.iter().copied())
        .parallelism(1)
        .job_id(&job);
    let result = client.run_jar(run).await;
    let deleted = client.delete_jar(jar.clone()).await;
    let response = result.unwrap_or_else(|error| panic!("running the test job {args:?}: {error}"));
    deleted.unwrap_or_else(|error| panic!("deleting jar {jar}: {error}"));
    assert_eq!(response.jobid, job.as_str(), "Flink used the chosen job id");
    job
}

/// Runs the test job with `args`, hands it to `body`, and cancels it afterwards, also when
/// `body` panics (the TaskManager has few slots, and tests run concurrently).
pub(crate) async fn with_job<F, Fut>(args: &[&str], body: F)
where
    F: FnOnce(FlinkClient, JobId) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let client = client();
    let job = run_test_job(&client, args).await;
    let outcome = tokio::spawn(body(client.clone(), job.clone())).await;
    // Flink accepts a cancel of a cancelled job, and refuses (409) one of a job that has
    // finished or failed: both mean the job no longer runs.
    let cancelled = client.cancel_job(job.clone()).await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
    if let Err(error) = cancelled {
        assert!(error.is_conflict(), "cancelling job {job}: {error}");
    }
}

/// Like [`with_job`], but hands the job to `body` only once all its tasks run.
pub(crate) async fn with_running_job<F, Fut>(args: &[&str], body: F)
where
    F: FnOnce(FlinkClient, JobId) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_job(args, |client, job| async move {
        client
            .wait_until_all_tasks_running(&job, LIMIT)
            .await
            .unwrap_or_else(|error| panic!("waiting for all tasks of job {job} to run: {error}"));
        body(client, job).await;
    })
    .await;
}
