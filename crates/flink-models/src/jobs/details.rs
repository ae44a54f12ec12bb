//! `GET /jobs/:jobid`: a job with its vertices, their task states and I/O metrics.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::jobs::overview::{JobType, SchedulerType};
use crate::jobs::plan::Plan;
use crate::jobs::state::{ExecutionState, JobState};
use crate::{Extra, Nullable};

/// `GET /jobs/:jobid`: a job, its state history and its vertices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobDetailsInfo {
    /// The job's id (32 hexadecimal characters).
    pub jid: String,
    /// The application the job belongs to (Flink 2.x only; equal to the job id for jar runs,
    /// `null` for a job that failed before it was set up).
    #[serde(
        rename = "application-id",
        default,
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub application_id: Nullable<String>,
    /// The job's name.
    pub name: String,
    /// What Flink reports as stoppable; stop-with-savepoint works even when it is `false`.
    #[serde(rename = "isStoppable")]
    pub is_stoppable: bool,
    /// Its state.
    pub state: JobState,
    /// Batch or streaming (sent by 1.20 and 2.x, `null` when Flink does not know it; 1.18 and
    /// 1.19 omit it).
    #[serde(
        rename = "job-type",
        default,
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub job_type: Nullable<JobType>,
    /// The scheduler running it (Flink 2.x only; `null` when Flink does not know it).
    #[serde(
        rename = "schedulerType",
        default,
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub scheduler_type: Nullable<SchedulerType>,
    /// When it was submitted, in milliseconds since the epoch.
    #[serde(rename = "start-time")]
    pub start_time: i64,
    /// When it ended, in milliseconds since the epoch; -1 while it runs.
    #[serde(rename = "end-time")]
    pub end_time: i64,
    /// How long it ran or has been running, in milliseconds.
    pub duration: i64,
    /// The job's maximum parallelism; -1 when it is left to each vertex.
    #[serde(rename = "maxParallelism")]
    pub max_parallelism: i64,
    /// The JobManager's clock when it answered, in milliseconds since the epoch.
    pub now: i64,
    /// When the job entered each state, in milliseconds since the epoch (0 = never).
    pub timestamps: BTreeMap<JobState, i64>,
    /// The job's vertices (chained operators), sources first.
    pub vertices: Vec<JobVertexDetails>,
    /// How many vertices are in each state.
    #[serde(rename = "status-counts")]
    pub status_counts: BTreeMap<ExecutionState, i32>,
    /// The job graph's plan, as `GET /jobs/:jobid/plan` returns it; `None` while Flink has
    /// none yet (1.x with the adaptive scheduler sends `{}` until the job has its resources).
    #[serde(
        default,
        deserialize_with = "crate::jobs::plan::plan_or_empty",
        serialize_with = "crate::jobs::plan::plan_or_empty_object"
    )]
    pub plan: Option<Plan>,
    /// The stream graph, for jobs whose graph is built step by step (Flink 2.x only).
    #[serde(
        rename = "stream-graph",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub stream_graph: Option<serde_json::Value>,
    /// Operators not yet part of the running graph (Flink 2.x only).
    #[serde(
        rename = "pending-operators",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pending_operators: Option<i32>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobDetailsInfo {
    /// Whether every task of every vertex is `RUNNING` (and there is at least one task).
    pub fn all_tasks_running(&self) -> bool {
        !self.vertices.is_empty() && self.vertices.iter().all(JobVertexDetails::all_running)
    }

    /// How many tasks of the job are running, and how many tasks it has.
    pub fn running_tasks(&self) -> (i32, i32) {
        self.vertices.iter().fold((0, 0), |(running, total), v| {
            (
                running + v.task_count(&ExecutionState::Running),
                total + v.parallelism,
            )
        })
    }
}

/// One vertex (a chain of operators) of a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobVertexDetails {
    /// The vertex id (32 hexadecimal characters).
    pub id: String,
    /// The slot sharing group the vertex's tasks are placed in.
    #[serde(
        rename = "slotSharingGroupId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub slot_sharing_group_id: Option<String>,
    /// The vertex's name (its operators, joined by ` -> `).
    pub name: String,
    /// The most tasks the vertex can be scaled to.
    #[serde(rename = "maxParallelism")]
    pub max_parallelism: i32,
    /// How many tasks it runs.
    pub parallelism: i32,
    /// The vertex's aggregated state.
    pub status: ExecutionState,
    /// When its first task started, in milliseconds since the epoch; -1 if none has.
    #[serde(rename = "start-time")]
    pub start_time: i64,
    /// When its last task ended, in milliseconds since the epoch; -1 while any runs.
    #[serde(rename = "end-time")]
    pub end_time: i64,
    /// How long it ran or has been running, in milliseconds.
    pub duration: i64,
    /// How many of its tasks are in each state.
    pub tasks: BTreeMap<ExecutionState, i32>,
    /// Records and bytes in and out, summed over its tasks.
    pub metrics: IoMetrics,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobVertexDetails {
    /// How many of the vertex's tasks are in `state`.
    pub fn task_count(&self, state: &ExecutionState) -> i32 {
        self.tasks.get(state).copied().unwrap_or(0)
    }

    /// Whether all of the vertex's tasks are `RUNNING`.
    pub fn all_running(&self) -> bool {
        self.parallelism > 0
            && self.task_count(&ExecutionState::Running) == self.parallelism
            && self
                .tasks
                .iter()
                .all(|(state, count)| *state == ExecutionState::Running || *count == 0)
    }
}

/// Records and bytes a vertex or task read and wrote, and where its time went.
///
/// The `*_complete` flags say whether every task has reported the value yet.
// The flags mirror Flink's wire format, one per counter.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IoMetrics {
    /// Bytes read from other tasks.
    pub read_bytes: i64,
    /// Whether `read_bytes` includes every task.
    pub read_bytes_complete: bool,
    /// Bytes written to other tasks.
    pub write_bytes: i64,
    /// Whether `write_bytes` includes every task.
    pub write_bytes_complete: bool,
    /// Records read.
    pub read_records: i64,
    /// Whether `read_records` includes every task.
    pub read_records_complete: bool,
    /// Records written.
    pub write_records: i64,
    /// Whether `write_records` includes every task.
    pub write_records_complete: bool,
    /// Milliseconds spent back-pressured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accumulated_backpressured_time: Option<i64>,
    /// Milliseconds spent idle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accumulated_idle_time: Option<i64>,
    /// Milliseconds spent busy (a fraction is possible; `NaN` while tasks have not reported).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::lenient_f64::option"
    )]
    pub accumulated_busy_time: Option<f64>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAN_METRICS: &str = r#"{"read-bytes":0,"read-bytes-complete":false,"write-bytes":0,"write-bytes-complete":false,"read-records":0,"read-records-complete":false,"write-records":0,"write-records-complete":false,"accumulated-backpressured-time":0,"accumulated-idle-time":0,"accumulated-busy-time":"NaN"}"#;

    #[test]
    fn busy_time_of_tasks_that_have_not_reported_is_nan() {
        let metrics: IoMetrics = serde_json::from_str(NAN_METRICS).unwrap();
        assert!(metrics.accumulated_busy_time.unwrap().is_nan());
        assert_eq!(
            serde_json::to_value(&metrics).unwrap(),
            serde_json::from_str::<serde_json::Value>(NAN_METRICS).unwrap()
        );
    }

    const METRICS: &str = r#"{"read-bytes":0,"read-bytes-complete":true,"write-bytes":1024,"write-bytes-complete":true,"read-records":0,"read-records-complete":true,"write-records":28,"write-records-complete":true,"accumulated-backpressured-time":0,"accumulated-idle-time":4743,"accumulated-busy-time":339.0}"#;

    fn details(running: i32, deploying: i32) -> String {
        format!(
            r#"{{"jid":"d7b2518b7cc9b04478ed2eb249c5b9a0","application-id":"d7b2518b7cc9b04478ed2eb249c5b9a0","name":"probe","isStoppable":false,"state":"RUNNING","job-type":"STREAMING","schedulerType":"Default","start-time":1,"end-time":-1,"duration":4229,"maxParallelism":-1,"now":2,
            "timestamps":{{"RUNNING":1795441876175,"INITIALIZING":1795441875922,"FAILED":0}},
            "vertices":[{{"id":"ca88eee0095684d687a1b6495617f957","slotSharingGroupId":"6ad35a7391ea9dc4d2ea86c30fe2d737","name":"Source: numbers","maxParallelism":128,"parallelism":2,"status":"RUNNING","start-time":1,"end-time":-1,"duration":3658,
              "tasks":{{"RUNNING":{running},"DEPLOYING":{deploying},"FAILED":0}},"metrics":{METRICS}}}],
            "status-counts":{{"RUNNING":1,"FAILED":0}},
            "plan":{{"jid":"d7b2518b7cc9b04478ed2eb249c5b9a0","name":"probe","type":"STREAMING","nodes":[]}},
            "pending-operators":0}}"#
        )
    }

    #[test]
    fn details_decode_and_count_tasks() {
        let json = details(2, 0);
        let job: JobDetailsInfo = serde_json::from_str(&json).unwrap();
        assert_eq!(job.state, JobState::Running);
        assert_eq!(job.timestamps[&JobState::Running], 1_795_441_876_175);
        assert_eq!(job.status_counts[&ExecutionState::Running], 1);
        assert!(job.all_tasks_running());
        assert_eq!(job.running_tasks(), (2, 2));
        assert_eq!(job.vertices[0].metrics.write_records, 28);
        let encoded = serde_json::to_value(&job).unwrap();
        assert_eq!(
            encoded,
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        );

        assert_eq!(job.plan.as_ref().unwrap().jid, job.jid);

        let waiting = json.replace(
            r#""plan":{"jid":"d7b2518b7cc9b04478ed2eb249c5b9a0","name":"probe","type":"STREAMING","nodes":[]}"#,
            r#""plan":{}"#,
        );
        let waiting_job: JobDetailsInfo = serde_json::from_str(&waiting).unwrap();
        assert!(waiting_job.plan.is_none());
        assert_eq!(
            serde_json::to_value(&waiting_job).unwrap(),
            serde_json::from_str::<serde_json::Value>(&waiting).unwrap()
        );

        let deploying: JobDetailsInfo = serde_json::from_str(&details(1, 1)).unwrap();
        assert!(!deploying.all_tasks_running());
        assert_eq!(deploying.running_tasks(), (1, 2));
    }
}
