//! Live-test support: the test job jar, uploaded and run on the cluster under test.

use std::path::PathBuf;

use flink_client::api::jars::RunJar;
use flink_client::prelude::*;

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
