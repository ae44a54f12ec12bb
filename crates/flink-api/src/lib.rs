//! Apache Flink's REST API as plain values: each endpoint builds an [`http::Request`] and
//! decodes its answer, without doing any IO.
//!
//! One trait per category ([`ClusterApi`], [`JobManagerApi`], [`TaskManagersApi`]) gives each
//! endpoint a method on anything that implements [`Execute`] — `flink_client::FlinkClient`, or
//! your own HTTP stack. Ids are validated when they are made ([`JobId`], [`TaskManagerId`], …),
//! so a bad id never reaches the server, and every failure is one [`ApiError`].
//!
//! ```
//! use flink_api::{ClusterProcess, build_request, decode_response};
//! use flink_api::logs::ListLogs;
//! use http::StatusCode;
//!
//! // Build the request of an endpoint: no runtime, no network.
//! let endpoint = ListLogs { process: ClusterProcess::TaskManager("127.0.0.1:41119-e8b103".parse()?) };
//! let request = build_request(&endpoint)?;
//! assert_eq!(request.uri(), "/taskmanagers/127.0.0.1%3A41119-e8b103/logs");
//!
//! // Decode an answer, or the error Flink sent.
//! let logs = decode_response(&endpoint, StatusCode::OK, None, br#"{"logs":[{"name":"tm.log","size":10,"mtime":1}]}"#)?;
//! assert_eq!(logs.logs[0].name, "tm.log");
//! let error = decode_response(&endpoint, StatusCode::NOT_FOUND, None, br#"{"errors":["Not found."]}"#).unwrap_err();
//! assert!(error.is_not_found());
//! # Ok::<(), flink_api::ApiError>(())
//! ```

mod endpoint;
mod error;
mod ids;
mod json;
mod process;
mod raw;
mod refusal;
mod stream;
mod version;

pub mod applications;
pub mod cluster;
pub mod jars;
pub mod jobmanager;
pub mod jobs;
pub mod logs;
pub mod metrics;
pub mod profiler;
pub mod taskmanagers;
pub mod thread_dump;

pub use applications::ApplicationsApi;
pub use cluster::ClusterApi;
pub use endpoint::{
    Endpoint, Execute, JsonEndpoint, StreamEndpoint, build_request, decode_response, describe,
    encode_segment, endpoint_error, error_from_response, path_and_query,
};
pub use error::{ApiError, BoxError, root_cause};
pub use ids::{
    ApplicationId, DataSetId, FileName, JarId, JobId, RescaleId, TaskManagerId, TriggerId, VertexId,
};
pub use jars::{JarProgram, JarRestore, JarsApi};
pub use jobmanager::JobManagerApi;
pub use jobs::JobsApi;
pub use jobs::checkpoints::CheckpointsApi;
pub use jobs::metrics::JobMetricsApi;
pub use jobs::rescales::RescalesApi;
pub use jobs::savepoints::SavepointsApi;
pub use jobs::subtasks::SubtasksApi;
pub use jobs::vertices::VerticesApi;
pub use json::MAX_JSON_DEPTH;
pub use process::ClusterProcess;
pub use raw::Raw;
pub use stream::ByteStream;
pub use taskmanagers::TaskManagersApi;
pub use version::FlinkVersion;

/// Re-export of the models crate, so users of this crate name one dependency.
pub use flink_models as models;

use bytes::Bytes;

/// Serializes a request model as a JSON body.
fn json_body<T: serde::Serialize>(value: &T) -> Result<Option<Bytes>, ApiError> {
    serde_json::to_vec(value)
        .map(|json| Some(Bytes::from(json)))
        .map_err(|error| ApiError::invalid("request body", "", error.to_string()))
}

/// Runs requests one after another and concatenates their list answers (split metric queries).
async fn execute_all<X, E, T>(
    executor: &X,
    requests: Result<Vec<E>, ApiError>,
) -> Result<Vec<T>, ApiError>
where
    X: Execute + Sync + ?Sized,
    E: JsonEndpoint<Output = Vec<T>> + Send + 'static,
    T: Send,
{
    let mut all = Vec::new();
    for request in requests? {
        all.extend(executor.execute(request).await?);
    }
    Ok(all)
}
