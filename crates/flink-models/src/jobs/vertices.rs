//! Job vertices: details, subtask times, TaskManagers, accumulators, backpressure, flame graphs, watermarks.
//!
//! The watermarks of a vertex (`GET /jobs/:jobid/vertices/:vertexid/watermarks`) are plain
//! [`Metric`](crate::metrics::Metric)s, one `<subtask>.currentInputWatermark` per subtask.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Extra;
use crate::enums::string_enum;
use crate::jobs::details::IoMetrics;
use crate::jobs::result::UserTaskAccumulator;
use crate::jobs::state::ExecutionState;

/// `GET /jobs/:jobid/vertices/:vertexid`: a vertex and the current attempt of each subtask.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobVertexDetailsInfo {
    /// The vertex id (32 hexadecimal characters).
    pub id: String,
    /// The vertex's name (its operators, joined by ` -> `).
    pub name: String,
    /// How many subtasks it runs.
    pub parallelism: i32,
    /// The most subtasks it can be scaled to.
    #[serde(rename = "maxParallelism")]
    pub max_parallelism: i32,
    /// The JobManager's clock when it answered, in milliseconds since the epoch.
    pub now: i64,
    /// One entry per subtask, its current attempt.
    pub subtasks: Vec<SubtaskExecutionAttemptDetailsInfo>,
    /// Statistics of the subtasks' metrics and state durations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregated: Option<AggregatedTaskDetails>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One execution attempt of a subtask: where it runs, its state, times and I/O.
///
/// Flink also sends the start time a second time as `start_time`; it stays in `extra`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtaskExecutionAttemptDetailsInfo {
    /// The subtask's index, from 0.
    pub subtask: i32,
    /// The attempt's state.
    pub status: ExecutionState,
    /// The attempt number, from 0 (it grows with every restart).
    pub attempt: i32,
    /// The TaskManager's data address, `host:port` (Flink 1.19 and newer; 1.18 sends only
    /// `host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The TaskManager's host name (Flink 1.x only; read `endpoint` instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// When the attempt started, in milliseconds since the epoch; -1 if it has not.
    #[serde(rename = "start-time")]
    pub start_time: i64,
    /// When it ended, in milliseconds since the epoch; -1 while it runs.
    #[serde(rename = "end-time")]
    pub end_time: i64,
    /// How long it ran or has been running, in milliseconds.
    pub duration: i64,
    /// Records and bytes in and out.
    pub metrics: IoMetrics,
    /// The TaskManager running it, as in `GET /taskmanagers`.
    #[serde(rename = "taskmanager-id")]
    pub taskmanager_id: String,
    /// How long the attempt spent in each state it went through, in milliseconds (Flink 1.16
    /// and newer, which lists every state; empty before).
    #[serde(
        rename = "status-duration",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub status_duration: BTreeMap<ExecutionState, i64>,
    /// Speculative attempts running next to this one (batch jobs with speculative execution).
    #[serde(
        rename = "other-concurrent-attempts",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub other_concurrent_attempts: Option<Vec<SubtaskExecutionAttemptDetailsInfo>>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Statistics over a vertex's subtasks, per metric and per state duration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AggregatedTaskDetails {
    /// Per I/O metric (wire names such as `read-records`, `accumulated-busy-time`).
    #[serde(default)]
    pub metrics: BTreeMap<String, TaskStatistics>,
    /// Per state: how long the subtasks spent in it, in milliseconds.
    #[serde(rename = "status-duration", default)]
    pub status_duration: BTreeMap<ExecutionState, TaskStatistics>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Minimum, maximum, mean, sum and percentiles of one value over subtasks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskStatistics {
    /// The smallest value.
    pub min: i64,
    /// The largest value.
    pub max: i64,
    /// The mean, rounded.
    pub avg: i64,
    /// The sum.
    pub sum: i64,
    /// The median.
    pub median: i64,
    /// The 25th percentile.
    pub p25: i64,
    /// The 75th percentile.
    pub p75: i64,
    /// The 95th percentile.
    pub p95: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasktimes`: when each subtask entered each state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtasksTimesInfo {
    /// The vertex id.
    pub id: String,
    /// The vertex's name.
    pub name: String,
    /// The JobManager's clock when it answered, in milliseconds since the epoch.
    pub now: i64,
    /// One entry per subtask.
    pub subtasks: Vec<SubtaskTimeInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The state timestamps of one subtask.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtaskTimeInfo {
    /// The subtask's index, from 0.
    pub subtask: i32,
    /// The TaskManager's data address, `host:port` (Flink 1.19 and newer; 1.18 sends only
    /// `host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The TaskManager's host name (Flink 1.x only; read `endpoint` instead).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// How long it ran or has been running, in milliseconds.
    pub duration: i64,
    /// When it entered each state, in milliseconds since the epoch (0 = never).
    pub timestamps: BTreeMap<ExecutionState, i64>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs/:jobid/vertices/:vertexid/taskmanagers`: the vertex's subtasks grouped by the
/// TaskManager they run on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobVertexTaskManagersInfo {
    /// The vertex id.
    pub id: String,
    /// The vertex's name.
    pub name: String,
    /// The JobManager's clock when it answered, in milliseconds since the epoch.
    pub now: i64,
    /// One entry per TaskManager that runs subtasks of the vertex.
    pub taskmanagers: Vec<VertexTaskManagerInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The part of a vertex that one TaskManager runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VertexTaskManagerInfo {
    /// The TaskManager's data address, `host:port` (Flink 1.19 and newer; 1.18 sends only
    /// `host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The same address under its old name (Flink 1.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The aggregated state of its subtasks of the vertex.
    pub status: ExecutionState,
    /// When the first of them started, in milliseconds since the epoch.
    #[serde(rename = "start-time")]
    pub start_time: i64,
    /// When the last of them ended, in milliseconds since the epoch; -1 while any runs.
    #[serde(rename = "end-time")]
    pub end_time: i64,
    /// How long they ran or have been running, in milliseconds.
    pub duration: i64,
    /// Records and bytes in and out, summed over them.
    pub metrics: IoMetrics,
    /// How many of them are in each state.
    #[serde(rename = "status-counts")]
    pub status_counts: BTreeMap<ExecutionState, i32>,
    /// The TaskManager's id, as in `GET /taskmanagers`.
    #[serde(rename = "taskmanager-id")]
    pub taskmanager_id: String,
    /// Statistics over its subtasks of the vertex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregated: Option<AggregatedTaskDetails>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs/:jobid/vertices/:vertexid/accumulators`: the user accumulators of a vertex.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobVertexAccumulatorsInfo {
    /// The vertex id.
    pub id: String,
    /// The accumulators the vertex's code registered, as text.
    #[serde(rename = "user-accumulators", default)]
    pub user_accumulators: Vec<UserTaskAccumulator>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// Whether a backpressure answer carries data yet.
    pub enum BackpressureStatus {
        /// No data yet: Flink's metric fetcher has not reported the vertex's busy and
        /// back-pressured times (the first seconds of a job). Ask again later.
        Deprecated = "deprecated",
        /// The levels and ratios are filled in.
        Ok = "ok",
    }
}

string_enum! {
    /// How much a vertex or subtask is back-pressured.
    pub enum BackpressureLevel {
        /// Back-pressured at most 10% of the time.
        Ok = "ok",
        /// Back-pressured up to 50% of the time.
        Low = "low",
        /// Back-pressured more than half of the time.
        High = "high",
    }
}

/// `GET /jobs/:jobid/vertices/:vertexid/backpressure`: how much the vertex's subtasks wait for
/// downstream buffers.
///
/// Until Flink has the vertex's task metrics, the answer is only `{"status":"deprecated"}`:
/// [`JobVertexBackPressureInfo::is_ready`] is `false` and the other fields are empty. Poll until
/// it is ready (a few seconds, `metrics.fetcher.update-interval`); a request starts the fetch.
/// Flink gives the same answer for a vertex id it does not know, so bound the polling with a
/// deadline.
///
/// Flink sends each level twice, also under the older name `backpressure-level`; that copy
/// stays in `extra`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobVertexBackPressureInfo {
    /// Whether the answer carries data yet.
    pub status: BackpressureStatus,
    /// The vertex's level: the highest of its subtasks' (absent while there is no data).
    #[serde(
        rename = "backpressureLevel",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub backpressure_level: Option<BackpressureLevel>,
    /// When the measured metrics were fetched, in milliseconds since the epoch.
    #[serde(
        rename = "end-timestamp",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub end_timestamp: Option<i64>,
    /// One entry per subtask (absent while there is no data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtasks: Option<Vec<SubtaskBackPressureInfo>>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobVertexBackPressureInfo {
    /// Whether Flink has measured the vertex yet (`status` is `ok`); if not, ask again later.
    pub fn is_ready(&self) -> bool {
        self.status == BackpressureStatus::Ok
    }

    /// The subtasks' entries; empty while the answer is not ready.
    pub fn subtasks(&self) -> &[SubtaskBackPressureInfo] {
        self.subtasks.as_deref().unwrap_or_default()
    }
}

/// The backpressure of one subtask, as fractions of time between 0 and 1.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtaskBackPressureInfo {
    /// The subtask's index, from 0.
    pub subtask: i32,
    /// The attempt measured (sent when several attempts run at once).
    #[serde(
        rename = "attempt-number",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub attempt_number: Option<i32>,
    /// Its level.
    #[serde(rename = "backpressureLevel")]
    pub backpressure_level: BackpressureLevel,
    /// The fraction of time it was back-pressured.
    #[serde(with = "crate::lenient_f64")]
    pub ratio: f64,
    /// The fraction of time it was idle.
    #[serde(rename = "idleRatio", with = "crate::lenient_f64")]
    pub idle_ratio: f64,
    /// The fraction of time it was busy.
    #[serde(rename = "busyRatio", with = "crate::lenient_f64")]
    pub busy_ratio: f64,
    /// Other attempts of the subtask running at the same time (speculative execution).
    #[serde(
        rename = "other-concurrent-attempts",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub other_concurrent_attempts: Option<Vec<SubtaskBackPressureInfo>>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

string_enum! {
    /// Which thread states a flame graph samples (the `type` query parameter).
    pub enum FlameGraphType {
        /// All samples: on-CPU and off-CPU together.
        Full = "FULL",
        /// Only threads that were running (`RUNNABLE`, `NEW`).
        OnCpu = "ON_CPU",
        /// Only threads that were waiting (`WAITING`, `TIMED_WAITING`, `BLOCKED`).
        OffCpu = "OFF_CPU",
    }
}

/// `endTimestamp` of a flame graph answer: the graph is disabled on the cluster.
const FLAME_GRAPH_DISABLED: i64 = -1;
/// `endTimestamp` of a flame graph answer: the vertex has no running subtask to sample.
const FLAME_GRAPH_TERMINATED: i64 = -2;
/// `endTimestamp` of a flame graph answer: sampling has started, the graph is not ready yet.
const FLAME_GRAPH_PENDING: i64 = -3;

/// `GET /jobs/:jobid/vertices/:vertexid/flamegraph`: sampled stack traces of a vertex's
/// subtasks, merged into a tree.
///
/// The first request starts sampling and is answered at once without a tree; read
/// [`VertexFlameGraph::state`] and ask again until it is [`FlameGraphState::Ready`] (about
/// `rest.flamegraph.num-samples` × `rest.flamegraph.delay-between-samples`, 5 s by default).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VertexFlameGraph {
    /// When sampling ended, in milliseconds since the epoch; a negative marker while there is
    /// no graph (-1 disabled, -2 vertex terminated, -3 not ready yet).
    #[serde(rename = "endTimestamp")]
    pub end_timestamp: i64,
    /// The root of the tree (named `root`), once the graph is ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<FlameGraphNode>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What a flame graph answer says, from [`VertexFlameGraph::state`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum FlameGraphState<'a> {
    /// The graph is there.
    Ready {
        /// When sampling ended, in milliseconds since the epoch.
        end_timestamp: i64,
        /// The tree's root.
        root: &'a FlameGraphNode,
    },
    /// Sampling is under way; ask again in a second or two.
    Pending,
    /// Flame graphs are off on this cluster: set `rest.flamegraph.enabled: true`.
    Disabled,
    /// The vertex has no running subtask (the job or vertex has ended), so there is nothing to
    /// sample.
    Terminated,
    /// A marker this version of flink-models does not know.
    Unknown(i64),
}

impl VertexFlameGraph {
    /// Whether the graph is ready, pending, disabled or impossible, with the tree when ready.
    pub fn state(&self) -> FlameGraphState<'_> {
        match (self.end_timestamp, &self.data) {
            (FLAME_GRAPH_DISABLED, _) => FlameGraphState::Disabled,
            (FLAME_GRAPH_TERMINATED, _) => FlameGraphState::Terminated,
            (FLAME_GRAPH_PENDING, _) => FlameGraphState::Pending,
            (end_timestamp, Some(root)) if end_timestamp >= 0 => FlameGraphState::Ready {
                end_timestamp,
                root,
            },
            (other, _) => FlameGraphState::Unknown(other),
        }
    }

    /// The tree, when the graph is ready.
    pub fn tree(&self) -> Option<&FlameGraphNode> {
        match self.state() {
            FlameGraphState::Ready { root, .. } => Some(root),
            _ => None,
        }
    }
}

/// One frame of a flame graph: a method, how many samples passed through it, and the frames
/// it called.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlameGraphNode {
    /// The frame, as `class.method:line` (`root` for the tree's root).
    pub name: String,
    /// How many samples contain this frame.
    pub value: i64,
    /// The frames called from here.
    #[serde(default)]
    pub children: Vec<FlameGraphNode>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl FlameGraphNode {
    /// How many frames the tree below and including this node has.
    pub fn frame_count(&self) -> usize {
        let mut count = 0;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            count += 1;
            stack.extend(&node.children);
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: serde::de::DeserializeOwned + Serialize>(json: &str) -> T {
        let model: T = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_value(&model).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
        model
    }

    const METRICS: &str = r#"{"read-bytes":598,"read-bytes-complete":true,"write-bytes":0,"write-bytes-complete":true,"read-records":6,"read-records-complete":true,"write-records":0,"write-records-complete":true,"accumulated-backpressured-time":0,"accumulated-idle-time":2247,"accumulated-busy-time":192.0}"#;
    const STATS: &str = r#"{"p25":0,"min":0,"avg":0,"median":0,"max":0,"sum":0,"p95":0,"p75":0}"#;

    fn details(host: &str) -> String {
        format!(
            r#"{{"id":"5b61d6019ab04da71a4e62533c1a8c40","name":"count-per-key -> discard: Writer","parallelism":1,"maxParallelism":128,"now":1795441881820,
            "subtasks":[{{"subtask":0,"status":"RUNNING","attempt":0,{host}"endpoint":"localhost:36395","start-time":1795441876497,"end-time":-1,"duration":5324,"metrics":{METRICS},"taskmanager-id":"127.0.0.1:35829-925740","status-duration":{{"RUNNING":4656,"DEPLOYING":408,"CREATED":98}},"start_time":1795441876497}}],
            "aggregated":{{"metrics":{{"write-records":{STATS}}},"status-duration":{{"RUNNING":{STATS}}}}}}}"#
        )
    }

    #[test]
    fn vertex_details_of_both_versions_decode() {
        let v2: JobVertexDetailsInfo = round_trip(&details(""));
        let subtask = &v2.subtasks[0];
        assert_eq!(subtask.status, ExecutionState::Running);
        assert_eq!(subtask.host, None);
        assert_eq!(subtask.taskmanager_id, "127.0.0.1:35829-925740");
        assert_eq!(subtask.status_duration[&ExecutionState::Running], 4656);
        assert_eq!(subtask.extra["start_time"], 1_795_441_876_497_i64);
        let aggregated = v2.aggregated.as_ref().unwrap();
        assert_eq!(aggregated.metrics["write-records"].p95, 0);
        assert!(
            aggregated
                .status_duration
                .contains_key(&ExecutionState::Running)
        );

        let v1: JobVertexDetailsInfo = round_trip(&details(r#""host":"localhost","#));
        assert_eq!(v1.subtasks[0].host.as_deref(), Some("localhost"));
    }

    #[test]
    fn vertex_details_of_flink_1_15_decode_without_durations() {
        // Flink 1.15 has neither time per state nor aggregated statistics.
        let json = format!(
            r#"{{"id":"5b61d6019ab04da71a4e62533c1a8c40","name":"map","parallelism":1,"maxParallelism":128,"now":1,
            "subtasks":[{{"subtask":0,"status":"RUNNING","attempt":0,"host":"localhost","start-time":1,"end-time":-1,"duration":5,"metrics":{METRICS},"taskmanager-id":"127.0.0.1:35829-925740","start_time":1}}]}}"#
        );
        let v115: JobVertexDetailsInfo = round_trip(&json);
        assert!(v115.subtasks[0].status_duration.is_empty());
        assert!(v115.aggregated.is_none());
    }

    #[test]
    fn subtask_times_and_taskmanagers_decode() {
        let times: SubtasksTimesInfo = round_trip(
            r#"{"id":"5b61d6019ab04da71a4e62533c1a8c40","name":"w","now":1,"subtasks":[{"subtask":0,"host":"localhost","endpoint":"localhost:42301","duration":5377,"timestamps":{"FINISHED":0,"RUNNING":1795441930518}}]}"#,
        );
        assert_eq!(
            times.subtasks[0].timestamps[&ExecutionState::Running],
            1_795_441_930_518
        );
        assert_eq!(times.subtasks[0].host.as_deref(), Some("localhost"));

        let json = format!(
            r#"{{"id":"5b61d6019ab04da71a4e62533c1a8c40","name":"w","now":1,"taskmanagers":[{{"endpoint":"localhost:36395","status":"RUNNING","start-time":1,"end-time":-1,"duration":5566,"metrics":{METRICS},"status-counts":{{"RUNNING":2,"FAILED":0}},"taskmanager-id":"127.0.0.1:35829-925740","aggregated":{{"metrics":{{}},"status-duration":{{}}}}}}]}}"#
        );
        let taskmanagers: JobVertexTaskManagersInfo = round_trip(&json);
        let tm = &taskmanagers.taskmanagers[0];
        assert_eq!(tm.taskmanager_id, "127.0.0.1:35829-925740");
        assert_eq!(tm.status_counts[&ExecutionState::Running], 2);
        assert_eq!(tm.host, None);
    }

    #[test]
    fn accumulators_decode() {
        let empty: JobVertexAccumulatorsInfo =
            round_trip(r#"{"id":"5b61d6019ab04da71a4e62533c1a8c40","user-accumulators":[]}"#);
        assert!(empty.user_accumulators.is_empty());
        let one: JobVertexAccumulatorsInfo = round_trip(
            r#"{"id":"5b61d6019ab04da71a4e62533c1a8c40","user-accumulators":[{"name":"n","type":"LongCounter","value":"3"}]}"#,
        );
        assert_eq!(one.user_accumulators[0].kind, "LongCounter");
    }

    #[test]
    fn backpressure_warm_up_is_a_typed_state() {
        let warming: JobVertexBackPressureInfo = round_trip(r#"{"status":"deprecated"}"#);
        assert_eq!(warming.status, BackpressureStatus::Deprecated);
        assert!(!warming.is_ready());
        assert!(warming.subtasks().is_empty());
        assert_eq!(warming.backpressure_level, None);
    }

    #[test]
    fn backpressure_ok_has_levels_and_ratios() {
        let ok: JobVertexBackPressureInfo = round_trip(
            r#"{"status":"ok","backpressureLevel":"low","end-timestamp":1795441879538,"subtasks":[{"subtask":0,"backpressureLevel":"low","ratio":0.25,"idleRatio":"NaN","busyRatio":0.75,"backpressure-level":"low"}],"backpressure-level":"low"}"#,
        );
        assert!(ok.is_ready());
        assert_eq!(ok.backpressure_level, Some(BackpressureLevel::Low));
        assert_eq!(ok.end_timestamp, Some(1_795_441_879_538));
        let subtask = &ok.subtasks()[0];
        assert_eq!(subtask.backpressure_level, BackpressureLevel::Low);
        assert!((subtask.ratio - 0.25).abs() < f64::EPSILON);
        assert!(subtask.idle_ratio.is_nan());
        assert_eq!(ok.extra["backpressure-level"], "low");
    }

    #[test]
    fn flame_graph_markers_are_typed_states() {
        for (marker, state) in [
            (-1, FlameGraphState::Disabled),
            (-2, FlameGraphState::Terminated),
            (-3, FlameGraphState::Pending),
            (-7, FlameGraphState::Unknown(-7)),
        ] {
            let graph: VertexFlameGraph = round_trip(&format!(r#"{{"endTimestamp":{marker}}}"#));
            assert_eq!(graph.state(), state);
            assert!(graph.tree().is_none());
        }
    }

    #[test]
    fn ready_flame_graph_has_a_tree() {
        let graph: VertexFlameGraph = round_trip(
            r#"{"endTimestamp":1795441888083,"data":{"name":"root","value":200,"children":[{"name":"java.lang.Thread.run:840","value":200,"children":[{"name":"jdk.internal.misc.Unsafe.park:-2","value":150,"children":[]},{"name":"a.B.c:1","value":50,"children":[]}]}]}}"#,
        );
        let FlameGraphState::Ready {
            end_timestamp,
            root,
        } = graph.state()
        else {
            panic!("not ready: {graph:?}");
        };
        assert_eq!(end_timestamp, 1_795_441_888_083);
        assert_eq!(root.name, "root");
        assert_eq!(root.value, 200);
        assert_eq!(root.children[0].children.len(), 2);
        assert_eq!(root.frame_count(), 4);
        assert_eq!(graph.tree(), Some(root));
    }
}
