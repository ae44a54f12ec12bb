//! Answers of the `/taskmanagers` endpoints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Extra;

/// `GET /taskmanagers`: every registered TaskManager.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskManagerList {
    /// The TaskManagers.
    pub taskmanagers: Vec<TaskManagerInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A TaskManager: where it runs, its slots and its resources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskManagerInfo {
    /// The TaskManager's id, e.g. `127.0.0.1:41119-e8b103`.
    pub id: String,
    /// Its RPC address.
    pub path: String,
    /// The port its data exchange listens on.
    pub data_port: i32,
    /// Its JMX port, or -1.
    pub jmx_port: i32,
    /// When its last heartbeat arrived, in milliseconds since the epoch (not a duration,
    /// despite the name).
    pub time_since_last_heartbeat: i64,
    /// Its task slots.
    pub slots_number: i32,
    /// Its slots not running anything.
    pub free_slots: i32,
    /// Tasks deployed on it (Flink 2.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_tasks: Option<i32>,
    /// The resources of all its slots.
    pub total_resource: ResourceProfile,
    /// The resources of its free slots.
    pub free_resource: ResourceProfile,
    /// The machine it runs on.
    pub hardware: HardwareDescription,
    /// How its memory is divided.
    pub memory_configuration: MemoryConfiguration,
    /// Whether it is blocked from receiving new slots (sent only by some versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<bool>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /taskmanagers/:taskmanagerid`: a TaskManager with its allocated slots and JVM metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskManagerDetails {
    /// What `GET /taskmanagers` says about it (unknown fields land in `info.extra`).
    #[serde(flatten)]
    pub info: TaskManagerInfo,
    /// Its slots that are allocated to jobs.
    #[serde(default)]
    pub allocated_slots: Vec<SlotInfo>,
    /// Memory and garbage-collection figures of its JVM.
    pub metrics: TaskManagerMetrics,
}

/// Resources of a set of slots. Memory sizes are in MiB.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceProfile {
    /// CPU cores.
    pub cpu_cores: f64,
    /// Task heap memory, MiB.
    pub task_heap_memory: i64,
    /// Task off-heap memory, MiB.
    pub task_off_heap_memory: i64,
    /// Managed memory, MiB.
    pub managed_memory: i64,
    /// Network memory, MiB.
    pub network_memory: i64,
    /// Extended resources (GPUs, …) by name.
    #[serde(default)]
    pub extended_resources: BTreeMap<String, f64>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The machine a TaskManager runs on. Memory sizes are in bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HardwareDescription {
    /// CPU cores the JVM sees.
    pub cpu_cores: i32,
    /// Physical memory of the machine, bytes.
    pub physical_memory: i64,
    /// The JVM's free memory, bytes.
    pub free_memory: i64,
    /// Managed memory, bytes.
    pub managed_memory: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How a TaskManager's memory is divided, in bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryConfiguration {
    /// Framework heap.
    pub framework_heap: i64,
    /// Task heap.
    pub task_heap: i64,
    /// Framework off-heap.
    pub framework_off_heap: i64,
    /// Task off-heap.
    pub task_off_heap: i64,
    /// Network buffers.
    pub network_memory: i64,
    /// Managed memory.
    pub managed_memory: i64,
    /// JVM metaspace.
    pub jvm_metaspace: i64,
    /// JVM overhead.
    pub jvm_overhead: i64,
    /// Total Flink memory.
    pub total_flink_memory: i64,
    /// Total process memory.
    pub total_process_memory: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// JVM memory and garbage-collection figures of a TaskManager. Sizes are in bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskManagerMetrics {
    /// Heap in use.
    pub heap_used: i64,
    /// Heap committed.
    pub heap_committed: i64,
    /// Heap maximum.
    pub heap_max: i64,
    /// Non-heap in use.
    pub non_heap_used: i64,
    /// Non-heap committed.
    pub non_heap_committed: i64,
    /// Non-heap maximum.
    pub non_heap_max: i64,
    /// Direct buffers.
    pub direct_count: i64,
    /// Direct memory in use.
    pub direct_used: i64,
    /// Direct memory maximum.
    pub direct_max: i64,
    /// Mapped buffers.
    pub mapped_count: i64,
    /// Mapped memory in use.
    pub mapped_used: i64,
    /// Mapped memory maximum.
    pub mapped_max: i64,
    /// Free network memory segments (Flink 1.x only; use the netty shuffle fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_segments_available: Option<i64>,
    /// All network memory segments (Flink 1.x only; use the netty shuffle fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_segments_total: Option<i64>,
    /// Free network memory segments.
    pub netty_shuffle_memory_segments_available: i64,
    /// Network memory segments in use.
    pub netty_shuffle_memory_segments_used: i64,
    /// All network memory segments.
    pub netty_shuffle_memory_segments_total: i64,
    /// Free network memory, bytes.
    pub netty_shuffle_memory_available: i64,
    /// Network memory in use, bytes.
    pub netty_shuffle_memory_used: i64,
    /// All network memory, bytes.
    pub netty_shuffle_memory_total: i64,
    /// Garbage collectors (one entry is `All`, the sum).
    pub garbage_collectors: Vec<GarbageCollector>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One garbage collector's work so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GarbageCollector {
    /// The collector's name.
    pub name: String,
    /// Collections run.
    pub count: i64,
    /// Time spent collecting, milliseconds.
    pub time: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A slot allocated to a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotInfo {
    /// The job the slot belongs to.
    pub job_id: String,
    /// The slot's resources.
    pub resource: ResourceProfile,
    /// Tasks deployed in the slot (Flink 2.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_tasks: Option<i32>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
