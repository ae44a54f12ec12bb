//! The test job on the cluster of the environment, run through the library (not flinkctl), so
//! that tests of flinkctl have a job to work on.

use std::path::PathBuf;
use std::time::Duration;

use flink_client::api::jars::RunJar;
use flink_client::prelude::*;

/// How long the test job may take to start or stop on a busy machine.
pub(crate) const LIMIT: Duration = Duration::from_secs(90);

/// The entry class of the test job.
pub(crate) const TEST_JOB_CLASS: &str = "flinklocal.TestJob";

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("a runtime")
}

/// The client of the cluster under test; panics with what to do when there is none.
pub(crate) fn client() -> FlinkClient {
    FlinkClient::from_env().unwrap_or_else(|error| {
        panic!("live tests need a Flink cluster: {error}. Run `cargo xtask test`, or set FLINK_REST_URL")
    })
}

/// The test job's jar, from `FLINK_TEST_JAR`.
pub(crate) fn test_jar() -> PathBuf {
    match std::env::var_os("FLINK_TEST_JAR") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("FLINK_TEST_JAR is not set: run `cargo xtask testjob` / `cargo xtask test`"),
    }
}

/// The test job, running with all its tasks; cancelled when dropped (also on a panic).
pub(crate) struct TestJob {
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) client: FlinkClient,
    pub(crate) id: JobId,
}

impl TestJob {
    /// Uploads the test job's jar, runs `flinklocal.TestJob --rate 20` and waits until all
    /// its tasks run.
    pub(crate) fn start() -> Self {
        let jar = test_jar();
        let runtime = runtime();
        let client = client();
        let id = runtime.block_on(async {
            let uploaded = client
                .upload_jar(&jar)
                .await
                .expect("uploading the test jar");
            let job = JobId::generate();
            let run = RunJar::new(uploaded.clone())
                .entry_class(TEST_JOB_CLASS)
                .args(["--rate", "20"])
                .parallelism(1)
                .job_id(&job);
            let result = client.run_jar(run).await;
            let _ = client.delete_jar(uploaded).await;
            result.expect("running the test job");
            job
        });
        let job = Self {
            runtime,
            client,
            id,
        };
        job.runtime
            .block_on(job.client.wait_until_all_tasks_running(&job.id, LIMIT))
            .expect("the test job's tasks run");
        job
    }

    pub(crate) fn id(&self) -> String {
        self.id.to_string()
    }
}

impl Drop for TestJob {
    fn drop(&mut self) {
        let _ = self
            .runtime
            .block_on(self.client.cancel_job(self.id.clone()));
    }
}
