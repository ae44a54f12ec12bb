//! Every recorded answer of Flink 2.3.0 and 1.20.5 decodes into its model, and encodes back
//! to the same JSON: nothing the server sent is lost.

use std::path::Path;

use flink_models::cluster::{ClusterOverview, DashboardConfiguration, DataSetList};
use flink_models::common::{
    AsyncOperationResult, ConfigurationEntry, Empty, LogList, OperationOutcome, OperationState,
    ProfilingInfo, ProfilingList, ProfilingMode, ProfilingStatus, ThreadDump, TriggerResponse,
};
use flink_models::jobmanager::EnvironmentInfo;
use flink_models::metrics::{AggregatedMetric, Metric};
use flink_models::taskmanagers::{TaskManagerDetails, TaskManagerList};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const VERSIONS: [&str; 2] = ["2.3.0", "1.20.5"];

fn fixture(dir: &str, name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes a fixture into `T` and checks that encoding it again gives the same JSON.
///
/// `null` fields count as absent: Flink writes some optional fields as `null`, the models skip
/// them when they are empty.
fn round_trip<T: DeserializeOwned + Serialize>(dir: &str, name: &str) -> T {
    let original = fixture(dir, name);
    let model: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{dir}/{name}.json does not decode: {e}"));
    let encoded = serde_json::to_value(&model).expect("a decoded model encodes");
    assert_eq!(
        without_nulls(encoded),
        without_nulls(original),
        "{dir}/{name}.json lost data"
    );
    model
}

fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[test]
fn cluster_answers_round_trip() {
    for version in VERSIONS {
        let overview: ClusterOverview = round_trip(version, "overview");
        assert_eq!(overview.flink_version, version);
        assert_eq!(overview.taskmanagers, 1);
        assert_eq!(overview.slots_total, 4);

        let config: DashboardConfiguration = round_trip(version, "dashboard_config");
        assert_eq!(config.flink_version, version);
        assert!(config.features.web_submit);

        let datasets: DataSetList = round_trip(version, "datasets");
        assert!(datasets.data_sets.is_empty());
    }
}

#[test]
fn jobmanager_answers_round_trip() {
    for version in VERSIONS {
        let config: Vec<ConfigurationEntry> = round_trip(version, "jobmanager_config");
        assert!(!config.is_empty());
        let environment: EnvironmentInfo = round_trip(version, "jobmanager_environment");
        assert!(
            environment.jvm.version.contains("17"),
            "{}",
            environment.jvm.version
        );
        let logs: LogList = round_trip(version, "jobmanager_logs");
        assert!(
            logs.logs
                .iter()
                .any(|log| log.name.contains("standalonesession"))
        );
        let dump: ThreadDump = round_trip(version, "jobmanager_thread_dump");
        assert!(!dump.thread_infos.is_empty());
        let names: Vec<Metric> = round_trip(version, "jobmanager_metric_names");
        assert!(names.iter().all(|metric| metric.value.is_none()));
        let values: Vec<Metric> = round_trip(version, "jobmanager_metrics");
        let registered = values
            .iter()
            .find(|m| m.id == "numRegisteredTaskManagers")
            .unwrap();
        assert_eq!(registered.as_i64(), Some(1));
    }
}

#[test]
fn taskmanager_answers_round_trip() {
    for version in VERSIONS {
        let list: TaskManagerList = round_trip(version, "taskmanagers");
        let listed = &list.taskmanagers[0];
        assert_eq!(listed.slots_number, 4);
        assert_eq!(
            listed.assigned_tasks.is_some(),
            version.starts_with('2'),
            "assignedTasks is new in 2.x"
        );

        let details: TaskManagerDetails = round_trip(version, "taskmanager_details");
        assert_eq!(details.info.id, listed.id);
        assert!(details.metrics.heap_max > 0);
        assert_eq!(
            details.metrics.memory_segments_total.is_some(),
            version.starts_with('1'),
            "only 1.x sends it"
        );

        let logs: LogList = round_trip(version, "taskmanager_logs");
        assert!(!logs.logs.is_empty());
        let metrics: Vec<Metric> = round_trip(version, "taskmanager_metrics");
        assert!(metrics[0].as_f64().unwrap() > 0.0);
        let aggregated: Vec<AggregatedMetric> = round_trip(version, "taskmanagers_metrics");
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
fn written_answers_round_trip() {
    let done: AsyncOperationResult<OperationOutcome> = round_trip("written", "operation_completed");
    assert_eq!(done.status.id, OperationState::Completed);
    assert!(done.operation.unwrap().failure_cause.is_none());

    let pending: AsyncOperationResult<OperationOutcome> =
        round_trip("written", "operation_in_progress");
    assert_eq!(pending.status.id, OperationState::InProgress);
    assert!(pending.operation.is_none());

    let failed: AsyncOperationResult<OperationOutcome> = round_trip("written", "operation_failed");
    let cause = failed.operation.unwrap().failure_cause.unwrap();
    assert_eq!(
        cause.class.as_deref(),
        Some("org.apache.flink.runtime.messages.FlinkJobNotFoundException")
    );

    let trigger: TriggerResponse = round_trip("written", "trigger_response");
    assert_eq!(trigger.request_id, "b07af121f175fd74a01a9bb2fcb77031");

    let started: ProfilingInfo = round_trip("written", "profiling_started");
    assert_eq!(started.status, Some(ProfilingStatus::Running));
    assert_eq!(started.mode, Some(ProfilingMode::Itimer));
    assert!(
        started.extra.contains_key("profilingMode"),
        "unknown fields are kept"
    );

    let list: ProfilingList = round_trip("written", "profiling_list");
    assert_eq!(
        list.profiling_list[0].output_file.as_deref(),
        Some("JobManager_ITIMER_2026-11-25_00_40_35.html")
    );
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
