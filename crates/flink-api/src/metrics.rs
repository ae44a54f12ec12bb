//! Metrics endpoints: names and values per scope (JobManager, TaskManager, job, vertex,
//! subtask, operator coordinators), and aggregates across TaskManagers, jobs or subtasks.
//!
//! Long `get=` lists are split into several requests so that no URL grows past what Flink's
//! HTTP decoder accepts (4 KiB for the request line); the answers are concatenated. The calls
//! take names as a list, checked and joined on every call, or as [`MetricNames`], checked,
//! grouped and joined once for a poller that asks for the same metrics again and again.
//! [`names`] has the names of the metrics most often asked for.
//!
//! Values are as fresh as Flink's last fetch from the TaskManagers, which a request starts
//! when the previous one is older than `metrics.fetcher.update-interval` (10 s by default)
//! but does not wait for: the first answer after a quiet spell can be minutes old. Ask twice,
//! a moment apart, when the first reading matters (`flinkctl top` does). The record counts of
//! `GET /jobs/:id` come from the same fetch.

use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::endpoint::{Endpoint, JsonEndpoint, encode_segment};
use crate::jobs::subtasks::{SubtaskIndex, job_path, subtask_path};
use crate::jobs::vertices::vertex_path;
use crate::{ApiError, FlinkVersion, JobId, TaskManagerId, VertexId};
use flink_models::metrics::{AggregatedMetric, Metric};

mod name_list;

pub use name_list::{IntoMetricNames, MetricNames, split_names};
use name_list::{MAX_NAMES_PER_REQUEST_BYTES, encoded_len};

/// At most this many bytes of `get=` and member list (`jobs=`, `taskmanagers=`, `subtasks=`)
/// together; the member list of an aggregate cannot be split, so it shrinks the room for names.
const MAX_QUERY_BYTES: usize = 3000;

/// The least room left for names next to a member list; a longer member list is refused.
const MIN_NAMES_BYTES: usize = 200;

/// Where metrics are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetricScope {
    /// `GET /jobmanager/metrics`.
    JobManager,
    /// `GET /taskmanagers/:taskmanagerid/metrics`.
    TaskManager(TaskManagerId),
    /// `GET /jobs/:jobid/metrics`: restarts, checkpoints, uptime and the time spent in each
    /// state.
    Job(JobId),
    /// `GET /jobs/:jobid/vertices/:vertexid/metrics`: the metrics of every subtask of a vertex,
    /// named `<subtask>.<metric>` or `<subtask>.<operator>.<metric>` (see
    /// [`names::of_subtask`] and [`names::of_operator`]).
    Vertex {
        /// The job.
        job: JobId,
        /// The vertex.
        vertex: VertexId,
    },
    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/metrics`: one subtask's
    /// metrics, named `<metric>` or `<operator>.<metric>`.
    Subtask {
        /// The job.
        job: JobId,
        /// The vertex.
        vertex: VertexId,
        /// The subtask.
        subtask: SubtaskIndex,
    },
    /// `GET /jobs/:jobid/vertices/:vertexid/jm-operator-metrics`: the metrics the JobManager
    /// keeps for the vertex's operator coordinators (a source's split enumerator, for instance).
    JobManagerOperator {
        /// The job.
        job: JobId,
        /// The vertex.
        vertex: VertexId,
    },
}

impl MetricScope {
    fn path(&self) -> String {
        match self {
            Self::JobManager => "/jobmanager/metrics".to_owned(),
            Self::TaskManager(id) => {
                format!("/taskmanagers/{}/metrics", encode_segment(id.as_str()))
            }
            Self::Job(job) => format!("{}/metrics", job_path(job)),
            Self::Vertex { job, vertex } => format!("{}/metrics", vertex_path(job, vertex)),
            Self::Subtask {
                job,
                vertex,
                subtask,
            } => format!("{}/metrics", subtask_path(job, vertex, *subtask)),
            Self::JobManagerOperator { job, vertex } => {
                format!("{}/jm-operator-metrics", vertex_path(job, vertex))
            }
        }
    }
}

/// `GET …/metrics[?get=a,b]`: without names, the names available; with names, their values.
#[derive(Clone, Debug)]
pub struct GetMetrics {
    scope: MetricScope,
    /// The `get=` value (names joined with `,`); `None` lists the names.
    names: Option<Arc<str>>,
}

impl GetMetrics {
    /// Lists the metric names available in a scope.
    pub fn names(scope: MetricScope) -> Self {
        Self { scope, names: None }
    }

    /// Reads the values of the given metrics, split into as many requests as the URL length needs.
    pub fn values<S: AsRef<str>>(scope: &MetricScope, names: &[S]) -> Result<Vec<Self>, ApiError> {
        Self::values_of(scope.clone(), names)
    }

    /// [`GetMetrics::values`] of a scope given by value, for names given as a list or as
    /// [`MetricNames`] checked once (what a poller passes every time).
    pub fn values_of(
        scope: MetricScope,
        names: impl IntoMetricNames,
    ) -> Result<Vec<Self>, ApiError> {
        let names = names.into_metric_names()?;
        Ok(per_group(scope, &names, |scope, names| Self {
            scope,
            names: Some(names),
        }))
    }
}

impl Endpoint for GetMetrics {
    const NAME: &'static str = "metrics.get";
    const VERSION_DEPENDENT: bool = true;

    /// Operator-coordinator metrics came with Flink 1.20.
    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        if matches!(self.scope, MetricScope::JobManagerOperator { .. }) {
            version.require(
                1,
                20,
                "GET /jobs/:jobid/vertices/:vertexid/jm-operator-metrics",
            )?;
        }
        Ok(())
    }

    fn path(&self) -> String {
        self.scope.path()
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        self.names
            .iter()
            .map(|names| ("get", names.to_string()))
            .collect()
    }
}

/// One request per group of `names`, each with its own copy of `scope` (moved into the last).
fn per_group<Scope: Clone, E>(
    scope: Scope,
    names: &MetricNames,
    request: impl Fn(Scope, Arc<str>) -> E,
) -> Vec<E> {
    let mut requests = Vec::with_capacity(names.groups().len());
    if let Some((last, others)) = names.groups().split_last() {
        requests.extend(
            others
                .iter()
                .map(|group| request(scope.clone(), Arc::clone(group))),
        );
        requests.push(request(scope, Arc::clone(last)));
    }
    requests
}

impl JsonEndpoint for GetMetrics {
    type Output = Vec<Metric>;
}

/// How to combine one metric's values across several TaskManagers (or subtasks, or jobs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aggregation {
    /// The smallest value.
    Min,
    /// The largest value.
    Max,
    /// The sum of the values.
    Sum,
    /// The mean of the values.
    Avg,
    /// How unevenly the values are spread (0 = even, 100 = all on one).
    Skew,
}

impl Aggregation {
    /// Every aggregation Flink computes.
    pub const ALL: [Self; 5] = [Self::Min, Self::Max, Self::Sum, Self::Avg, Self::Skew];

    /// The wire name in `agg=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Min => "min",
            Self::Max => "max",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Skew => "skew",
        }
    }
}

/// Which set of components an aggregate spans.
///
/// Flink answers `[]` for a whole request when a name asked for is missing from one of the
/// components (an unknown name, for instance), and leaves out metrics that are not numbers;
/// list the names first when unsure. A long list split into several requests is affected
/// request by request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AggregatedMetricScope {
    /// `GET /taskmanagers/metrics`: these TaskManagers, or all when the list is empty.
    TaskManagers(Vec<TaskManagerId>),
    /// `GET /jobs/metrics`: these jobs, or all jobs the cluster knows when the list is empty.
    Jobs(Vec<JobId>),
    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics`: these subtasks of a vertex, or
    /// all of them when the list is empty. Names are those of one subtask (`numRecordsIn`).
    Subtasks {
        /// The job.
        job: JobId,
        /// The vertex.
        vertex: VertexId,
        /// Which subtasks, as single indexes or ranges.
        subtasks: Vec<SubtaskRange>,
    },
}

impl AggregatedMetricScope {
    fn path(&self) -> String {
        match self {
            Self::TaskManagers(_) => "/taskmanagers/metrics".to_owned(),
            Self::Jobs(_) => "/jobs/metrics".to_owned(),
            Self::Subtasks { job, vertex, .. } => {
                format!("{}/subtasks/metrics", vertex_path(job, vertex))
            }
        }
    }

    fn members(&self) -> Option<(&'static str, String)> {
        match self {
            Self::TaskManagers(ids) => {
                joined("taskmanagers", ids, |out, id| out.push_str(id.as_str()))
            }
            Self::Jobs(ids) => joined("jobs", ids, |out, id| out.push_str(id.as_str())),
            Self::Subtasks { subtasks, .. } => joined("subtasks", subtasks, |out, range| {
                // Writing into a `String` cannot fail.
                let _ = write!(out, "{range}");
            }),
        }
    }

    /// The room left for names next to the member list, which cannot be split.
    fn names_budget(&self) -> Result<usize, ApiError> {
        let Some((key, members)) = self.members() else {
            return Ok(MAX_NAMES_PER_REQUEST_BYTES);
        };
        let used = encoded_len(&members) + key.len() + 2;
        match MAX_QUERY_BYTES.checked_sub(used) {
            Some(room) if room >= MIN_NAMES_BYTES => Ok(room.min(MAX_NAMES_PER_REQUEST_BYTES)),
            _ => Err(ApiError::invalid(
                "aggregation members",
                &members,
                format!(
                    "the `{key}=` list takes {used} bytes of the URL and an aggregate cannot be split across requests; name fewer {key}, or none to aggregate over all of them"
                ),
            )),
        }
    }
}

/// Subtasks of a vertex to aggregate over: one index (`3`) or an inclusive range (`0-2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubtaskRange {
    first: SubtaskIndex,
    last: SubtaskIndex,
}

impl SubtaskRange {
    /// The subtasks from `first` to `last`, both included.
    pub fn new(first: SubtaskIndex, last: SubtaskIndex) -> Result<Self, ApiError> {
        if first <= last {
            Ok(Self { first, last })
        } else {
            Err(ApiError::invalid(
                "subtask range",
                &format!("{first}-{last}"),
                "a range goes from its first subtask to its last, so the first index cannot be larger",
            ))
        }
    }

    /// Just one subtask.
    pub fn single(index: SubtaskIndex) -> Self {
        Self {
            first: index,
            last: index,
        }
    }

    /// The first subtask of the range.
    pub fn first(self) -> SubtaskIndex {
        self.first
    }

    /// The last subtask of the range (included).
    pub fn last(self) -> SubtaskIndex {
        self.last
    }

    /// Whether `index` is in the range.
    pub fn contains(self, index: SubtaskIndex) -> bool {
        self.first <= index && index <= self.last
    }
}

impl From<SubtaskIndex> for SubtaskRange {
    fn from(index: SubtaskIndex) -> Self {
        Self::single(index)
    }
}

/// The wire form in `subtasks=`: `3`, or `0-2` for a range.
impl fmt::Display for SubtaskRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// `GET /taskmanagers/metrics?get=…&agg=…&taskmanagers=…`: metrics aggregated across components.
#[derive(Clone, Debug)]
pub struct GetAggregatedMetrics {
    scope: AggregatedMetricScope,
    /// The `get=` value (names joined with `,`); `None` lists the names.
    names: Option<Arc<str>>,
    aggregations: Vec<Aggregation>,
}

impl GetAggregatedMetrics {
    /// Lists the metric names available for aggregation in a scope.
    pub fn names(scope: AggregatedMetricScope) -> Self {
        Self {
            scope,
            names: None,
            aggregations: Vec::new(),
        }
    }

    /// Reads aggregates of the given metrics (all aggregations when `aggregations` is empty),
    /// split into as many requests as the URL length needs.
    pub fn values<S: AsRef<str>>(
        scope: &AggregatedMetricScope,
        names: &[S],
        aggregations: &[Aggregation],
    ) -> Result<Vec<Self>, ApiError> {
        Self::values_of(scope.clone(), names, aggregations)
    }

    /// [`GetAggregatedMetrics::values`] of a scope given by value, for names given as a list or
    /// as [`MetricNames`] checked once (what a poller passes every time). Names grouped
    /// beforehand are regrouped only when the scope's member list leaves them less room.
    pub fn values_of(
        scope: AggregatedMetricScope,
        names: impl IntoMetricNames,
        aggregations: &[Aggregation],
    ) -> Result<Vec<Self>, ApiError> {
        let names = names.into_metric_names()?.within(scope.names_budget()?)?;
        Ok(per_group(scope, &names, |scope, names| Self {
            scope,
            names: Some(names),
            aggregations: aggregations.to_vec(),
        }))
    }
}

impl Endpoint for GetAggregatedMetrics {
    const NAME: &'static str = "metrics.aggregated";
    const VERSION_DEPENDENT: bool = true;

    /// Flink before 1.20 refuses the whole request when it names the skew.
    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        if self.aggregations.contains(&Aggregation::Skew) {
            version.require(1, 20, "the `skew` metric aggregation")?;
        }
        Ok(())
    }

    fn path(&self) -> String {
        self.scope.path()
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::with_capacity(3);
        if let Some(names) = &self.names {
            query.push(("get", names.to_string()));
        }
        query.extend(joined("agg", &self.aggregations, |out, aggregation| {
            out.push_str(aggregation.as_str());
        }));
        query.extend(self.scope.members());
        query
    }
}

impl JsonEndpoint for GetAggregatedMetrics {
    type Output = Vec<AggregatedMetric>;
}

/// `key` and `items` as one comma-separated value, or `None` for no items; `write` appends an
/// item's text (straight into the value: no `String` per item).
fn joined<T>(
    key: &'static str,
    items: &[T],
    write: impl Fn(&mut String, &T),
) -> Option<(&'static str, String)> {
    let (first, others) = items.split_first()?;
    let mut value = String::new();
    write(&mut value, first);
    for item in others {
        value.push(',');
        write(&mut value, item);
    }
    Some((key, value))
}

/// Names of well-known metrics, as Flink registers them, and helpers to qualify them.
///
/// Job metrics ([`MetricScope::Job`], [`AggregatedMetricScope::Jobs`]) use the plain names.
/// Task metrics are plain in a subtask's scope ([`MetricScope::Subtask`],
/// [`AggregatedMetricScope::Subtasks`]) and prefixed with the subtask index in a vertex's
/// ([`of_subtask`](names::of_subtask)); operator metrics are prefixed with the operator's name ([`of_operator`](names::of_operator)).
pub mod names {
    use crate::jobs::subtasks::SubtaskIndex;

    /// Job: how often the job restarted since it was submitted.
    pub const NUM_RESTARTS: &str = "numRestarts";
    /// Job: milliseconds since the job last started running (0 while it is not running).
    pub const UPTIME: &str = "uptime";
    /// Job: milliseconds the job has been failing or restarting, since it last stopped running.
    pub const DOWNTIME: &str = "downtime";
    /// Job: checkpoints that completed.
    pub const NUMBER_OF_COMPLETED_CHECKPOINTS: &str = "numberOfCompletedCheckpoints";
    /// Job: checkpoints that failed.
    pub const NUMBER_OF_FAILED_CHECKPOINTS: &str = "numberOfFailedCheckpoints";
    /// Job: checkpoints in progress now.
    pub const NUMBER_OF_IN_PROGRESS_CHECKPOINTS: &str = "numberOfInProgressCheckpoints";
    /// Job: checkpoints triggered, in whatever state.
    pub const TOTAL_NUMBER_OF_CHECKPOINTS: &str = "totalNumberOfCheckpoints";
    /// Job: how long the last completed checkpoint took, in milliseconds.
    pub const LAST_CHECKPOINT_DURATION: &str = "lastCheckpointDuration";
    /// Job: the size of the last completed checkpoint, in bytes (incremental part only).
    pub const LAST_CHECKPOINT_SIZE: &str = "lastCheckpointSize";
    /// Job: the full size of the last completed checkpoint, in bytes.
    pub const LAST_CHECKPOINT_FULL_SIZE: &str = "lastCheckpointFullSize";
    /// Job: where the last completed checkpoint was written (text, not a number).
    pub const LAST_CHECKPOINT_EXTERNAL_PATH: &str = "lastCheckpointExternalPath";
    /// Job: the id of the last completed checkpoint.
    pub const LAST_COMPLETED_CHECKPOINT_ID: &str = "lastCompletedCheckpointId";
    /// Job: when the job last restored from a checkpoint, in milliseconds since the epoch
    /// (-1 when it never did).
    pub const LAST_CHECKPOINT_RESTORE_TIMESTAMP: &str = "lastCheckpointRestoreTimestamp";

    /// Task: milliseconds per second the task was busy (`NaN` while it cannot tell).
    pub const BUSY_TIME_MS_PER_SECOND: &str = "busyTimeMsPerSecond";
    /// Task: milliseconds per second the task was idle, waiting for input.
    pub const IDLE_TIME_MS_PER_SECOND: &str = "idleTimeMsPerSecond";
    /// Task: milliseconds per second the task was back-pressured, waiting for output buffers.
    pub const BACK_PRESSURED_TIME_MS_PER_SECOND: &str = "backPressuredTimeMsPerSecond";
    /// Task: whether the task is back-pressured right now (`true`/`false`, not a number).
    pub const IS_BACK_PRESSURED: &str = "isBackPressured";
    /// Task or operator: records received.
    pub const NUM_RECORDS_IN: &str = "numRecordsIn";
    /// Task or operator: records sent.
    pub const NUM_RECORDS_OUT: &str = "numRecordsOut";
    /// Task or operator: records received per second.
    pub const NUM_RECORDS_IN_PER_SECOND: &str = "numRecordsInPerSecond";
    /// Task or operator: records sent per second.
    pub const NUM_RECORDS_OUT_PER_SECOND: &str = "numRecordsOutPerSecond";
    /// Task or operator: bytes received.
    pub const NUM_BYTES_IN: &str = "numBytesIn";
    /// Task or operator: bytes sent.
    pub const NUM_BYTES_OUT: &str = "numBytesOut";
    /// Task or operator: the lowest watermark received, in milliseconds since the epoch
    /// (`i64::MIN` before the first one).
    pub const CURRENT_INPUT_WATERMARK: &str = "currentInputWatermark";
    /// Operator: the last watermark emitted, in milliseconds since the epoch (`i64::MIN`
    /// before the first one).
    pub const CURRENT_OUTPUT_WATERMARK: &str = "currentOutputWatermark";

    /// How long Flink keeps an operator's name in metric names.
    const OPERATOR_NAME_MAX_CHARS: usize = 80;

    /// A metric of one subtask as named in a vertex's scope: `3.numRecordsIn`.
    pub fn of_subtask(subtask: SubtaskIndex, metric: &str) -> String {
        format!("{subtask}.{metric}")
    }

    /// A metric of one operator as named in a subtask's scope: the operator's name cut to 80
    /// characters, with ` `, `.`, `:` and `,` turned into `_`, then the metric
    /// (`Source: numbers` gives `Source__numbers.numRecordsOut`). Prefix it with
    /// [`of_subtask`] for a vertex's scope.
    pub fn of_operator(operator: &str, metric: &str) -> String {
        let mut name: String = operator
            .chars()
            .take(OPERATOR_NAME_MAX_CHARS)
            .map(|c| {
                if matches!(c, ' ' | '.' | ':' | ',') {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        name.push('.');
        name.push_str(metric);
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_for_newest;

    #[test]
    fn few_names_make_one_request() {
        let requests = GetMetrics::values(
            &MetricScope::JobManager,
            &["Status.JVM.CPU.Load", "numRunningJobs"],
        )
        .unwrap();
        assert_eq!(requests.len(), 1);
        let request = build_for_newest(&requests[0]).unwrap();
        assert_eq!(
            request.uri(),
            "/jobmanager/metrics?get=Status.JVM.CPU.Load,numRunningJobs"
        );
    }

    #[test]
    fn long_lists_are_split_and_keep_every_name_once_in_order() {
        let names: Vec<String> = (0..400)
            .map(|i| format!("0.Source__gen.numRecordsOutPerSecond{i}"))
            .collect();
        let requests = GetMetrics::values(&MetricScope::JobManager, &names).unwrap();
        assert!(requests.len() > 1);
        let mut seen = Vec::new();
        for request in &requests {
            let uri = build_for_newest(request).unwrap().uri().to_string();
            assert!(uri.len() < 2048, "{} bytes", uri.len());
            seen.extend(
                request
                    .names
                    .as_deref()
                    .unwrap()
                    .split(',')
                    .map(str::to_owned),
            );
        }
        assert_eq!(seen, names);
    }

    #[test]
    fn bad_names_are_rejected() {
        assert!(
            GetMetrics::values::<&str>(&MetricScope::JobManager, &[])
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            GetMetrics::values(&MetricScope::JobManager, &["a,b"])
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            GetMetrics::values(&MetricScope::JobManager, &[" "])
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn aggregated_query_names_aggregations_and_members() {
        let tm: TaskManagerId = "127.0.0.1:1-a".parse().unwrap();
        let requests = GetAggregatedMetrics::values(
            &AggregatedMetricScope::TaskManagers(vec![tm]),
            &["Status.JVM.Memory.Heap.Used"],
            &[Aggregation::Min, Aggregation::Max],
        )
        .unwrap();
        let request = build_for_newest(&requests[0]).unwrap();
        assert_eq!(
            request.uri(),
            "/taskmanagers/metrics?get=Status.JVM.Memory.Heap.Used&agg=min,max&taskmanagers=127.0.0.1%3A1-a"
        );
    }

    #[test]
    fn names_listing_has_no_query() {
        let request = build_for_newest(&GetMetrics::names(MetricScope::TaskManager(
            "x".parse().unwrap(),
        )))
        .unwrap();
        assert_eq!(request.uri(), "/taskmanagers/x/metrics");
    }

    fn job_and_vertex() -> (JobId, VertexId) {
        (
            "d7b2518b7cc9b04478ed2eb249c5b9a0".parse().unwrap(),
            "ca88eee0095684d687a1b6495617f957".parse().unwrap(),
        )
    }

    fn uris<E: Endpoint + Clone>(requests: &[E]) -> Vec<String> {
        requests
            .iter()
            .map(|request| build_for_newest(request).unwrap().uri().to_string())
            .collect()
    }

    #[test]
    fn job_scopes_have_their_paths() {
        let (job, vertex) = job_and_vertex();
        let base = format!("/jobs/{job}/vertices/{vertex}");
        let cases = [
            (
                MetricScope::Job(job.clone()),
                format!("/jobs/{job}/metrics"),
            ),
            (
                MetricScope::Vertex {
                    job: job.clone(),
                    vertex: vertex.clone(),
                },
                format!("{base}/metrics"),
            ),
            (
                MetricScope::Subtask {
                    job: job.clone(),
                    vertex: vertex.clone(),
                    subtask: SubtaskIndex::from(2),
                },
                format!("{base}/subtasks/2/metrics"),
            ),
            (
                MetricScope::JobManagerOperator { job, vertex },
                format!("{base}/jm-operator-metrics"),
            ),
        ];
        for (scope, path) in cases {
            let listing = GetMetrics::names(scope.clone());
            assert_eq!(uris(std::slice::from_ref(&listing)), [path.as_str()]);
            assert_eq!(
                uris(&GetMetrics::values(&scope, &["0.numRecordsIn", "uptime"]).unwrap()),
                [format!("{path}?get=0.numRecordsIn,uptime")]
            );
        }
    }

    #[test]
    fn names_with_special_characters_are_encoded_but_commas_separate() {
        let (job, vertex) = job_and_vertex();
        let scope = MetricScope::Vertex { job, vertex };
        let name = names::of_subtask(
            SubtaskIndex::FIRST,
            &names::of_operator("count-per-key", "a b&c"),
        );
        let requests = GetMetrics::values(&scope, &[name.as_str(), "0.numRecordsOut"]).unwrap();
        assert!(uris(&requests)[0].ends_with("?get=0.count-per-key.a%20b%26c,0.numRecordsOut"));
    }

    #[test]
    fn two_hundred_vertex_metric_names_take_several_requests() {
        let (job, vertex) = job_and_vertex();
        let scope = MetricScope::Vertex { job, vertex };
        let names: Vec<String> = (0..200)
            .map(|i| {
                names::of_subtask(
                    SubtaskIndex::FIRST,
                    &format!("Source__numbers.someMetric{i}"),
                )
            })
            .collect();
        let requests = GetMetrics::values(&scope, &names).unwrap();
        assert!(requests.len() > 1, "{} requests", requests.len());
        let joined: Vec<&str> = requests
            .iter()
            .flat_map(|r| r.names.as_deref().unwrap().split(','))
            .collect();
        assert_eq!(joined, names);
        for uri in uris(&requests) {
            assert!(uri.len() < 2048, "{uri}");
        }
    }

    #[test]
    fn aggregates_over_jobs_and_subtasks() {
        let (job, vertex) = job_and_vertex();
        let other: JobId = "00000000000000000000000000000abc".parse().unwrap();
        let jobs = GetAggregatedMetrics::values(
            &AggregatedMetricScope::Jobs(vec![job.clone(), other.clone()]),
            &[names::UPTIME, names::NUM_RESTARTS],
            &Aggregation::ALL,
        )
        .unwrap();
        assert_eq!(
            uris(&jobs),
            [format!(
                "/jobs/metrics?get=uptime,numRestarts&agg=min,max,sum,avg,skew&jobs={job},{other}"
            )]
        );
        assert_eq!(
            uris(&[GetAggregatedMetrics::names(AggregatedMetricScope::Jobs(
                Vec::new()
            ))]),
            ["/jobs/metrics"]
        );

        let subtasks = vec![
            SubtaskRange::single(SubtaskIndex::FIRST),
            SubtaskRange::new(SubtaskIndex::from(2), SubtaskIndex::from(4)).unwrap(),
            SubtaskIndex::from(7).into(),
        ];
        let scope = AggregatedMetricScope::Subtasks {
            job: job.clone(),
            vertex: vertex.clone(),
            subtasks,
        };
        let requests =
            GetAggregatedMetrics::values(&scope, &[names::NUM_RECORDS_IN], &[Aggregation::Sum])
                .unwrap();
        assert_eq!(
            uris(&requests),
            [format!(
                "/jobs/{job}/vertices/{vertex}/subtasks/metrics?get=numRecordsIn&agg=sum&subtasks=0,2-4,7"
            )]
        );
        let all = AggregatedMetricScope::Subtasks {
            job,
            vertex,
            subtasks: Vec::new(),
        };
        let requests = GetAggregatedMetrics::values(&all, &[names::NUM_RECORDS_IN], &[]).unwrap();
        assert!(uris(&requests)[0].ends_with("/subtasks/metrics?get=numRecordsIn"));
    }

    #[test]
    fn subtask_ranges_are_ordered() {
        let range = SubtaskRange::new(SubtaskIndex::from(1), SubtaskIndex::from(3)).unwrap();
        assert!(range.contains(SubtaskIndex::from(3)) && !range.contains(SubtaskIndex::FIRST));
        assert_eq!((range.first().get(), range.last().get()), (1, 3));
        let error = SubtaskRange::new(SubtaskIndex::from(3), SubtaskIndex::from(1)).unwrap_err();
        assert!(error.is_invalid_input());
        assert!(error.to_string().contains("3-1"), "{error}");
    }

    #[test]
    fn a_member_list_too_long_for_one_url_is_refused_and_shrinks_the_names() {
        let many: Vec<JobId> = (0..100).map(|_| JobId::generate()).collect();
        let error = GetAggregatedMetrics::values(
            &AggregatedMetricScope::Jobs(many.clone()),
            &[names::UPTIME],
            &[],
        )
        .unwrap_err();
        assert!(error.is_invalid_input());
        assert!(error.to_string().contains("jobs="), "{error}");

        let names: Vec<String> = (0..100).map(|i| format!("metric{i:04}")).collect();
        let alone =
            GetAggregatedMetrics::values(&AggregatedMetricScope::Jobs(Vec::new()), &names, &[])
                .unwrap();
        let with_jobs = GetAggregatedMetrics::values(
            &AggregatedMetricScope::Jobs(many[..60].to_vec()),
            &names,
            &[],
        )
        .unwrap();
        assert!(
            with_jobs.len() > alone.len(),
            "{} vs {}",
            with_jobs.len(),
            alone.len()
        );
        for uri in uris(&with_jobs) {
            assert!(uri.len() < 4000, "{} bytes", uri.len());
        }
    }

    #[test]
    fn names_checked_once_build_the_requests_a_list_builds() {
        let names: Vec<String> = (0..100).map(|i| format!("metric{i:04}")).collect();
        let prepared = MetricNames::new(&names).unwrap();
        let scope = MetricScope::JobManager;
        let plain = GetMetrics::values_of(scope.clone(), &prepared).unwrap();
        assert_eq!(
            uris(&plain),
            uris(&GetMetrics::values(&scope, &names).unwrap())
        );
        assert_eq!(plain.len(), 1);

        // Sixty job ids leave less room for names: the prepared groups are cut again.
        let jobs: Vec<JobId> = (0..60).map(|_| JobId::generate()).collect();
        let aggregated = AggregatedMetricScope::Jobs(jobs);
        let from_prepared =
            GetAggregatedMetrics::values_of(aggregated.clone(), prepared, &[Aggregation::Max])
                .unwrap();
        assert_eq!(from_prepared.len(), 2);
        assert_eq!(
            uris(&from_prepared),
            uris(&GetAggregatedMetrics::values(&aggregated, &names, &[Aggregation::Max]).unwrap())
        );
    }

    #[test]
    fn metric_names_are_qualified_like_flink_does() {
        assert_eq!(
            names::of_operator("Source: numbers", names::NUM_RECORDS_OUT),
            "Source__numbers.numRecordsOut"
        );
        assert_eq!(
            names::of_subtask(
                SubtaskIndex::from(1),
                &names::of_operator("discard: Writer", names::NUM_RECORDS_IN)
            ),
            "1.discard__Writer.numRecordsIn"
        );
        let long = "x".repeat(100);
        assert_eq!(
            names::of_operator(&long, "m"),
            format!("{}.m", "x".repeat(80))
        );
    }
}
