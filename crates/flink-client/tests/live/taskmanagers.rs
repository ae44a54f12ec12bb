//! Live tests of the `/taskmanagers/*` endpoints.

use std::time::Duration;

use flink_client::models::common::{ProfilingMode, ProfilingRequest, ProfilingStatus};
use flink_client::prelude::*;

use crate::{client, eventually, first_taskmanager, is_flink_2_3, read_all};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn list_and_details_agree() {
    let client = client();
    let list = client.taskmanagers().await.unwrap();
    let listed = list.taskmanagers.first().expect("one TaskManager");
    assert!(listed.slots_number >= 1);
    assert_eq!(
        listed.assigned_tasks.is_some(),
        is_flink_2_3(&client).await,
        "assignedTasks is new in 2.3"
    );

    let details = client
        .taskmanager(first_taskmanager(&client).await)
        .await
        .unwrap();
    assert_eq!(details.info.id, listed.id);
    assert_eq!(details.info.slots_number, listed.slots_number);
    assert!(details.metrics.heap_max > 0, "{:?}", details.metrics);
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn an_unknown_taskmanager_is_not_found() {
    let error = client()
        .taskmanager("no-such-taskmanager".parse().unwrap())
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(
        error
            .flink_message()
            .unwrap()
            .contains("no-such-taskmanager"),
        "{error}"
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn metrics_per_taskmanager_and_aggregated() {
    let client = client();
    let taskmanager = first_taskmanager(&client).await;
    let names = eventually("TaskManager metric names", Duration::from_secs(30), || {
        let client = client.clone();
        let taskmanager = taskmanager.clone();
        async move {
            let names = client.taskmanager_metric_names(taskmanager).await.unwrap();
            (!names.is_empty()).then_some(names)
        }
    })
    .await;
    let heap = "Status.JVM.Memory.Heap.Used";
    assert!(names.iter().any(|metric| metric.id == heap), "{names:?}");

    let values = client
        .taskmanager_metrics(taskmanager.clone(), &[heap])
        .await
        .unwrap();
    assert!(values[0].as_f64().unwrap() > 0.0, "{values:?}");

    let aggregatable = client.taskmanagers_metric_names().await.unwrap();
    assert!(aggregatable.iter().any(|metric| metric.id == heap));
    let aggregated = client
        .taskmanagers_metrics(
            &[heap],
            &[Aggregation::Min, Aggregation::Max, Aggregation::Sum],
            vec![taskmanager],
        )
        .await
        .unwrap();
    let heap_used = &aggregated[0];
    assert!(
        heap_used.min.unwrap() > 0.0 && heap_used.min <= heap_used.max,
        "{heap_used:?}"
    );
    assert!(
        heap_used.avg.is_none(),
        "only the requested aggregations come back: {heap_used:?}"
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn logs_are_listed_and_each_kind_is_streamed() {
    let client = client();
    let taskmanager = first_taskmanager(&client).await;
    let logs = client.taskmanager_logs(taskmanager.clone()).await.unwrap();
    let log = logs
        .logs
        .iter()
        .find(|log| {
            log.name.contains("taskexecutor") && log.name.to_ascii_lowercase().ends_with(".log")
        })
        .unwrap_or_else(|| panic!("the TaskManager's log is listed: {logs:?}"));

    let (main, _) = read_all(
        client
            .taskmanager_log_file(taskmanager.clone(), LogFile::Main)
            .await
            .unwrap(),
    )
    .await;
    assert!(
        String::from_utf8_lossy(&main).contains("TaskManagerRunner"),
        "the TaskManager's own log"
    );

    let named = client
        .taskmanager_log_file(
            taskmanager.clone(),
            LogFile::Named(log.name.parse().unwrap()),
        )
        .await
        .unwrap();
    let (named, _) = read_all(named).await;
    assert!(i64::try_from(named.len()).unwrap() >= log.size);

    client
        .taskmanager_log_file(taskmanager, LogFile::Stdout)
        .await
        .unwrap();
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn thread_dump_lists_threads() {
    let client = client();
    let dump = client
        .taskmanager_thread_dump(first_taskmanager(&client).await)
        .await
        .unwrap();
    assert!(dump.thread_infos.len() > 10);
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn profiler_runs_and_its_file_is_streamed() {
    let client = client();
    let taskmanager = first_taskmanager(&client).await;
    if !crate::flink_at_least(&client, 1, 19).await {
        let error = client
            .taskmanager_profiling_list(taskmanager)
            .await
            .unwrap_err();
        assert!(
            error.is_unsupported(),
            "the profiler came with 1.19: {error:?}"
        );
        return;
    }
    let started = client
        .trigger_taskmanager_profiling(
            taskmanager.clone(),
            ProfilingRequest::new(ProfilingMode::Itimer, 1),
        )
        .await
        .unwrap();
    let trigger_time = started.trigger_time;
    let finished = eventually("the profile to finish", Duration::from_secs(30), || {
        let client = client.clone();
        let taskmanager = taskmanager.clone();
        async move {
            let list = client
                .taskmanager_profiling_list(taskmanager)
                .await
                .unwrap();
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
            .taskmanager_profiling_file(taskmanager, file.parse().unwrap())
            .await
            .unwrap(),
    )
    .await;
    assert!(!html.is_empty());
}
