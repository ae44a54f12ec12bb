//! flink-api over ureq, live: the executor of `examples/ureq` against a real cluster (run by
//! `cargo xtask test` on every Flink version it starts, over mutual TLS where it is set up).
//! Proves that the crate's documented executor steps and re-exports are enough to run
//! endpoints fitted to the server's version with another HTTP client.

use std::time::{Duration, Instant};

#[path = "../examples/ureq/executor.rs"]
mod executor;

use flink_api::logs::LogFile;
use flink_api::{ApplicationsApi, ClusterApi, JobId, JobManagerApi, JobsApi};

use executor::{UreqFlink, block_on};

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn the_ureq_executor_runs_endpoints_fitted_to_the_servers_version() {
    let flink = UreqFlink::from_env()
        .expect("usable FLINK_TLS_* files")
        .expect("FLINK_REST_URL names the cluster");
    let expected = std::env::var("FLINK_TEST_VERSION").expect("FLINK_TEST_VERSION is set");
    let version = flink.server_version().expect("GET /config");
    assert_eq!(version.to_string(), expected);

    let overview = block_on(flink.overview()).expect("the overview");
    assert_eq!(overview.flink_version, expected);
    assert!(overview.taskmanagers >= 1, "{overview:?}");

    // Version-dependent: applications exist from 2.3 on, and are refused before sending on
    // older servers; metrics go through the version check of every metric scope.
    let applications = block_on(flink.applications());
    if version.at_least(2, 3) {
        applications.expect("the applications of a 2.3 cluster");
    } else {
        let error = applications.expect_err("no applications before 2.3");
        assert!(error.is_unsupported(), "{error:?}");
    }
    let heap = "Status.JVM.Memory.Heap.Used";
    // Flink fetches metrics every 10 s: a cluster that just started may have none yet.
    let deadline = Instant::now() + Duration::from_secs(60);
    let metrics = loop {
        let metrics = block_on(flink.jobmanager_metrics(&[heap])).expect("metrics");
        if !metrics.is_empty() || Instant::now() > deadline {
            break metrics;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(metrics.len(), 1, "{metrics:?}");
    assert_eq!(metrics[0].id, heap);
    assert!(metrics[0].value.is_some(), "{metrics:?}");

    // Flink's error envelope, decoded.
    let error = block_on(flink.job(JobId::generate())).expect_err("no such job");
    assert!(error.is_not_found(), "{error:?}");

    // A file answer, streamed.
    let mut log = block_on(flink.jobmanager_log_file(LogFile::Main)).expect("the log");
    let chunk = block_on(log.next_chunk())
        .expect("a first chunk")
        .expect("readable");
    assert!(!chunk.is_empty());
}
