//! What the recorded answers of Flink 2.3.0 and 1.20.5 say, read through their models (that
//! they encode back without loss is checked for every fixture in `lossless.rs`).

use std::path::Path;

use flink_models::Nullable;
use flink_models::cluster::{ClusterOverview, DashboardConfiguration, DataSetList};
use flink_models::common::{
    AsyncOperationResult, ConfigurationEntry, Empty, LogList, OperationOutcome, OperationState,
    ProfilingInfo, ProfilingList, ProfilingMode, ProfilingStatus, ThreadDump, TriggerResponse,
};
use flink_models::jars::JarList;
use flink_models::jobmanager::EnvironmentInfo;
use flink_models::jobs::checkpoints::CheckpointingStatistics;
use flink_models::jobs::details::JobDetailsInfo;
use flink_models::jobs::exceptions::JobExceptionsInfoWithHistory;
use flink_models::jobs::savepoints::SavepointOutcome;
use flink_models::metrics::{AggregatedMetric, Metric};
use flink_models::taskmanagers::{TaskManagerDetails, TaskManagerList};
use serde::de::DeserializeOwned;

const VERSIONS: [&str; 2] = ["2.3.0", "1.20.5"];

/// Decodes `tests/fixtures/<dir>/<name>.json` into `T`.
fn decode<T: DeserializeOwned>(dir: &str, name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn cluster_answers() {
    for version in VERSIONS {
        let overview: ClusterOverview = decode(version, "overview");
        assert_eq!(overview.flink_version, version);
        assert_eq!(overview.taskmanagers, 1);
        assert_eq!(overview.slots_total, 4);

        let config: DashboardConfiguration = decode(version, "dashboard_config");
        assert_eq!(config.flink_version, version);
        assert!(config.features.web_submit);

        let datasets: DataSetList = decode(version, "datasets");
        assert!(datasets.data_sets.is_empty());
    }
}

#[test]
fn cluster_answers_of_flink_1_15_to_1_17() {
    for version in ["1.15.4", "1.16.3", "1.17.2"] {
        let overview: ClusterOverview = decode(version, "overview");
        assert_eq!(overview.flink_version, version);
        assert_eq!(overview.taskmanagers, 1);
        // Blocked TaskManagers came with 1.16, and Flink leaves a count of 0 out.
        assert_eq!(overview.taskmanagers_blocked, None, "{version}");

        let config: DashboardConfiguration = decode(version, "dashboard_config");
        assert_eq!(config.flink_version, version);
        // A live cluster says it is no HistoryServer from 1.16 on; 1.15 does not say.
        let expected = (version != "1.15.4").then_some(false);
        assert_eq!(config.features.web_history, expected, "{version}");
        assert_eq!(config.features.web_rescale, None, "{version}");
    }
}

#[test]
fn jobmanager_answers() {
    for version in VERSIONS {
        let config: Vec<ConfigurationEntry> = decode(version, "jobmanager_config");
        assert!(!config.is_empty());
        let environment: EnvironmentInfo = decode(version, "jobmanager_environment");
        assert!(
            environment.jvm.version.contains("17"),
            "{}",
            environment.jvm.version
        );
        let logs: LogList = decode(version, "jobmanager_logs");
        assert!(
            logs.logs
                .iter()
                .any(|log| log.name.contains("standalonesession"))
        );
        let dump: ThreadDump = decode(version, "jobmanager_thread_dump");
        assert!(!dump.thread_infos.is_empty());
        let names: Vec<Metric> = decode(version, "jobmanager_metric_names");
        assert!(names.iter().all(|metric| metric.value.is_none()));
        let values: Vec<Metric> = decode(version, "jobmanager_metrics");
        let registered = values
            .iter()
            .find(|m| m.id == "numRegisteredTaskManagers")
            .unwrap();
        assert_eq!(registered.as_i64(), Some(1));
    }
}

#[test]
fn taskmanager_answers() {
    for version in VERSIONS {
        let list: TaskManagerList = decode(version, "taskmanagers");
        let listed = &list.taskmanagers[0];
        assert_eq!(listed.slots_number, 4);
        assert_eq!(
            listed.assigned_tasks.is_some(),
            version.starts_with('2'),
            "assignedTasks is new in 2.x"
        );

        let details: TaskManagerDetails = decode(version, "taskmanager_details");
        assert_eq!(details.info.id, listed.id);
        assert!(details.metrics.heap_max > 0);
        assert_eq!(
            details.metrics.memory_segments_total.is_some(),
            version.starts_with('1'),
            "only 1.x sends it"
        );

        let logs: LogList = decode(version, "taskmanager_logs");
        assert!(!logs.logs.is_empty());
        let metrics: Vec<Metric> = decode(version, "taskmanager_metrics");
        assert!(metrics[0].as_f64().unwrap() > 0.0);
        let aggregated: Vec<AggregatedMetric> = decode(version, "taskmanagers_metrics");
        let heap = &aggregated[0];
        assert!(
            heap.min.is_some()
                && heap.max.is_some()
                && heap.avg.is_some()
                && heap.sum.is_some()
                && heap.skew.is_some()
        );
    }
}

#[test]
fn written_answers() {
    let done: AsyncOperationResult<OperationOutcome> =
        decode("written", "operation_status.completed");
    assert_eq!(done.status.id, OperationState::Completed);
    assert!(done.operation.into_value().unwrap().failure_cause.is_none());

    let pending: AsyncOperationResult<OperationOutcome> =
        decode("written", "operation_status.in_progress");
    assert_eq!(pending.status.id, OperationState::InProgress);
    assert!(pending.operation.is_absent(), "written without the member");

    let failed: AsyncOperationResult<OperationOutcome> =
        decode("written", "operation_status.failed");
    let cause = failed
        .operation
        .into_value()
        .unwrap()
        .failure_cause
        .unwrap();
    assert_eq!(
        cause.class.as_deref(),
        Some("org.apache.flink.runtime.messages.FlinkJobNotFoundException")
    );

    let trigger: TriggerResponse = decode("written", "trigger_response");
    assert_eq!(trigger.request_id, "b07af121f175fd74a01a9bb2fcb77031");

    let started: ProfilingInfo = decode("written", "profiling_started");
    assert_eq!(started.status, Some(ProfilingStatus::Running));
    assert_eq!(started.mode, Some(ProfilingMode::Itimer));
    assert!(
        started.extra.contains_key("profilingMode"),
        "unknown fields are kept"
    );

    let list: ProfilingList = decode("written", "profiling_list");
    assert_eq!(
        list.profiling_list[0].output_file.as_deref(),
        Some("JobManager_ITIMER_2026-11-25_00_40_35.html")
    );
}

#[test]
fn explicit_nulls_are_told_apart_from_left_out_fields() {
    for version in VERSIONS {
        let running: CheckpointingStatistics = decode(version, "checkpoints");
        assert!(running.latest.completed.has_value());
        assert!(running.latest.savepoint.is_null(), "no savepoint yet");
        let completed = running.latest.completed.value().unwrap();
        assert!(completed.savepoint_format.is_null(), "a checkpoint");
        let with_savepoint: CheckpointingStatistics = decode(version, "checkpoints.with_savepoint");
        let savepoint = with_savepoint.latest.savepoint.value().unwrap();
        assert_eq!(savepoint.savepoint_format.as_deref(), Some("CANONICAL"));

        let jars: JarList = decode(version, "jars");
        assert!(jars.files[0].entry[0].description.is_null());

        let pending: AsyncOperationResult<SavepointOutcome> =
            decode(version, "savepoint_status.in_progress");
        assert!(pending.operation.is_null());
        let done: AsyncOperationResult<SavepointOutcome> = decode(version, "savepoint_status");
        assert!(done.operation.value().unwrap().location.is_some());

        let running: ProfilingInfo = decode(version, "profiling_started");
        assert!(running.finished_time.is_null() && running.output_file.is_null());
        let finished: ProfilingList = decode(version, "profiling_list");
        let run = &finished.profiling_list[0];
        assert!(run.finished_time.has_value() && run.output_file.has_value());
    }

    let legacy: JobExceptionsInfoWithHistory = decode("1.20.5", "job_exceptions.none");
    assert!(legacy.root_exception.is_null() && legacy.timestamp.is_null());
    let failed: JobExceptionsInfoWithHistory = decode("1.20.5", "job_exceptions");
    assert!(failed.root_exception.has_value());
    let current: JobExceptionsInfoWithHistory = decode("2.3.0", "job_exceptions");
    assert!(current.root_exception.is_absent(), "gone in 2.x");

    let job: JobDetailsInfo = decode("2.3.0", "job_details");
    assert_eq!(job.application_id.as_deref(), Some(job.jid.as_str()));
    let never_set_up: JobDetailsInfo = decode("2.3.0", "job_details.initialization_failed");
    assert_eq!(never_set_up.application_id, Nullable::Null);
    let legacy: JobDetailsInfo = decode("1.20.5", "job_details");
    assert_eq!(legacy.application_id, Nullable::Absent);
}

#[test]
fn unknown_enum_values_and_fields_are_kept() {
    let json = r#"{"status":{"id":"PAUSED","since":5},"operation":{"location":"x"}}"#;
    let result: AsyncOperationResult<OperationOutcome> = serde_json::from_str(json).unwrap();
    assert_eq!(
        result.status.id,
        OperationState::Unknown("PAUSED".to_owned())
    );
    assert_eq!(result.status.extra["since"], 5);
    assert_eq!(serde_json::to_string(&result).unwrap(), json);
    assert_eq!(
        "PAUSED".parse::<OperationState>().unwrap().to_string(),
        "PAUSED"
    );
}

#[test]
fn empty_accepts_anything_and_writes_an_empty_object() {
    for json in ["{}", "null", r#"{"unexpected":1}"#] {
        assert_eq!(serde_json::from_str::<Empty>(json).unwrap(), Empty);
    }
    assert_eq!(serde_json::to_string(&Empty).unwrap(), "{}");
}

#[test]
fn metric_values_are_read_as_numbers_where_they_are_numbers() {
    let metric = |value: &str| Metric {
        id: "m".to_owned(),
        value: Some(value.to_owned()),
        extra: serde_json::Map::default(),
    };
    assert_eq!(metric("6").as_i64(), Some(6));
    assert_eq!(metric("1.5e3").as_f64(), Some(1500.0));
    assert_eq!(metric("1.5e3").as_i64(), None);
    assert_eq!(metric("not-a-number").as_f64(), None);
    let name_only = Metric {
        id: "m".to_owned(),
        value: None,
        extra: serde_json::Map::default(),
    };
    assert_eq!(name_only.as_f64(), None);
}
