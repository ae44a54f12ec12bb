//! The async-profiler integration (`rest.profiling.enabled: true`): start, list, download.

use bytes::Bytes;
use http::Method;

use crate::endpoint::{Endpoint, JsonEndpoint, StreamEndpoint, encode_segment};
use crate::{ApiError, ClusterProcess, FileName, FlinkVersion};
use flink_models::common::{ProfilingInfo, ProfilingList, ProfilingRequest};

/// The profiler endpoints came with Flink 1.19; older servers answer 404 for them.
fn require_profiler(
    version: &FlinkVersion,
    process: &ClusterProcess,
    feature: &str,
) -> Result<(), ApiError> {
    let base = match process {
        ClusterProcess::JobManager => "/jobmanager",
        ClusterProcess::TaskManager(_) => "/taskmanagers/:taskmanagerid",
    };
    version.require(1, 19, &feature.replace("{}", base))
}

/// `POST /jobmanager/profiler` or `POST /taskmanagers/:taskmanagerid/profiler`: start profiling.
#[derive(Clone, Debug)]
pub struct TriggerProfiling {
    /// Which process to profile.
    pub process: ClusterProcess,
    /// Mode and duration.
    pub request: ProfilingRequest,
}

impl Endpoint for TriggerProfiling {
    const NAME: &'static str = "profiler.trigger";
    const VERSION_DEPENDENT: bool = true;

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        require_profiler(version, &self.process, "POST {}/profiler")
    }

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        format!("{}/profiler", self.process.path_prefix())
    }

    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        if self.request.duration <= 0 {
            return Err(ApiError::invalid(
                "profiling duration",
                &self.request.duration.to_string(),
                "the duration is in seconds and must be at least 1",
            ));
        }
        crate::json_body(&self.request)
    }
}

impl JsonEndpoint for TriggerProfiling {
    type Output = ProfilingInfo;
}

/// `GET /jobmanager/profiler` or `GET /taskmanagers/:taskmanagerid/profiler`: past and running profiles.
#[derive(Clone, Debug)]
pub struct ListProfiling {
    /// Whose profiles.
    pub process: ClusterProcess,
}

impl Endpoint for ListProfiling {
    const NAME: &'static str = "profiler.list";
    const VERSION_DEPENDENT: bool = true;

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        require_profiler(version, &self.process, "GET {}/profiler")
    }

    fn path(&self) -> String {
        format!("{}/profiler", self.process.path_prefix())
    }
}

impl JsonEndpoint for ListProfiling {
    type Output = ProfilingList;
}

/// `GET /jobmanager/profiler/:filename` (or under a TaskManager): a finished profile, streamed.
#[derive(Clone, Debug)]
pub struct GetProfilingFile {
    /// Whose profile.
    pub process: ClusterProcess,
    /// The `outputFile` of a finished [`ProfilingInfo`].
    pub file: FileName,
}

impl Endpoint for GetProfilingFile {
    const NAME: &'static str = "profiler.file";
    const VERSION_DEPENDENT: bool = true;

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        require_profiler(version, &self.process, "GET {}/profiler/:filename")
    }

    fn path(&self) -> String {
        format!(
            "{}/profiler/{}",
            self.process.path_prefix(),
            encode_segment(self.file.as_str())
        )
    }
}

impl StreamEndpoint for GetProfilingFile {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_for_newest;
    use flink_models::common::ProfilingMode;

    #[test]
    fn trigger_sends_mode_and_duration() {
        let endpoint = TriggerProfiling {
            process: ClusterProcess::JobManager,
            request: ProfilingRequest::new(ProfilingMode::Itimer, 2),
        };
        let request = build_for_newest(&endpoint).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/jobmanager/profiler");
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body, serde_json::json!({"mode": "ITIMER", "duration": 2}));
        assert!(!endpoint.idempotent());
    }

    #[test]
    fn zero_duration_is_rejected_before_sending() {
        let endpoint = TriggerProfiling {
            process: ClusterProcess::JobManager,
            request: ProfilingRequest::new(ProfilingMode::Cpu, 0),
        };
        assert!(build_for_newest(&endpoint).unwrap_err().is_invalid_input());
    }
}
