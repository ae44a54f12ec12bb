//! TaskManager endpoints: list, details, metrics (per TaskManager and aggregated), logs,
//! thread dumps, profiler.

use std::future::Future;

use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::logs::{GetLogFile, ListLogs, LogFile};
use crate::metrics::{
    AggregatedMetricScope, Aggregation, GetAggregatedMetrics, GetMetrics, IntoMetricNames,
    MetricScope,
};
use crate::profiler::{GetProfilingFile, ListProfiling, TriggerProfiling};
use crate::thread_dump::GetThreadDump;
use crate::{ApiError, ByteStream, ClusterProcess, FileName, TaskManagerId, execute_all};
use flink_models::common::{LogList, ProfilingInfo, ProfilingList, ProfilingRequest, ThreadDump};
use flink_models::metrics::{AggregatedMetric, Metric};
use flink_models::taskmanagers::{TaskManagerDetails, TaskManagerList};

/// `GET /taskmanagers`: every registered TaskManager.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListTaskManagers;

impl Endpoint for ListTaskManagers {
    const NAME: &'static str = "taskmanagers.list";

    fn path(&self) -> String {
        "/taskmanagers".to_owned()
    }
}

impl JsonEndpoint for ListTaskManagers {
    type Output = TaskManagerList;
}

/// `GET /taskmanagers/:taskmanagerid`: one TaskManager with its slots and memory metrics.
#[derive(Clone, Debug)]
pub struct GetTaskManager {
    /// Which TaskManager.
    pub taskmanager: TaskManagerId,
}

impl Endpoint for GetTaskManager {
    const NAME: &'static str = "taskmanagers.get";

    fn path(&self) -> String {
        format!(
            "/taskmanagers/{}",
            encode_segment(self.taskmanager.as_str())
        )
    }
}

impl JsonEndpoint for GetTaskManager {
    type Output = TaskManagerDetails;
}

/// TaskManager calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait TaskManagersApi: Execute + Sync {
    /// `GET /taskmanagers`.
    fn taskmanagers(&self) -> impl Future<Output = Result<TaskManagerList, ApiError>> + Send {
        self.execute(ListTaskManagers)
    }

    /// `GET /taskmanagers/:taskmanagerid`.
    fn taskmanager(
        &self,
        taskmanager: TaskManagerId,
    ) -> impl Future<Output = Result<TaskManagerDetails, ApiError>> + Send {
        self.execute(GetTaskManager { taskmanager })
    }

    /// `GET /taskmanagers/metrics`: the metric names that can be aggregated.
    fn taskmanagers_metric_names(
        &self,
    ) -> impl Future<Output = Result<Vec<AggregatedMetric>, ApiError>> + Send {
        self.execute(GetAggregatedMetrics::names(
            AggregatedMetricScope::TaskManagers(Vec::new()),
        ))
    }

    /// `GET /taskmanagers/metrics?get=…&agg=…&taskmanagers=…`: aggregates across TaskManagers
    /// (all of them when `taskmanagers` is empty; every aggregation when `aggregations` is empty).
    fn taskmanagers_metrics(
        &self,
        names: impl IntoMetricNames,
        aggregations: &[Aggregation],
        taskmanagers: Vec<TaskManagerId>,
    ) -> impl Future<Output = Result<Vec<AggregatedMetric>, ApiError>> + Send {
        let scope = AggregatedMetricScope::TaskManagers(taskmanagers);
        execute_all(
            self,
            GetAggregatedMetrics::values_of(scope, names, aggregations),
        )
    }

    /// `GET /taskmanagers/:taskmanagerid/metrics`: the names of one TaskManager's metrics.
    fn taskmanager_metric_names(
        &self,
        taskmanager: TaskManagerId,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        self.execute(GetMetrics::names(MetricScope::TaskManager(taskmanager)))
    }

    /// `GET /taskmanagers/:taskmanagerid/metrics?get=…`: values of one TaskManager's metrics.
    fn taskmanager_metrics(
        &self,
        taskmanager: TaskManagerId,
        names: impl IntoMetricNames,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        execute_all(
            self,
            GetMetrics::values_of(MetricScope::TaskManager(taskmanager), names),
        )
    }

    /// `GET /taskmanagers/:taskmanagerid/logs`.
    fn taskmanager_logs(
        &self,
        taskmanager: TaskManagerId,
    ) -> impl Future<Output = Result<LogList, ApiError>> + Send {
        self.execute(ListLogs {
            process: taskmanager.into(),
        })
    }

    /// `GET /taskmanagers/:taskmanagerid/log`, `/stdout` or `/logs/:filename`, streamed.
    fn taskmanager_log_file(
        &self,
        taskmanager: TaskManagerId,
        file: LogFile,
    ) -> impl Future<Output = Result<ByteStream, ApiError>> + Send {
        self.open_stream(GetLogFile {
            process: taskmanager.into(),
            file,
        })
    }

    /// `GET /taskmanagers/:taskmanagerid/thread-dump`.
    fn taskmanager_thread_dump(
        &self,
        taskmanager: TaskManagerId,
    ) -> impl Future<Output = Result<ThreadDump, ApiError>> + Send {
        self.execute(GetThreadDump {
            process: taskmanager.into(),
        })
    }

    /// `POST /taskmanagers/:taskmanagerid/profiler`: starts profiling a TaskManager.
    fn trigger_taskmanager_profiling(
        &self,
        taskmanager: TaskManagerId,
        request: ProfilingRequest,
    ) -> impl Future<Output = Result<ProfilingInfo, ApiError>> + Send {
        self.execute(TriggerProfiling {
            process: ClusterProcess::TaskManager(taskmanager),
            request,
        })
    }

    /// `GET /taskmanagers/:taskmanagerid/profiler`.
    fn taskmanager_profiling_list(
        &self,
        taskmanager: TaskManagerId,
    ) -> impl Future<Output = Result<ProfilingList, ApiError>> + Send {
        self.execute(ListProfiling {
            process: taskmanager.into(),
        })
    }

    /// `GET /taskmanagers/:taskmanagerid/profiler/:filename`, streamed.
    fn taskmanager_profiling_file(
        &self,
        taskmanager: TaskManagerId,
        file: FileName,
    ) -> impl Future<Output = Result<ByteStream, ApiError>> + Send {
        self.open_stream(GetProfilingFile {
            process: taskmanager.into(),
            file,
        })
    }
}

impl<T: Execute + Sync + ?Sized> TaskManagersApi for T {}
