//! Live tests of the `/jobmanager/*` endpoints.

use std::time::Duration;

use flink_client::models::common::{ProfilingMode, ProfilingRequest, ProfilingStatus};
use flink_client::prelude::*;

use crate::{client, eventually, read_all};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn config_lists_the_rest_port() {
    let entries = client().jobmanager_config().await.unwrap();
    let url = std::env::var("FLINK_REST_URL").unwrap();
    let port = entries
        .iter()
        .find(|entry| entry.key == "rest.port")
        .expect("rest.port is configured");
    assert!(
        url.trim_end_matches('/')
            .ends_with(&format!(":{}", port.value)),
        "{url} vs {port:?}"
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn environment_describes_the_jvm() {
    let client = client();
    let environment = client.jobmanager_environment().await;
    let Some(environment) = crate::added_in(&client, (1, 16), environment).await else {
        return;
    };
    assert!(!environment.jvm.version.is_empty());
    assert!(!environment.jvm.arch.is_empty());
    assert!(
        environment
            .classpath
            .iter()
            .any(|entry| entry.contains("flink-dist")),
        "{:?}",
        environment.classpath
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn logs_are_listed_and_each_kind_is_streamed() {
    let client = client();
    let logs = client.jobmanager_logs().await.unwrap();
    let log = logs
        .logs
        .iter()
        .find(|log| {
            log.name.contains("standalonesession")
                && log.name.to_ascii_lowercase().ends_with(".log")
        })
        .unwrap_or_else(|| panic!("the JobManager's log is listed: {logs:?}"));
    assert!(log.size > 0);

    let (main, chunks) = read_all(client.jobmanager_log_file(LogFile::Main).await.unwrap()).await;
    assert!(chunks >= 1);
    assert!(String::from_utf8_lossy(&main).contains("StandaloneSessionClusterEntrypoint"));

    let named = client
        .jobmanager_log_file(LogFile::Named(log.name.parse().unwrap()))
        .await
        .unwrap();
    let (named, _) = read_all(named).await;
    assert!(
        i64::try_from(named.len()).unwrap() >= log.size,
        "the file only grows: {} < {}",
        named.len(),
        log.size
    );

    // The JobManager writes nothing to stdout in this setup; the answer is still a file.
    client.jobmanager_log_file(LogFile::Stdout).await.unwrap();
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_missing_log_file_is_not_found() {
    let error = client()
        .jobmanager_log_file(LogFile::Named("no-such-file.log".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn metrics_are_named_then_read_even_in_long_lists() {
    let client = client();
    // The metric fetcher fills the list a few seconds after the first request.
    let names = eventually("JobManager metric names", Duration::from_secs(30), || {
        let client = client.clone();
        async move {
            let names = client.jobmanager_metric_names().await.unwrap();
            (!names.is_empty()).then_some(names)
        }
    })
    .await;
    assert!(
        names
            .iter()
            .any(|metric| metric.id == "numRegisteredTaskManagers"),
        "{names:?}"
    );

    // 300 names that do not exist force several requests; the real one still comes back.
    let mut wanted: Vec<String> = (0..300)
        .map(|i| format!("no.such.metric.number.{i}"))
        .collect();
    wanted.push("numRegisteredTaskManagers".to_owned());
    let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
    let values = client.jobmanager_metrics(&wanted).await.unwrap();
    assert_eq!(values.len(), 1, "{values:?}");
    assert!(values[0].as_i64().unwrap() >= 1, "{values:?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn thread_dump_lists_threads() {
    let dump = client().jobmanager_thread_dump().await.unwrap();
    assert!(dump.thread_infos.len() > 10);
    assert!(
        dump.thread_infos
            .iter()
            .any(|t| t.stringified_thread_info.contains("at "))
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn profiler_runs_and_its_file_is_streamed() {
    let client = client();
    if !crate::flink_at_least(&client, 1, 19).await {
        let error = client.jobmanager_profiling_list().await.unwrap_err();
        assert!(
            error.is_unsupported(),
            "the profiler came with 1.19: {error:?}"
        );
        return;
    }
    let started = client
        .trigger_jobmanager_profiling(ProfilingRequest::new(ProfilingMode::Itimer, 1))
        .await
        .unwrap();
    assert_eq!(
        started.status,
        Some(ProfilingStatus::Running),
        "{started:?}"
    );
    let trigger_time = started.trigger_time;

    let finished = eventually("the profile to finish", Duration::from_secs(30), || {
        let client = client.clone();
        async move {
            let list = client.jobmanager_profiling_list().await.unwrap();
            list.profiling_list.into_iter().find(|p| {
                p.trigger_time == trigger_time && p.status != Some(ProfilingStatus::Running)
            })
        }
    })
    .await;
    assert_eq!(
        finished.status,
        Some(ProfilingStatus::Finished),
        "{finished:?}"
    );
    let file = finished
        .output_file
        .into_value()
        .expect("a finished profile names its file");
    let (html, _) = read_all(
        client
            .jobmanager_profiling_file(file.parse().unwrap())
            .await
            .unwrap(),
    )
    .await;
    assert!(!html.is_empty());
}
