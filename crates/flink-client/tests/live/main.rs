//! Live tests: every endpoint against a real Flink cluster.
//!
//! They are ignored by a plain `cargo test`; `cargo xtask test` starts Flink 2.3.0 and 1.20.5
//! and runs them once per version with `FLINK_REST_URL` (and `FLINK_TEST_VERSION`) set.

mod applications;
mod checkpoints;
mod cluster;
#[path = "../common/errors.rs"]
mod errors;
mod faults;
mod fidelity;
mod history;
mod jars;
mod job_metrics;
mod jobmanager;
mod jobs;
mod rescales;
#[path = "../common/savepoint_dir.rs"]
mod savepoint_dir;
mod savepoints;
mod shutdown;
mod submission;
mod subtasks;
mod taskmanagers;
mod testjob;
mod vertices;
mod workflows;

use std::future::Future;
use std::time::{Duration, Instant};

use flink_client::prelude::*;

/// The client for the cluster under test; panics with what to do when there is none.
pub(crate) fn client() -> FlinkClient {
    match FlinkClient::from_env() {
        Ok(client) => client,
        Err(error) => panic!(
            "live tests need a Flink cluster: {error}. Run `cargo xtask test`, or set FLINK_REST_URL"
        ),
    }
}

/// The Flink version the cluster must report, when the runner said which one it started.
pub(crate) fn expected_version() -> Option<String> {
    std::env::var("FLINK_TEST_VERSION")
        .ok()
        .filter(|v| !v.is_empty())
}

/// Whether the cluster runs Flink `major.minor` or newer.
pub(crate) async fn flink_at_least(client: &FlinkClient, major: u16, minor: u16) -> bool {
    client
        .server_version()
        .await
        .expect("GET /config names the version")
        .at_least(major, minor)
}

/// Whether the cluster runs Flink 2.3 or newer: applications, rescales, `run-application` and
/// the fields that came with them (`applicationId`, `assignedTasks`, …) are new in 2.3.
pub(crate) async fn is_flink_2_3(client: &FlinkClient) -> bool {
    flink_at_least(client, 2, 3).await
}

/// Whether the cluster is Flink 2 or newer (some fields exist only there).
pub(crate) async fn is_flink_2(client: &FlinkClient) -> bool {
    let version = client
        .dashboard_config()
        .await
        .expect("GET /config")
        .flink_version;
    !version.starts_with("1.")
}

/// The id of the first registered TaskManager.
pub(crate) async fn first_taskmanager(client: &FlinkClient) -> TaskManagerId {
    let list = client.taskmanagers().await.expect("GET /taskmanagers");
    let first = list
        .taskmanagers
        .first()
        .expect("the cluster has a TaskManager");
    first
        .id
        .parse()
        .expect("Flink's TaskManager ids are valid ids")
}

/// Reads a streamed file to the end; returns its bytes and how many chunks they came in.
pub(crate) async fn read_all(mut stream: ByteStream) -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next_chunk().await {
        bytes.extend_from_slice(&chunk.expect("a chunk of the file"));
        chunks += 1;
    }
    (bytes, chunks)
}

/// The answer to a call that Flink `major.minor` added, or `None` on an older server, where
/// the client must have refused it before sending anything ([`ApiError::is_unsupported`]).
pub(crate) async fn added_in<T>(
    client: &FlinkClient,
    (major, minor): (u16, u16),
    answer: Result<T, ApiError>,
) -> Option<T> {
    if flink_at_least(client, major, minor).await {
        Some(answer.unwrap_or_else(|error| panic!("{error}")))
    } else {
        let Err(error) = answer else {
            panic!("Flink before {major}.{minor} lacks the call, yet it answered");
        };
        assert!(error.is_unsupported(), "{error:?}");
        None
    }
}

/// Polls `attempt` every 250 ms until it returns `Some`, or panics after `limit`.
pub(crate) async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = attempt().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
