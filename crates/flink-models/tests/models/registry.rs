//! Which model each fixture decodes into, and the fixtures themselves.
//!
//! A fixture is `tests/fixtures/<dir>/<model>.json` or `<model>.<variant>.json`, where `<dir>`
//! is a Flink version (recorded answers) or `written` (requests and hand-written answers), and
//! `<model>` is one of the names of [`MODELS`]. A new fixture of a known model is covered by
//! every test at once; a fixture of an unknown model fails until its model is listed here.

use std::path::Path;

use flink_models::applications::{
    ApplicationDetailsInfo, ApplicationExceptionsInfoWithHistory, MultipleApplicationsDetails,
};
use flink_models::cluster::{ClusterOverview, DashboardConfiguration, DataSetList};
use flink_models::common::{
    AsyncOperationResult, ConfigurationEntry, LogList, OperationOutcome, ProfilingInfo,
    ProfilingList, ProfilingRequest, ThreadDump, TriggerResponse,
};
use flink_models::jars::{
    JarList, JarPlanRequest, JarRunApplicationRequest, JarRunApplicationResponse, JarRunRequest,
    JarRunResponse, JarUploadResponse,
};
use flink_models::jobmanager::EnvironmentInfo;
use flink_models::jobs::checkpoints::{
    CheckpointConfigInfo, CheckpointStatistics, CheckpointTriggerOutcome, CheckpointTriggerRequest,
    CheckpointingStatistics, TaskCheckpointStatisticsWithSubtaskDetails,
};
use flink_models::jobs::config::{JobConfigInfo, LogUrlResponse};
use flink_models::jobs::coordination::{
    ClientCoordinationRequest, ClientCoordinationResponse, JobClientHeartbeatRequest,
};
use flink_models::jobs::details::JobDetailsInfo;
use flink_models::jobs::exceptions::JobExceptionsInfoWithHistory;
use flink_models::jobs::overview::MultipleJobsDetails;
use flink_models::jobs::plan::JobPlanInfo;
use flink_models::jobs::rescales::{
    JobRescaleConfigInfo, JobRescaleDetails, JobRescalesOverview, JobRescalesSummary,
};
use flink_models::jobs::resources::JobResourceRequirements;
use flink_models::jobs::result::{JobAccumulatorsInfo, JobExecutionResultResponseBody};
use flink_models::jobs::savepoints::{
    SavepointDisposalRequest, SavepointOutcome, SavepointTriggerRequest, StopWithSavepointRequest,
};
use flink_models::jobs::state::{JobIdsWithStatus, JobStatusInfo};
use flink_models::jobs::submission::{JobSubmitRequest, JobSubmitResponse};
use flink_models::jobs::subtasks::{
    SubtaskExecutionAttemptAccumulatorsInfo, SubtaskExecutionAttemptDetailsInfo,
    SubtasksAllAccumulatorsInfo,
};
use flink_models::jobs::vertices::{
    JobVertexAccumulatorsInfo, JobVertexBackPressureInfo, JobVertexDetailsInfo,
    JobVertexTaskManagersInfo, SubtasksTimesInfo, VertexFlameGraph,
};
use flink_models::metrics::{AggregatedMetric, Metric};
use flink_models::taskmanagers::{TaskManagerDetails, TaskManagerList};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes JSON text into one model and encodes the model again as JSON text.
pub(crate) type RoundTrip = fn(&str) -> Result<String, serde_json::Error>;

fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> Result<String, serde_json::Error> {
    serde_json::to_string(&serde_json::from_str::<T>(text)?)
}

/// A model and the name its fixtures start with.
pub(crate) struct Model {
    /// The first part of its fixtures' file names.
    pub(crate) name: &'static str,
    /// Decodes into the model and encodes it again.
    pub(crate) round_trip: RoundTrip,
}

macro_rules! models {
    ($($name:literal => $model:ty,)+) => {
        /// Every request and answer model, by fixture name. `Empty` is not here: it stands for
        /// an answer without content and accepts any body, even none, by design.
        pub(crate) const MODELS: &[Model] = &[
            $(Model { name: $name, round_trip: round_trip::<$model> },)+
        ];
    };
}

models! {
    // The cluster, the JobManager and the TaskManagers.
    "overview" => ClusterOverview,
    "dashboard_config" => DashboardConfiguration,
    "datasets" => DataSetList,
    "jobmanager_config" => Vec<ConfigurationEntry>,
    "jobmanager_environment" => EnvironmentInfo,
    "jobmanager_logs" => LogList,
    "jobmanager_thread_dump" => ThreadDump,
    "jobmanager_metric_names" => Vec<Metric>,
    "jobmanager_metrics" => Vec<Metric>,
    "taskmanagers" => TaskManagerList,
    "taskmanager_details" => TaskManagerDetails,
    "taskmanager_logs" => LogList,
    "taskmanager_metrics" => Vec<Metric>,
    "taskmanagers_metrics" => Vec<AggregatedMetric>,
    "profiling_request" => ProfilingRequest,
    "profiling_started" => ProfilingInfo,
    "profiling_list" => ProfilingList,
    // Jars.
    "jar_upload" => JarUploadResponse,
    "jars" => JarList,
    "jar_plan_request" => JarPlanRequest,
    "jar_plan" => JobPlanInfo,
    "jar_run_request" => JarRunRequest,
    "jar_run" => JarRunResponse,
    "jar_run_application_request" => JarRunApplicationRequest,
    "jar_run_application" => JarRunApplicationResponse,
    // Jobs.
    "job_submit_request" => JobSubmitRequest,
    "job_submit" => JobSubmitResponse,
    "jobs" => JobIdsWithStatus,
    "jobs_overview" => MultipleJobsDetails,
    "job_details" => JobDetailsInfo,
    "job_status" => JobStatusInfo,
    "job_config" => JobConfigInfo,
    "job_plan" => JobPlanInfo,
    "job_exceptions" => JobExceptionsInfoWithHistory,
    "job_execution_result" => JobExecutionResultResponseBody,
    "job_accumulators" => JobAccumulatorsInfo,
    "job_metric_names" => Vec<Metric>,
    "jobs_metrics" => Vec<AggregatedMetric>,
    "log_url" => LogUrlResponse,
    "job_client_heartbeat_request" => JobClientHeartbeatRequest,
    "client_coordination_request" => ClientCoordinationRequest,
    "client_coordination_response" => ClientCoordinationResponse,
    "resource_requirements" => JobResourceRequirements,
    // Checkpoints, savepoints and other asynchronous operations.
    "checkpoints" => CheckpointingStatistics,
    "checkpoint_config" => CheckpointConfigInfo,
    "checkpoint_details" => CheckpointStatistics,
    "checkpoint_task_details" => TaskCheckpointStatisticsWithSubtaskDetails,
    "checkpoint_trigger_request" => CheckpointTriggerRequest,
    "checkpoint_trigger_status" => AsyncOperationResult<CheckpointTriggerOutcome>,
    "savepoint_trigger_request" => SavepointTriggerRequest,
    "stop_with_savepoint_request" => StopWithSavepointRequest,
    "savepoint_status" => AsyncOperationResult<SavepointOutcome>,
    "savepoint_disposal_request" => SavepointDisposalRequest,
    "operation_status" => AsyncOperationResult<OperationOutcome>,
    "trigger_response" => TriggerResponse,
    // Vertices and subtasks.
    "vertex" => JobVertexDetailsInfo,
    "vertex_subtask_times" => SubtasksTimesInfo,
    "vertex_taskmanagers" => JobVertexTaskManagersInfo,
    "vertex_accumulators" => JobVertexAccumulatorsInfo,
    "vertex_backpressure" => JobVertexBackPressureInfo,
    "vertex_flamegraph" => VertexFlameGraph,
    "vertex_watermarks" => Vec<Metric>,
    "vertex_metric_names" => Vec<Metric>,
    "subtasks_accumulators" => SubtasksAllAccumulatorsInfo,
    "subtasks_metrics" => Vec<AggregatedMetric>,
    "subtask" => SubtaskExecutionAttemptDetailsInfo,
    "subtask_attempt_accumulators" => SubtaskExecutionAttemptAccumulatorsInfo,
    // Applications and rescales (Flink 2.x).
    "applications_overview" => MultipleApplicationsDetails,
    "application" => ApplicationDetailsInfo,
    "application_exceptions" => ApplicationExceptionsInfoWithHistory,
    "rescales_config" => JobRescaleConfigInfo,
    "rescales_overview" => JobRescalesOverview,
    "rescales_summary" => JobRescalesSummary,
    "rescales_history" => Vec<JobRescaleDetails>,
    "rescale_details" => JobRescaleDetails,
}

/// One fixture file and the model it decodes into.
pub(crate) struct Fixture {
    /// `2.3.0/checkpoints.restored`: where it is, for messages.
    pub(crate) label: String,
    /// The model's name in [`MODELS`].
    pub(crate) model: &'static str,
    /// Decodes into the model and encodes it again.
    pub(crate) round_trip: RoundTrip,
    /// The file's JSON text.
    pub(crate) text: String,
}

impl Fixture {
    /// The fixture as a JSON value.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|error| panic!("{} is not JSON: {error}", self.label))
    }
}

/// Every fixture of every directory, sorted by label. Panics on a fixture whose model is not
/// listed in [`MODELS`].
pub(crate) fn fixtures() -> Vec<Fixture> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures = Vec::new();
    for dir in read_dir(&root).into_iter().filter(|dir| dir.is_dir()) {
        for file in read_dir(&dir) {
            let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
            let Some(stem) = file_name.strip_suffix(".json") else {
                continue;
            };
            let dir_name = dir.file_name().unwrap().to_string_lossy();
            let label = format!("{dir_name}/{stem}");
            let name = stem.split('.').next().unwrap();
            let model = MODELS
                .iter()
                .find(|model| model.name == name)
                .unwrap_or_else(|| panic!("{label}: no model named `{name}` in registry.rs"));
            fixtures.push(Fixture {
                text: std::fs::read_to_string(&file)
                    .unwrap_or_else(|error| panic!("{}: {error}", file.display())),
                label,
                model: model.name,
                round_trip: model.round_trip,
            });
        }
    }
    fixtures.sort_by(|a, b| a.label.cmp(&b.label));
    fixtures
}

fn read_dir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    paths
}
