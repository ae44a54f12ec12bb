//! JobManager endpoints: configuration, environment, logs, metrics, thread dump, profiler.

use std::future::Future;

use crate::endpoint::{Endpoint, Execute, JsonEndpoint};
use crate::logs::{GetLogFile, ListLogs, LogFile};
use crate::metrics::{GetMetrics, IntoMetricNames, MetricScope};
use crate::profiler::{GetProfilingFile, ListProfiling, TriggerProfiling};
use crate::thread_dump::GetThreadDump;
use crate::{ApiError, ByteStream, ClusterProcess, FileName, execute_all};
use flink_models::common::{
    ConfigurationEntry, LogList, ProfilingInfo, ProfilingList, ProfilingRequest, ThreadDump,
};
use flink_models::jobmanager::EnvironmentInfo;
use flink_models::metrics::Metric;

/// `GET /jobmanager/config`: the cluster configuration (secrets masked by Flink as `******`).
#[derive(Clone, Copy, Debug, Default)]
pub struct GetJobManagerConfig;

impl Endpoint for GetJobManagerConfig {
    const NAME: &'static str = "jobmanager.config";

    fn path(&self) -> String {
        "/jobmanager/config".to_owned()
    }
}

impl JsonEndpoint for GetJobManagerConfig {
    type Output = Vec<ConfigurationEntry>;
}

/// `GET /jobmanager/environment`: the JobManager's JVM and classpath.
#[derive(Clone, Copy, Debug, Default)]
pub struct GetJobManagerEnvironment;

impl Endpoint for GetJobManagerEnvironment {
    const NAME: &'static str = "jobmanager.environment";
    const ADDED_IN: Option<(u16, u16)> = Some((1, 16));

    fn path(&self) -> String {
        "/jobmanager/environment".to_owned()
    }
}

impl JsonEndpoint for GetJobManagerEnvironment {
    type Output = EnvironmentInfo;
}

/// JobManager calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait JobManagerApi: Execute + Sync {
    /// `GET /jobmanager/config`.
    fn jobmanager_config(
        &self,
    ) -> impl Future<Output = Result<Vec<ConfigurationEntry>, ApiError>> + Send {
        self.execute(GetJobManagerConfig)
    }

    /// `GET /jobmanager/environment`.
    fn jobmanager_environment(
        &self,
    ) -> impl Future<Output = Result<EnvironmentInfo, ApiError>> + Send {
        self.execute(GetJobManagerEnvironment)
    }

    /// `GET /jobmanager/logs`: the files in the JobManager's log directory.
    fn jobmanager_logs(&self) -> impl Future<Output = Result<LogList, ApiError>> + Send {
        self.execute(ListLogs {
            process: ClusterProcess::JobManager,
        })
    }

    /// `GET /jobmanager/log`, `/stdout` or `/logs/:filename`, streamed.
    fn jobmanager_log_file(
        &self,
        file: LogFile,
    ) -> impl Future<Output = Result<ByteStream, ApiError>> + Send {
        self.open_stream(GetLogFile {
            process: ClusterProcess::JobManager,
            file,
        })
    }

    /// `GET /jobmanager/metrics`: the names of the JobManager's metrics.
    fn jobmanager_metric_names(
        &self,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        self.execute(GetMetrics::names(MetricScope::JobManager))
    }

    /// `GET /jobmanager/metrics?get=…`: values of the named metrics (split over several requests when long).
    fn jobmanager_metrics(
        &self,
        names: impl IntoMetricNames,
    ) -> impl Future<Output = Result<Vec<Metric>, ApiError>> + Send {
        execute_all(self, GetMetrics::values_of(MetricScope::JobManager, names))
    }

    /// `GET /jobmanager/thread-dump`.
    fn jobmanager_thread_dump(&self) -> impl Future<Output = Result<ThreadDump, ApiError>> + Send {
        self.execute(GetThreadDump {
            process: ClusterProcess::JobManager,
        })
    }

    /// `POST /jobmanager/profiler`: starts profiling the JobManager.
    fn trigger_jobmanager_profiling(
        &self,
        request: ProfilingRequest,
    ) -> impl Future<Output = Result<ProfilingInfo, ApiError>> + Send {
        self.execute(TriggerProfiling {
            process: ClusterProcess::JobManager,
            request,
        })
    }

    /// `GET /jobmanager/profiler`.
    fn jobmanager_profiling_list(
        &self,
    ) -> impl Future<Output = Result<ProfilingList, ApiError>> + Send {
        self.execute(ListProfiling {
            process: ClusterProcess::JobManager,
        })
    }

    /// `GET /jobmanager/profiler/:filename`, streamed.
    fn jobmanager_profiling_file(
        &self,
        file: FileName,
    ) -> impl Future<Output = Result<ByteStream, ApiError>> + Send {
        self.open_stream(GetProfilingFile {
            process: ClusterProcess::JobManager,
            file,
        })
    }
}

impl<T: Execute + Sync + ?Sized> JobManagerApi for T {}
