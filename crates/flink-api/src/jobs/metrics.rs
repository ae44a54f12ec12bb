//! Metrics of jobs, vertices, subtasks and operator coordinators, and their aggregates.
//!
//! The endpoints are those of [`crate::metrics`] ([`GetMetrics`], [`GetAggregatedMetrics`])
//! with the job scopes of [`MetricScope`] and [`AggregatedMetricScope`]; well-known names are
//! in [`crate::metrics::names`]. Metrics appear only once Flink's metric fetcher has run
//! (`metrics.fetcher.update-interval`), so a young job may list none yet.

use std::future::Future;

use crate::endpoint::Execute;
use crate::jobs::subtasks::SubtaskIndex;
use crate::metrics::{
    AggregatedMetricScope, Aggregation, GetAggregatedMetrics, GetMetrics, IntoMetricNames,
    MetricScope, SubtaskRange,
};
use crate::{ApiError, JobId, VertexId, execute_all};
use flink_models::metrics::{AggregatedMetric, Metric};

/// Job metric calls. Implemented for every [`Execute`]; bring it into scope to call them.
///
/// `…_metric_names` lists what a scope has; `…_metrics` reads the named values (names Flink
/// does not know are left out of the answer), splitting long lists over several requests.
/// Names are a list (`&["uptime"]`) or [`MetricNames`](crate::metrics::MetricNames), checked
/// once for calls that repeat.
/// Aggregates are numbers; Flink answers `[]` for an aggregate request that names a metric
/// one of the components lacks (see [`AggregatedMetricScope`]).
pub trait JobMetricsApi: Execute + Sync {
    /// `GET /jobs/metrics`: the metric names that can be aggregated across jobs.
    fn jobs_metric_names(
        &self,
    ) -> impl Future<Output = Result<Vec<AggregatedMetric>, ApiError>> + Send {
        self.execute(GetAggregatedMetrics::names(AggregatedMetricScope::Jobs(
            Vec::new(),
        )))
    }

    /// `GET /jobs/metrics?get=…&agg=…&jobs=…`: aggregates across jobs (all of them when `jobs`
    /// is empty; every aggregation when `aggregations` is empty).
    fn jobs_metrics(
        &self,
        names: impl IntoMetricNames,
        aggregations: &[Aggregation],
        jobs: Vec<JobId>,
    ) -> impl Future<Output = Result<Vec<AggregatedMetric>, ApiError>> + Send {
        let scope = AggregatedMetricScope::Jobs(jobs);
        execute_all(
            self,
            GetAggregatedMetrics::values_of(scope, names, aggregations),
        )
    }

    /// `GET /jobs/:jobid/metrics`: the names of a job's metrics.
    fn job_metric_names(
        &self,
        job: JobId,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        self.execute(GetMetrics::names(MetricScope::Job(job)))
    }

    /// `GET /jobs/:jobid/metrics?get=…`: values of a job's metrics.
    fn job_metrics(
        &self,
        job: JobId,
        names: impl IntoMetricNames,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        execute_all(self, GetMetrics::values_of(MetricScope::Job(job), names))
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/metrics`: the names of a vertex's metrics
    /// (`<subtask>.<metric>`).
    fn vertex_metric_names(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        self.execute(GetMetrics::names(MetricScope::Vertex { job, vertex }))
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/metrics?get=…`: values of a vertex's metrics.
    fn vertex_metrics(
        &self,
        job: JobId,
        vertex: VertexId,
        names: impl IntoMetricNames,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        execute_all(
            self,
            GetMetrics::values_of(MetricScope::Vertex { job, vertex }, names),
        )
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics`: the metric names that can be
    /// aggregated across a vertex's subtasks.
    fn subtasks_metric_names(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<Vec<AggregatedMetric>, ApiError>> + Send {
        self.execute(GetAggregatedMetrics::names(
            AggregatedMetricScope::Subtasks {
                job,
                vertex,
                subtasks: Vec::new(),
            },
        ))
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/metrics?get=…&agg=…&subtasks=…`:
    /// aggregates across a vertex's subtasks (all of them when `subtasks` is empty; every
    /// aggregation when `aggregations` is empty).
    fn subtasks_metrics(
        &self,
        job: JobId,
        vertex: VertexId,
        names: impl IntoMetricNames,
        aggregations: &[Aggregation],
        subtasks: Vec<SubtaskRange>,
    ) -> impl Future<Output = Result<Vec<AggregatedMetric>, ApiError>> + Send {
        let scope = AggregatedMetricScope::Subtasks {
            job,
            vertex,
            subtasks,
        };
        execute_all(
            self,
            GetAggregatedMetrics::values_of(scope, names, aggregations),
        )
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/metrics`: the names of one
    /// subtask's metrics.
    fn subtask_metric_names(
        &self,
        job: JobId,
        vertex: VertexId,
        subtask: SubtaskIndex,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        self.execute(GetMetrics::names(MetricScope::Subtask {
            job,
            vertex,
            subtask,
        }))
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/metrics?get=…`: values of
    /// one subtask's metrics.
    fn subtask_metrics(
        &self,
        job: JobId,
        vertex: VertexId,
        subtask: SubtaskIndex,
        names: impl IntoMetricNames,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        let scope = MetricScope::Subtask {
            job,
            vertex,
            subtask,
        };
        execute_all(self, GetMetrics::values_of(scope, names))
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/jm-operator-metrics`: the names of the metrics of
    /// the vertex's operator coordinators, kept by the JobManager.
    fn jm_operator_metric_names(
        &self,
        job: JobId,
        vertex: VertexId,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        self.execute(GetMetrics::names(MetricScope::JobManagerOperator {
            job,
            vertex,
        }))
    }

    /// `GET /jobs/:jobid/vertices/:vertexid/jm-operator-metrics?get=…`: values of the
    /// metrics of the vertex's operator coordinators.
    fn jm_operator_metrics(
        &self,
        job: JobId,
        vertex: VertexId,
        names: impl IntoMetricNames,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        let scope = MetricScope::JobManagerOperator { job, vertex };
        execute_all(self, GetMetrics::values_of(scope, names))
    }
}

impl<T: Execute + Sync + ?Sized> JobMetricsApi for T {}
