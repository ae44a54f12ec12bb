//! Live tests: job-graph submission (`POST /jobs`) with the test job's graph and jar.

use std::path::PathBuf;

use flink_client::api::jars::is_already_submitted;
use flink_client::prelude::*;

use crate::client;
use crate::testjob::{LIMIT, test_jar};

/// The test job's serialized job graph for the cluster's version, from `FLINK_TEST_JOB_GRAPH`
/// (set by `cargo xtask test`).
fn job_graph() -> PathBuf {
    match std::env::var_os("FLINK_TEST_JOB_GRAPH") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "FLINK_TEST_JOB_GRAPH is not set: run `cargo xtask test`, or write one with `cargo xtask testjob --job-graph VERSION` (the cluster's version) and set it to target/testjob/job-graph-VERSION.bin"
        ),
    }
}

/// A fresh temporary directory for files made up by a test.
fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flink-rs-live-submission-{}", JobId::generate()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_submitted_job_graph_runs_until_cancelled() {
    let client = client();
    let graph = job_graph();
    let job = match client.submit_job_graph(&graph, [test_jar()]).await {
        Ok(job) => job,
        Err(error) if is_already_submitted(&error) => panic!(
            "{error}: the job graph {} was already submitted to this cluster (a graph carries its job id); write a fresh one with `cargo xtask testjob --job-graph VERSION`",
            graph.display()
        ),
        Err(error) => panic!("submitting {}: {error:#?}", graph.display()),
    };
    let running = client
        .wait_for_job_state(&job, &[JobState::Running], LIMIT)
        .await;
    let details = client.job(job.clone()).await;
    let cancelled = client.cancel_job(job.clone()).await;
    assert_eq!(
        running.unwrap_or_else(|error| panic!("job {job} from the graph: {error}")),
        JobState::Running
    );
    let details = details.unwrap();
    assert_eq!(details.jid, job.as_str());
    assert_eq!(details.name, "flink-rs-testjob");
    cancelled.unwrap_or_else(|error| panic!("cancelling job {job}: {error}"));
    let state = client
        .wait_for_job_state(&job, &[JobState::Canceled], LIMIT)
        .await
        .unwrap();
    assert_eq!(state, JobState::Canceled);

    // The graph carries its job id: Flink refuses to run it twice.
    let again = client
        .submit_job_graph(&graph, [test_jar()])
        .await
        .unwrap_err();
    assert!(is_already_submitted(&again), "{again:?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn bad_input_is_refused_before_sending() {
    let client = client();
    let graph = job_graph();
    let jar = test_jar();
    let dir = temp_dir();
    let missing = client
        .submit_job_graph(dir.join("missing.graph"), [&jar])
        .await
        .unwrap_err();
    assert!(missing.is_invalid_input(), "{missing:?}");
    assert!(missing.to_string().contains("missing.graph"), "{missing}");
    let missing_jar = client
        .submit_job_graph(&graph, [dir.join("missing.jar")])
        .await
        .unwrap_err();
    assert!(missing_jar.is_invalid_input(), "{missing_jar:?}");
    let twice = client
        .submit_job_graph(&graph, [&jar, &jar])
        .await
        .unwrap_err();
    assert!(twice.is_invalid_input(), "{twice:?}");
    assert!(
        twice.to_string().contains("flink-rs-testjob.jar"),
        "{twice}"
    );
    let as_graph = client.submit_job_graph(&jar, [&jar]).await.unwrap_err();
    assert!(as_graph.is_invalid_input(), "{as_graph:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_corrupt_graph_is_flinks_typed_error() {
    let client = client();
    let jar = test_jar();
    let dir = temp_dir();
    let corrupt = dir.join("corrupt.graph");
    std::fs::copy(&jar, &corrupt).unwrap();
    let error = client.submit_job_graph(&corrupt, [&jar]).await.unwrap_err();
    assert!(error.is_bad_request(), "{error:?}");
    assert!(error.to_string().starts_with("POST /jobs: "), "{error}");
    // Flink says what it could not read, with Java serialization's complaint as the cause.
    let errors = error.flink_errors().join("\n");
    assert!(errors.contains("Failed to deserialize"), "{errors}");
    let cause = error.flink_message().unwrap();
    assert!(cause.contains("StreamCorruptedException"), "{cause}");
    std::fs::remove_dir_all(&dir).unwrap();
}
