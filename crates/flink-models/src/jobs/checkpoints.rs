//! Checkpoints of a job: statistics, configuration, details, and the trigger request.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::common::FailureCause;
use crate::enums::string_enum;
use crate::{Extra, Nullable};

/// `GET /jobs/:jobid/checkpoints`: counts, size and duration statistics, the latest
/// checkpoints of each kind, and the recent history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointingStatistics {
    /// How many checkpoints were taken, restored, are running or failed.
    pub counts: CheckpointCounts,
    /// Statistics over the completed checkpoints that Flink still remembers.
    pub summary: CheckpointSummary,
    /// The newest completed checkpoint, savepoint, failure and restore.
    pub latest: LatestCheckpoints,
    /// Recent checkpoints, newest first (as many as `web.checkpoints.history` keeps).
    pub history: Vec<CheckpointStatistics>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How many checkpoints a job has taken, by outcome.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointCounts {
    /// Restores from a checkpoint or savepoint.
    pub restored: i64,
    /// Every checkpoint triggered.
    pub total: i64,
    /// Checkpoints still running.
    pub in_progress: i64,
    /// Checkpoints that completed.
    pub completed: i64,
    /// Checkpoints that failed.
    pub failed: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Minimum, maximum, average and percentiles of one checkpoint measure.
///
/// Flink sends a percentile as the string `"NaN"` when it has too few samples; it decodes
/// as [`f64::NAN`] and encodes back the same way.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatsSummary {
    /// The smallest value.
    pub min: i64,
    /// The largest value.
    pub max: i64,
    /// The mean, rounded down.
    pub avg: i64,
    /// The median.
    #[serde(with = "crate::lenient_f64")]
    pub p50: f64,
    /// The 90th percentile.
    #[serde(with = "crate::lenient_f64")]
    pub p90: f64,
    /// The 95th percentile.
    #[serde(with = "crate::lenient_f64")]
    pub p95: f64,
    /// The 99th percentile.
    #[serde(with = "crate::lenient_f64")]
    pub p99: f64,
    /// The 99.9th percentile.
    #[serde(with = "crate::lenient_f64")]
    pub p999: f64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Size and duration statistics over a job's completed checkpoints (sizes in bytes,
/// durations in milliseconds).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckpointSummary {
    /// Bytes written per checkpoint (the increment, for incremental checkpoints).
    pub checkpointed_size: StatsSummary,
    /// The full state size per checkpoint.
    pub state_size: StatsSummary,
    /// Time from trigger to the last acknowledgement.
    pub end_to_end_duration: StatsSummary,
    /// Bytes buffered while aligning barriers.
    pub alignment_buffered: StatsSummary,
    /// Bytes processed during alignment.
    pub processed_data: StatsSummary,
    /// Bytes of in-flight data persisted (unaligned checkpoints).
    pub persisted_data: StatsSummary,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The newest checkpoint of each kind; `null` where there has been none yet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatestCheckpoints {
    /// The newest completed checkpoint.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub completed: Nullable<CheckpointStatistics>,
    /// The newest completed savepoint.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub savepoint: Nullable<CheckpointStatistics>,
    /// The newest failed checkpoint.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub failed: Nullable<CheckpointStatistics>,
    /// The checkpoint or savepoint the job last restored from.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub restored: Nullable<RestoredCheckpointStatistics>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The checkpoint or savepoint a job restored from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoredCheckpointStatistics {
    /// The checkpoint's id.
    pub id: u64,
    /// When the job restored from it, in milliseconds since the epoch.
    pub restore_timestamp: i64,
    /// Whether it was a savepoint.
    pub is_savepoint: bool,
    /// Where it is stored (`null` when it is not stored externally).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub external_path: Nullable<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// Which kind of checkpoint statistics an entry is (Flink's `className` discriminator).
    pub enum CheckpointClass {
        /// A completed checkpoint: `external_path` and `discarded` are set.
        Completed = "completed",
        /// A failed checkpoint: `failure_timestamp` and `failure_message` are set.
        Failed = "failed",
        /// A checkpoint still running.
        InProgress = "in_progress",
    }
}

string_enum! {
    /// The state of one checkpoint.
    pub enum CheckpointStatus {
        /// Still running.
        InProgress = "IN_PROGRESS",
        /// Completed.
        Completed = "COMPLETED",
        /// Failed or was aborted.
        Failed = "FAILED",
    }
}

string_enum! {
    /// What kind of snapshot a checkpoint entry is.
    pub enum CheckpointStatsType {
        /// An aligned checkpoint.
        Checkpoint = "CHECKPOINT",
        /// An unaligned checkpoint.
        UnalignedCheckpoint = "UNALIGNED_CHECKPOINT",
        /// A savepoint.
        Savepoint = "SAVEPOINT",
        /// The synchronous savepoint of a stop-with-savepoint.
        SyncSavepoint = "SYNC_SAVEPOINT",
    }
}

/// One checkpoint: in the history, as a latest checkpoint, or from
/// `GET /jobs/:jobid/checkpoints/details/:checkpointid`.
///
/// Flink sends one of several shapes, told apart by `className` ([`CheckpointClass`]). They
/// share most fields; the fields of one shape only are `Option` here, so an entry of a class
/// this crate does not know still decodes (its class is [`CheckpointClass::Unknown`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointStatistics {
    /// Which shape this entry is.
    #[serde(rename = "className")]
    pub class_name: CheckpointClass,
    /// The checkpoint's id, increasing per job.
    pub id: u64,
    /// Running, completed or failed.
    pub status: CheckpointStatus,
    /// Whether it is a savepoint.
    pub is_savepoint: bool,
    /// The savepoint's format (`CANONICAL`, `NATIVE`) for savepoints; `null` for checkpoints.
    #[serde(
        rename = "savepointFormat",
        default,
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub savepoint_format: Nullable<String>,
    /// When it was triggered, in milliseconds since the epoch.
    pub trigger_timestamp: i64,
    /// When the last subtask acknowledged it, in milliseconds since the epoch.
    pub latest_ack_timestamp: i64,
    /// Bytes written (the increment, for incremental checkpoints).
    pub checkpointed_size: i64,
    /// The full state size in bytes.
    pub state_size: i64,
    /// Milliseconds from trigger to the last acknowledgement.
    pub end_to_end_duration: i64,
    /// Bytes buffered while aligning barriers.
    pub alignment_buffered: i64,
    /// Bytes processed during alignment.
    pub processed_data: i64,
    /// Bytes of in-flight data persisted.
    pub persisted_data: i64,
    /// How many subtasks take part.
    pub num_subtasks: i64,
    /// How many of them have acknowledged.
    pub num_acknowledged_subtasks: i64,
    /// Aligned or unaligned checkpoint, savepoint or synchronous savepoint.
    pub checkpoint_type: CheckpointStatsType,
    /// Per-vertex statistics, by vertex id (empty in lists; filled in details).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<BTreeMap<String, TaskCheckpointStatistics>>,
    /// Where a completed checkpoint is stored (`null` when it is not stored externally).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub external_path: Nullable<String>,
    /// Whether a completed checkpoint has since been deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discarded: Option<bool>,
    /// When a failed checkpoint failed, in milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_timestamp: Option<i64>,
    /// Why a failed checkpoint failed (`null` when Flink does not know).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub failure_message: Nullable<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CheckpointStatistics {
    /// Whether this is a completed checkpoint or savepoint.
    pub fn is_completed(&self) -> bool {
        self.class_name == CheckpointClass::Completed || self.status == CheckpointStatus::Completed
    }
}

/// One vertex's part of a checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCheckpointStatistics {
    /// The checkpoint's id.
    pub id: u64,
    /// The state of this vertex's part.
    pub status: CheckpointStatus,
    /// When its last subtask acknowledged, in milliseconds since the epoch.
    pub latest_ack_timestamp: i64,
    /// Bytes written.
    pub checkpointed_size: i64,
    /// The full state size in bytes.
    pub state_size: i64,
    /// Milliseconds from trigger to its last acknowledgement.
    pub end_to_end_duration: i64,
    /// Bytes buffered while aligning barriers.
    pub alignment_buffered: i64,
    /// Bytes processed during alignment.
    pub processed_data: i64,
    /// Bytes of in-flight data persisted.
    pub persisted_data: i64,
    /// How many subtasks the vertex has.
    pub num_subtasks: i64,
    /// How many of them have acknowledged.
    pub num_acknowledged_subtasks: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid`: one vertex's part
/// of a checkpoint, with statistics over its subtasks and each subtask's numbers.
///
/// As in Flink, where it extends [`TaskCheckpointStatistics`], the vertex's numbers are sent at
/// the top level; they are also readable through `Deref` (`details.num_subtasks`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskCheckpointStatisticsWithSubtaskDetails {
    /// The vertex's part of the checkpoint (with the fields this version of flink-models does
    /// not know).
    #[serde(flatten)]
    pub statistics: TaskCheckpointStatistics,
    /// Statistics over the subtasks.
    pub summary: TaskCheckpointSummary,
    /// Each subtask's numbers.
    pub subtasks: Vec<SubtaskCheckpointStatistics>,
}

impl std::ops::Deref for TaskCheckpointStatisticsWithSubtaskDetails {
    type Target = TaskCheckpointStatistics;

    fn deref(&self) -> &TaskCheckpointStatistics {
        &self.statistics
    }
}

/// Statistics over the subtasks of one vertex in one checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskCheckpointSummary {
    /// Bytes written per subtask.
    pub checkpointed_size: StatsSummary,
    /// State size per subtask.
    pub state_size: StatsSummary,
    /// Milliseconds from trigger to acknowledgement per subtask.
    pub end_to_end_duration: StatsSummary,
    /// Synchronous and asynchronous parts of the snapshot.
    pub checkpoint_duration: CheckpointDurationSummary,
    /// Barrier alignment.
    pub alignment: CheckpointAlignmentSummary,
    /// Milliseconds from trigger until the subtask started its snapshot.
    pub start_delay: StatsSummary,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Statistics of the synchronous and asynchronous snapshot phases, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckpointDurationSummary {
    /// The synchronous phase.
    pub sync: StatsSummary,
    /// The asynchronous phase.
    #[serde(rename = "async")]
    pub async_: StatsSummary,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Statistics of barrier alignment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckpointAlignmentSummary {
    /// Bytes buffered.
    pub buffered: StatsSummary,
    /// Bytes processed.
    pub processed: StatsSummary,
    /// Bytes persisted.
    pub persisted: StatsSummary,
    /// Milliseconds spent aligning.
    pub duration: StatsSummary,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// Which kind of subtask entry this is (Flink's `className` discriminator).
    pub enum SubtaskCheckpointClass {
        /// The subtask acknowledged: its numbers are set.
        Completed = "completed",
        /// The subtask has not acknowledged yet.
        Pending = "pending",
    }
}

/// One subtask's part of a checkpoint. A pending subtask has only `index` and `status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubtaskCheckpointStatistics {
    /// Completed or pending.
    #[serde(rename = "className")]
    pub class_name: SubtaskCheckpointClass,
    /// The subtask's index.
    pub index: i64,
    /// The subtask's checkpoint status as Flink names it (`completed`, `pending_or_failed`).
    pub status: String,
    /// When it acknowledged, in milliseconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_timestamp: Option<i64>,
    /// Milliseconds from trigger to acknowledgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_to_end_duration: Option<i64>,
    /// Bytes written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpointed_size: Option<i64>,
    /// State size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_size: Option<i64>,
    /// The synchronous and asynchronous snapshot phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<SubtaskCheckpointDuration>,
    /// Barrier alignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignment: Option<SubtaskCheckpointAlignment>,
    /// Milliseconds from trigger until the snapshot started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_delay: Option<i64>,
    /// Whether this subtask's part was unaligned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unaligned_checkpoint: Option<bool>,
    /// Whether this subtask's part was aborted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aborted: Option<bool>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The snapshot phases of one subtask, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubtaskCheckpointDuration {
    /// The synchronous phase.
    pub sync: i64,
    /// The asynchronous phase.
    #[serde(rename = "async")]
    pub async_: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Barrier alignment of one subtask.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubtaskCheckpointAlignment {
    /// Bytes buffered.
    pub buffered: i64,
    /// Bytes processed.
    pub processed: i64,
    /// Bytes persisted.
    pub persisted: i64,
    /// Milliseconds spent aligning.
    pub duration: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// The processing guarantee checkpoints give.
    pub enum CheckpointingMode {
        /// Every record affects the state exactly once.
        ExactlyOnce = "exactly_once",
        /// Records may affect the state more than once after a failure.
        AtLeastOnce = "at_least_once",
    }
}

/// `GET /jobs/:jobid/checkpoints/config`: how a job checkpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointConfigInfo {
    /// Exactly-once or at-least-once.
    pub mode: CheckpointingMode,
    /// Milliseconds between checkpoints.
    pub interval: i64,
    /// Milliseconds after which a checkpoint is aborted.
    pub timeout: i64,
    /// Minimum milliseconds between the end of one checkpoint and the start of the next.
    pub min_pause: i64,
    /// How many checkpoints may run at once.
    pub max_concurrent: i64,
    /// Whether checkpoints are kept when the job ends.
    pub externalization: ExternalizedCheckpointInfo,
    /// The state backend's name (`HashMapStateBackend`, `EmbeddedRocksDBStateBackend`).
    pub state_backend: String,
    /// The checkpoint storage's name (`FileSystemCheckpointStorage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_storage: Option<String>,
    /// Whether unaligned checkpoints are enabled.
    pub unaligned_checkpoints: bool,
    /// How many consecutive checkpoint failures the job tolerates.
    pub tolerable_failed_checkpoints: i64,
    /// Milliseconds after which an aligned checkpoint turns unaligned (0: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aligned_checkpoint_timeout: Option<i64>,
    /// Whether checkpoints continue after some tasks have finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoints_after_tasks_finish: Option<bool>,
    /// Whether the changelog state backend is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_changelog_enabled: Option<bool>,
    /// Milliseconds between materializations of the changelog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changelog_periodic_materialization_interval: Option<i64>,
    /// The changelog storage's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changelog_storage: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Whether and how checkpoints outlive their job.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalizedCheckpointInfo {
    /// Whether completed checkpoints are kept when the job ends.
    pub enabled: bool,
    /// Whether they are deleted when the job is cancelled.
    pub delete_on_cancellation: bool,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// What a manually triggered checkpoint writes.
    pub enum CheckpointType {
        /// Whatever the job's configuration says (incremental if the backend is).
        Configured = "CONFIGURED",
        /// The full state.
        Full = "FULL",
        /// Only what changed since the last checkpoint (needs an incremental backend).
        Incremental = "INCREMENTAL",
    }
}

/// The body of `POST /jobs/:jobid/checkpoints`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckpointTriggerRequest {
    /// What the checkpoint writes.
    #[serde(rename = "checkpointType")]
    pub checkpoint_type: CheckpointType,
    /// A trigger id the client chooses (32 hex characters), so a resent trigger is recognised
    /// instead of starting a second checkpoint.
    #[serde(rename = "triggerId", default, skip_serializing_if = "Option::is_none")]
    pub trigger_id: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl CheckpointTriggerRequest {
    /// A trigger of a checkpoint of `checkpoint_type`, without a client-chosen trigger id.
    pub fn new(checkpoint_type: CheckpointType) -> Self {
        Self {
            checkpoint_type,
            trigger_id: None,
            extra: Extra::new(),
        }
    }
}

/// The outcome of a triggered checkpoint, once `GET /jobs/:jobid/checkpoints/:triggerid` says
/// it completed: the checkpoint's id, or why it failed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckpointTriggerOutcome {
    /// The id of the checkpoint taken.
    #[serde(
        rename = "checkpointId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub checkpoint_id: Option<u64>,
    /// Why the checkpoint failed; absent when it succeeded.
    #[serde(
        rename = "failureCause",
        alias = "failure-cause",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub failure_cause: Option<FailureCause>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMPLETED: &str = r#"{"className":"completed","id":2,"status":"COMPLETED","is_savepoint":false,"savepointFormat":null,"trigger_timestamp":1700000000000,"latest_ack_timestamp":1700000000040,"checkpointed_size":2678,"state_size":2678,"end_to_end_duration":40,"alignment_buffered":0,"processed_data":0,"persisted_data":0,"num_subtasks":4,"num_acknowledged_subtasks":4,"checkpoint_type":"CHECKPOINT","tasks":{},"external_path":"file:/tmp/chk-2","discarded":false}"#;

    fn stats(p50: &str) -> String {
        format!(
            r#"{{"min":1,"max":3,"avg":2,"p50":{p50},"p90":3.0,"p95":3.0,"p99":3.0,"p999":3.0}}"#
        )
    }

    #[test]
    fn checkpointing_statistics_decode_with_nan_percentiles_and_round_trip() {
        let nan = stats(r#""NaN""#);
        let num = stats("2.5");
        let json = format!(
            r#"{{"counts":{{"restored":0,"total":3,"in_progress":0,"completed":2,"failed":1}},
            "summary":{{"checkpointed_size":{num},"state_size":{num},"end_to_end_duration":{nan},
            "alignment_buffered":{num},"processed_data":{num},"persisted_data":{nan}}},
            "latest":{{"completed":{COMPLETED},"savepoint":null,"failed":null,"restored":null}},
            "history":[{COMPLETED}]}}"#
        );
        let parsed: CheckpointingStatistics = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed.counts.completed, 2);
        assert!(parsed.summary.end_to_end_duration.p50.is_nan());
        assert!((parsed.summary.state_size.p50 - 2.5).abs() < f64::EPSILON);
        let latest = parsed.latest.completed.value().unwrap();
        assert_eq!(latest.id, 2);
        assert!(latest.is_completed());
        assert_eq!(latest.external_path.as_deref(), Some("file:/tmp/chk-2"));
        let encoded = serde_json::to_value(&parsed).unwrap();
        assert_eq!(encoded["summary"]["persisted_data"]["p50"], "NaN");
        let again: CheckpointingStatistics = serde_json::from_value(encoded).unwrap();
        assert_eq!(again.history, parsed.history);
    }

    #[test]
    fn checkpoint_of_an_unknown_class_still_decodes() {
        let json = COMPLETED
            .replace(r#""className":"completed""#, r#""className":"future_kind""#)
            .replace(
                r#""checkpoint_type":"CHECKPOINT""#,
                r#""checkpoint_type":"NEW_TYPE""#,
            )
            .replace(r#""discarded":false"#, r#""something_new":1"#);
        let parsed: CheckpointStatistics = serde_json::from_str(&json).unwrap();
        assert_eq!(
            parsed.class_name,
            CheckpointClass::Unknown("future_kind".to_owned())
        );
        assert_eq!(
            parsed.checkpoint_type,
            CheckpointStatsType::Unknown("NEW_TYPE".to_owned())
        );
        assert_eq!(parsed.extra["something_new"], 1);
        assert_eq!(parsed.discarded, None);
    }

    #[test]
    fn failed_checkpoint_keeps_its_failure() {
        let json = COMPLETED
            .replace(r#""className":"completed""#, r#""className":"failed""#)
            .replace(r#""status":"COMPLETED""#, r#""status":"FAILED""#)
            .replace(
                r#","external_path":"file:/tmp/chk-2","discarded":false"#,
                r#","failure_timestamp":1700000000100,"failure_message":"Checkpoint expired""#,
            );
        let parsed: CheckpointStatistics = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed.class_name, CheckpointClass::Failed);
        assert!(!parsed.is_completed());
        assert_eq!(
            parsed.failure_message.as_deref(),
            Some("Checkpoint expired")
        );
    }

    #[test]
    fn subtask_details_decode_completed_and_pending_subtasks() {
        let nan = stats(r#""NaN""#);
        let json = format!(
            r#"{{"id":2,"status":"COMPLETED","latest_ack_timestamp":1,"checkpointed_size":2,"state_size":2,
            "end_to_end_duration":3,"alignment_buffered":0,"processed_data":0,"persisted_data":0,"num_subtasks":2,
            "num_acknowledged_subtasks":1,"summary":{{"checkpointed_size":{nan},"state_size":{nan},
            "end_to_end_duration":{nan},"checkpoint_duration":{{"sync":{nan},"async":{nan}}},
            "alignment":{{"buffered":{nan},"processed":{nan},"persisted":{nan},"duration":{nan}}},
            "start_delay":{nan}}},"subtasks":[{{"className":"completed","index":0,"ack_timestamp":1,
            "end_to_end_duration":3,"checkpointed_size":2,"state_size":2,"checkpoint":{{"sync":0,"async":3}},
            "alignment":{{"buffered":0,"processed":0,"persisted":0,"duration":1}},"start_delay":1,
            "unaligned_checkpoint":false,"aborted":false,"status":"completed"}},
            {{"className":"pending","index":1,"status":"pending_or_failed"}}]}}"#
        );
        let parsed: TaskCheckpointStatisticsWithSubtaskDetails =
            serde_json::from_str(&json).unwrap();
        assert_eq!(parsed.subtasks.len(), 2);
        assert_eq!(
            parsed.subtasks[0].checkpoint.as_ref().map(|c| c.async_),
            Some(3)
        );
        assert_eq!(
            parsed.subtasks[1].class_name,
            SubtaskCheckpointClass::Pending
        );
        assert_eq!(parsed.subtasks[1].ack_timestamp, None);
        assert_eq!((parsed.id, parsed.num_subtasks), (2, 2));

        let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
        value["future"] = 1.into();
        let again: TaskCheckpointStatisticsWithSubtaskDetails =
            serde_json::from_value(value.clone()).unwrap();
        assert_eq!(again.statistics.extra["future"], 1);
        assert_eq!(serde_json::to_value(&again).unwrap(), value);
    }

    #[test]
    fn checkpoint_config_decodes() {
        let json = r#"{"mode":"exactly_once","interval":2000,"timeout":600000,"min_pause":0,"max_concurrent":1,"externalization":{"enabled":false,"delete_on_cancellation":true},"state_backend":"HashMapStateBackend","checkpoint_storage":"FileSystemCheckpointStorage","unaligned_checkpoints":false,"tolerable_failed_checkpoints":0,"aligned_checkpoint_timeout":0,"checkpoints_after_tasks_finish":true,"state_changelog_enabled":false,"changelog_periodic_materialization_interval":600000,"changelog_storage":"memory"}"#;
        let parsed: CheckpointConfigInfo = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.mode, CheckpointingMode::ExactlyOnce);
        assert_eq!(parsed.interval, 2000);
        assert!(parsed.externalization.delete_on_cancellation);
        assert_eq!(
            serde_json::to_value(&parsed).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn trigger_request_uses_flink_field_names() {
        let mut request = CheckpointTriggerRequest::new(CheckpointType::Full);
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"checkpointType":"FULL"}"#
        );
        request.trigger_id = Some("0123456789abcdef0123456789abcdef".to_owned());
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"checkpointType":"FULL","triggerId":"0123456789abcdef0123456789abcdef"}"#
        );
    }

    #[test]
    fn trigger_outcome_reads_the_id_or_the_failure() {
        let done: CheckpointTriggerOutcome = serde_json::from_str(r#"{"checkpointId":5}"#).unwrap();
        assert_eq!(done.checkpoint_id, Some(5));
        for key in ["failureCause", "failure-cause"] {
            let failed: CheckpointTriggerOutcome = serde_json::from_str(&format!(
                r#"{{"{key}":{{"class":"x.Y","stack-trace":"x.Y: no"}}}}"#
            ))
            .unwrap();
            assert_eq!(
                failed.failure_cause.and_then(|c| c.class).as_deref(),
                Some("x.Y")
            );
        }
    }
}
