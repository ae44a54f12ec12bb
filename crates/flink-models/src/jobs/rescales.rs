//! Rescales of a job (Flink 2.x): configuration, overview, summary, history, details.
//!
//! Only the adaptive scheduler rescales, and it records rescales only when
//! `web.adaptive-scheduler.rescale-history.size` is above 0 (it is 0 by default, and then the
//! counts are 0 and the history is empty). A rescale here is any time the scheduler settles the
//! job's parallelism, the first scheduling included.
//!
//! Flink writes every field it has no value for as `null` in these answers; such fields are
//! [`Nullable`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::jobs::checkpoints::StatsSummary;
use crate::taskmanagers::ResourceProfile;
use crate::{Extra, Nullable};

string_enum! {
    /// How the adaptive scheduler runs (`scheduler-mode`).
    pub enum SchedulerExecutionMode {
        /// Reactive mode: the job always uses every available slot.
        Reactive = "REACTIVE",
    }
}

string_enum! {
    /// How a rescale ended.
    pub enum RescaleTerminalState {
        /// The job runs with the new parallelism.
        Completed = "COMPLETED",
        /// The rescale failed.
        Failed = "FAILED",
        /// The rescale was dropped (superseded, or nothing to change).
        Ignored = "IGNORED",
    }
}

string_enum! {
    /// What started a rescale.
    pub enum RescaleTriggerCause {
        /// The job's first scheduling.
        InitialSchedule = "INITIAL_SCHEDULE",
        /// New resource requirements (`PUT /jobs/:jobid/resource-requirements`).
        UpdateRequirement = "UPDATE_REQUIREMENT",
        /// More slots became available.
        NewResourceAvailable = "NEW_RESOURCE_AVAILABLE",
        /// A restart after a recoverable failure.
        RecoverableFailover = "RECOVERABLE_FAILOVER",
    }
}

string_enum! {
    /// Why a rescale ended.
    pub enum RescaleTerminatedReason {
        /// It succeeded.
        Succeeded = "SUCCEEDED",
        /// An exception ended it.
        ExceptionOccurred = "EXCEPTION_OCCURRED",
        /// Newer resource requirements replaced it.
        ResourceRequirementsUpdated = "RESOURCE_REQUIREMENTS_UPDATED",
        /// Neither the resources nor the parallelism changed.
        NoResourcesOrParallelismsChange = "NO_RESOURCES_OR_PARALLELISMS_CHANGE",
        /// The job finished meanwhile.
        JobFinished = "JOB_FINISHED",
        /// The job failed meanwhile.
        JobFailed = "JOB_FAILED",
        /// The job was cancelled meanwhile.
        JobCanceled = "JOB_CANCELED",
        /// The job restarted after a failure meanwhile.
        JobFailoverRestarting = "JOB_FAILOVER_RESTARTING",
    }
}

/// `GET /jobs/:jobid/rescales/config`: the adaptive scheduler's settings for the job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRescaleConfigInfo {
    /// How many rescales the history keeps (`web.adaptive-scheduler.rescale-history.size`;
    /// 0 means no history).
    pub rescale_history_max: i32,
    /// Reactive mode, if it is on (`null` otherwise).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub scheduler_execution_mode: Nullable<SchedulerExecutionMode>,
    /// How long a new job waits for the slots it needs, in milliseconds.
    pub submission_resource_wait_timeout_in_millis: i64,
    /// How long a new job waits for the slots to stop changing, in milliseconds.
    pub submission_resource_stabilization_timeout_in_millis: i64,
    /// After how long an unused slot is given back, in milliseconds.
    pub slot_idle_timeout_in_millis: i64,
    /// How long a running job waits after a rescale before the next one, in milliseconds.
    pub executing_cooldown_timeout_in_millis: i64,
    /// How long a running job waits for the slots to stop changing, in milliseconds.
    pub executing_resource_stabilization_timeout_in_millis: i64,
    /// The longest delay between a possible rescale and its trigger, in milliseconds.
    pub maximum_delay_for_triggering_rescale_in_millis: i64,
    /// After how many failed checkpoints a pending rescale is triggered anyway.
    pub rescale_on_failed_checkpoint_count: i32,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One rescale: what started it, each vertex's and slot sharing group's parallelism before and
/// after, the scheduler states it went through, and how it ended.
///
/// `GET /jobs/:jobid/rescales/history` and the overview leave `vertices`, `slots` and
/// `scheduler_states` empty; `GET /jobs/:jobid/rescales/details/:rescaleuuid` fills them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRescaleDetails {
    /// The rescale's id (32 hexadecimal characters), for the details endpoint.
    pub rescale_uuid: String,
    /// The id of the resource requirements it works towards (32 hexadecimal characters).
    pub resource_requirements_uuid: String,
    /// Which attempt at these requirements it is, from 1.
    pub rescale_attempt_id: i64,
    /// Each vertex's parallelism, by vertex id.
    #[serde(default)]
    pub vertices: BTreeMap<String, VertexParallelismRescaleInfo>,
    /// Each slot sharing group's slots, by slot sharing group id.
    #[serde(default)]
    pub slots: BTreeMap<String, SlotSharingGroupRescaleInfo>,
    /// The scheduler states it went through, in order.
    #[serde(default)]
    pub scheduler_states: Vec<SchedulerStateSpan>,
    /// When it started, in milliseconds since the epoch.
    pub start_timestamp_in_millis: i64,
    /// When it ended, in milliseconds since the epoch; `null` while it runs.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub end_timestamp_in_millis: Nullable<i64>,
    /// How it ended; `null` while it runs.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub terminal_state: Nullable<RescaleTerminalState>,
    /// What started it.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub trigger_cause: Nullable<RescaleTriggerCause>,
    /// Why it ended; `null` while it runs.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub terminated_reason: Nullable<RescaleTerminatedReason>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The parallelism of one vertex in a rescale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VertexParallelismRescaleInfo {
    /// The vertex's id (32 hexadecimal characters).
    pub job_vertex_id: String,
    /// The vertex's name.
    pub job_vertex_name: String,
    /// Its slot sharing group's id.
    pub slot_sharing_group_id: String,
    /// Its slot sharing group's name (`default` unless the job sets one).
    pub slot_sharing_group_name: String,
    /// The parallelism the scheduler aims for.
    pub desired_parallelism: i32,
    /// The smallest parallelism the scheduler accepts to run with.
    pub sufficient_parallelism: i32,
    /// The parallelism before; `null` for the first scheduling.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub pre_rescale_parallelism: Nullable<i32>,
    /// The parallelism after; `null` until the rescale has one.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub post_rescale_parallelism: Nullable<i32>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The slots of one slot sharing group in a rescale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotSharingGroupRescaleInfo {
    /// The group's id.
    pub slot_sharing_group_id: String,
    /// The group's name.
    pub slot_sharing_group_name: String,
    /// The resources asked for per slot (all -1 when the job asks for none in particular).
    pub request_resource_profile: ResourceProfile,
    /// How many slots the scheduler aims for.
    pub desired_slots: i32,
    /// The fewest slots it accepts to run with.
    pub minimal_required_slots: i32,
    /// The slots before; `null` for the first scheduling.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub pre_rescale_slots: Nullable<i32>,
    /// The slots after; `null` until the rescale has them.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub post_rescale_slots: Nullable<i32>,
    /// The resources of the slots it got.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub acquired_resource_profile: Nullable<ResourceProfile>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A scheduler state a rescale went through (`WaitingForResources`, `Executing`, …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulerStateSpan {
    /// The state's name, as the adaptive scheduler calls it.
    pub state: String,
    /// When the scheduler entered it, in milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub enter_timestamp_in_millis: Nullable<i64>,
    /// When it left it, in milliseconds since the epoch; `null` while it is in it.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub leave_timestamp_in_millis: Nullable<i64>,
    /// How long it stayed, in milliseconds.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub duration_in_millis: Nullable<i64>,
    /// The exception that made it leave the state, as text.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub stringified_exception: Nullable<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How many rescales of a job ended each way.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RescalesCounts {
    /// Dropped rescales.
    pub ignored: i64,
    /// Running rescales.
    pub in_progress: i64,
    /// Completed rescales.
    pub completed: i64,
    /// Failed rescales.
    pub failed: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl RescalesCounts {
    /// All rescales, however they ended.
    pub fn total(&self) -> i64 {
        self.ignored + self.in_progress + self.completed + self.failed
    }
}

/// `GET /jobs/:jobid/rescales/overview`: the counts and the latest rescale of each outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRescalesOverview {
    /// How many rescales ended each way.
    pub rescales_counts: RescalesCounts,
    /// The latest rescale of each outcome.
    #[serde(default)]
    pub latest: LatestRescales,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The latest rescale of each outcome, without their vertex and slot details.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatestRescales {
    /// The latest completed rescale.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub completed: Nullable<JobRescaleDetails>,
    /// The latest failed rescale.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub failed: Nullable<JobRescaleDetails>,
    /// The latest dropped rescale.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub ignored: Nullable<JobRescaleDetails>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs/:jobid/rescales/summary`: counts and duration statistics of a job's rescales
/// (durations in milliseconds; percentiles are NaN without samples).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRescalesSummary {
    /// How many rescales ended each way.
    pub rescales_counts: RescalesCounts,
    /// Durations of all rescales.
    pub rescales_duration_stats_in_millis: StatsSummary,
    /// Durations of completed rescales.
    pub completed_rescales_duration_stats_in_millis: StatsSummary,
    /// Durations of dropped rescales.
    pub ignored_rescales_duration_stats_in_millis: StatsSummary,
    /// Durations of failed rescales.
    pub failed_rescales_duration_stats_in_millis: StatsSummary,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRIEF: &str = r#"{"rescaleUuid":"2e024f28004eb0eb0f9db9c5d24745e0","resourceRequirementsUuid":"c152f10d3800e70fbf888fa766000e79","rescaleAttemptId":1,"vertices":{},"slots":{},"schedulerStates":[],"startTimestampInMillis":1796164992429,"endTimestampInMillis":1796164993291,"terminalState":"COMPLETED","triggerCause":"INITIAL_SCHEDULE","terminatedReason":"SUCCEEDED"}"#;

    fn value(json: &str) -> serde_json::Value {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn config_decodes_with_a_null_mode() {
        let json = r#"{"rescaleHistoryMax":20,"schedulerExecutionMode":null,"submissionResourceWaitTimeoutInMillis":300000,"submissionResourceStabilizationTimeoutInMillis":10000,"slotIdleTimeoutInMillis":50000,"executingCooldownTimeoutInMillis":1000,"executingResourceStabilizationTimeoutInMillis":60000,"maximumDelayForTriggeringRescaleInMillis":6000,"rescaleOnFailedCheckpointCount":2}"#;
        let config: JobRescaleConfigInfo = serde_json::from_str(json).unwrap();
        assert_eq!(config.rescale_history_max, 20);
        assert_eq!(config.scheduler_execution_mode, Nullable::Null);
        assert_eq!(config.executing_cooldown_timeout_in_millis, 1000);
        let reactive: JobRescaleConfigInfo =
            serde_json::from_str(&json.replace("null", r#""REACTIVE""#)).unwrap();
        assert_eq!(
            reactive.scheduler_execution_mode,
            Nullable::Value(SchedulerExecutionMode::Reactive)
        );
    }

    #[test]
    fn overview_and_history_decode() {
        let json = format!(
            r#"{{"rescalesCounts":{{"ignored":0,"inProgress":0,"completed":1,"failed":0}},"latest":{{"completed":{BRIEF},"failed":null,"ignored":null}}}}"#
        );
        let overview: JobRescalesOverview = serde_json::from_str(&json).unwrap();
        assert_eq!(overview.rescales_counts.total(), 1);
        let latest = overview.latest.completed.value().unwrap();
        assert_eq!(
            latest.terminal_state,
            Nullable::Value(RescaleTerminalState::Completed)
        );
        assert_eq!(
            latest.trigger_cause,
            Nullable::Value(RescaleTriggerCause::InitialSchedule)
        );
        assert!(overview.latest.failed.is_null());
        let history: Vec<JobRescaleDetails> = serde_json::from_str(&format!("[{BRIEF}]")).unwrap();
        assert_eq!(
            serde_json::to_value(&history).unwrap(),
            value(&format!("[{BRIEF}]"))
        );
    }

    #[test]
    fn summary_decodes_nan_percentiles() {
        let stats = r#"{"min":862,"max":862,"avg":862,"p50":862.0,"p90":862.0,"p95":862.0,"p99":862.0,"p999":862.0}"#;
        let none = r#"{"min":0,"max":0,"avg":0,"p50":"NaN","p90":"NaN","p95":"NaN","p99":"NaN","p999":"NaN"}"#;
        let json = format!(
            r#"{{"rescalesCounts":{{"ignored":0,"inProgress":0,"completed":1,"failed":0}},"rescalesDurationStatsInMillis":{stats},"completedRescalesDurationStatsInMillis":{stats},"ignoredRescalesDurationStatsInMillis":{none},"failedRescalesDurationStatsInMillis":{none}}}"#
        );
        let summary: JobRescalesSummary = serde_json::from_str(&json).unwrap();
        assert_eq!(summary.completed_rescales_duration_stats_in_millis.max, 862);
        assert!(
            summary
                .failed_rescales_duration_stats_in_millis
                .p50
                .is_nan()
        );
        assert_eq!(serde_json::to_value(&summary).unwrap(), value(&json));
    }

    #[test]
    fn details_decode_vertices_slots_and_states() {
        let json = r#"{"rescaleUuid":"8df6617470140b80dc19650c0a662f26","resourceRequirementsUuid":"571c83c138538784bbe199a4a641705d","rescaleAttemptId":1,"vertices":{"ca88eee0095684d687a1b6495617f957":{"jobVertexId":"ca88eee0095684d687a1b6495617f957","jobVertexName":"Source: numbers","slotSharingGroupId":"a10a89945ba307b52151b0236800da9a","slotSharingGroupName":"default","desiredParallelism":2,"sufficientParallelism":1,"preRescaleParallelism":1,"postRescaleParallelism":2}},"slots":{"a10a89945ba307b52151b0236800da9a":{"slotSharingGroupId":"a10a89945ba307b52151b0236800da9a","slotSharingGroupName":"default","requestResourceProfile":{"cpuCores":-1.0,"taskHeapMemory":-1,"taskOffHeapMemory":-1,"managedMemory":-1,"networkMemory":-1,"extendedResources":{}},"desiredSlots":2,"minimalRequiredSlots":1,"preRescaleSlots":1,"postRescaleSlots":2,"acquiredResourceProfile":{"cpuCores":1.0,"taskHeapMemory":35,"taskOffHeapMemory":0,"managedMemory":54,"networkMemory":13,"extendedResources":{}}}},"schedulerStates":[{"state":"Executing","enterTimestampInMillis":1796164993289,"leaveTimestampInMillis":1796164993291,"durationInMillis":2},{"state":"Restarting","enterTimestampInMillis":1796164993292}],"startTimestampInMillis":1796165004484,"endTimestampInMillis":1796165005738,"terminalState":"COMPLETED","triggerCause":"UPDATE_REQUIREMENT","terminatedReason":"SUCCEEDED"}"#;
        let details: JobRescaleDetails = serde_json::from_str(json).unwrap();
        let vertex = &details.vertices["ca88eee0095684d687a1b6495617f957"];
        assert_eq!(
            (
                vertex.pre_rescale_parallelism,
                vertex.post_rescale_parallelism
            ),
            (Nullable::Value(1), Nullable::Value(2))
        );
        let slots = &details.slots["a10a89945ba307b52151b0236800da9a"];
        assert_eq!(slots.post_rescale_slots, Nullable::Value(2));
        assert!(
            details.scheduler_states[1]
                .leave_timestamp_in_millis
                .is_absent()
        );
        assert_eq!(
            details.terminated_reason,
            Nullable::Value(RescaleTerminatedReason::Succeeded)
        );
        assert_eq!(serde_json::to_value(&details).unwrap(), value(json));
    }
}
