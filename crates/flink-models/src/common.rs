//! Shapes several endpoints share: empty answers, async operations, configuration entries,
//! log lists, thread dumps and profiling.

use serde::{Deserialize, Serialize};

use crate::enums::string_enum;
use crate::{Extra, Nullable};

/// Flink's empty answer `{}`. Accepts any JSON (and no body at all), encodes as `{}`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Empty;

impl Serialize for Empty {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        serializer.serialize_map(Some(0))?.end()
    }
}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Self)
    }
}

/// The answer to a trigger of an asynchronous operation: the id to poll its status with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TriggerResponse {
    /// The trigger id (32 hexadecimal characters).
    #[serde(rename = "request-id")]
    pub request_id: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The status of an asynchronous operation; `operation` is set once it has completed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AsyncOperationResult<T> {
    /// Whether the operation is still running.
    pub status: QueueStatus,
    /// The outcome, once completed (`null` while in progress). A failure is reported here,
    /// inside a successful answer.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub operation: Nullable<T>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The state of an asynchronous operation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueStatus {
    /// `IN_PROGRESS` or `COMPLETED`.
    pub id: OperationState,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// Whether an asynchronous operation is still running.
    pub enum OperationState {
        /// Still running; poll again.
        InProgress = "IN_PROGRESS",
        /// Done, successfully or not: look at the operation's outcome.
        Completed = "COMPLETED",
    }
}

/// The outcome of an operation that produces nothing but success or failure (dataset deletion,
/// savepoint disposal).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationOutcome {
    /// Why the operation failed; absent when it succeeded.
    #[serde(
        rename = "failure-cause",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub failure_cause: Option<FailureCause>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Java exception as Flink reports it inside an operation result.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FailureCause {
    /// The exception's class name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The exception's stack trace, message first.
    #[serde(
        rename = "stack-trace",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub stack_trace: Option<String>,
    /// The exception in Java serialization, base64-encoded (of use to JVM clients only).
    #[serde(
        rename = "serialized-throwable",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub serialized_throwable: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One configuration option and its value (secrets are masked by Flink as `******`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationEntry {
    /// The option's key, e.g. `rest.port`.
    pub key: String,
    /// Its value, as text.
    pub value: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The files in a log directory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogList {
    /// The files.
    pub logs: Vec<LogInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One file of a log directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogInfo {
    /// The file name, to read it with the `logs/:filename` endpoints.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
    /// When it was last modified, in milliseconds since the epoch.
    pub mtime: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A thread dump of a JobManager or TaskManager.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadDump {
    /// One entry per thread.
    pub thread_infos: Vec<ThreadInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One thread of a thread dump.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadInfo {
    /// The thread's name.
    pub thread_name: String,
    /// The thread's state and stack, as the JVM prints it.
    pub stringified_thread_info: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// What async-profiler samples.
    pub enum ProfilingMode {
        /// CPU time (needs perf events; often unavailable in containers).
        Cpu = "CPU",
        /// Memory allocations.
        Alloc = "ALLOC",
        /// Lock contention.
        Lock = "LOCK",
        /// Wall-clock time of all threads.
        Wall = "WALL",
        /// CPU time by interval timer (works without perf events).
        Itimer = "ITIMER",
    }
}

string_enum! {
    /// The state of a profiling run.
    pub enum ProfilingStatus {
        /// Still sampling.
        Running = "RUNNING",
        /// Done; the output file can be downloaded.
        Finished = "FINISHED",
        /// Failed; see the message.
        Failed = "FAILED",
    }
}

/// The body of a request to start profiling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProfilingRequest {
    /// What to sample.
    pub mode: ProfilingMode,
    /// How long to sample, in seconds.
    pub duration: i32,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ProfilingRequest {
    /// Profiles in `mode` for `duration_seconds`.
    pub fn new(mode: ProfilingMode, duration_seconds: i32) -> Self {
        Self {
            mode,
            duration: duration_seconds,
            extra: Extra::new(),
        }
    }
}

/// One profiling run, running or done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilingInfo {
    /// Running, finished or failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ProfilingStatus>,
    /// What was sampled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ProfilingMode>,
    /// When the run started, in milliseconds since the epoch; identifies the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger_time: Option<i64>,
    /// When the run ended, in milliseconds since the epoch; `null` while it runs.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub finished_time: Nullable<i64>,
    /// How long it samples, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// Flink's message about the run (why it failed, or that it succeeded); `null` while it
    /// runs.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub message: Nullable<String>,
    /// The result's file name, to download it with the `profiler/:filename` endpoints; `null`
    /// while it runs.
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub output_file: Nullable<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The profiling runs of a JobManager or TaskManager.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilingList {
    /// The runs, newest first.
    pub profiling_list: Vec<ProfilingInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
