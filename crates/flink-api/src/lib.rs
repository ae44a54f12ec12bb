// The README is the crate's page (crates.io and docs.rs alike), and its example is a doctest.
// Its links point at docs.rs; the definitions here come first (the first definition of a link
// wins), so rustdoc links these items.
//! [`ClusterApi`]: ClusterApi
//! [`JobManagerApi`]: JobManagerApi
//! [`TaskManagersApi`]: TaskManagersApi
//! [`Execute`]: Execute
//! [`JobId`]: JobId
//! [`TaskManagerId`]: TaskManagerId
//! [`ApiError`]: ApiError
#![doc = include_str!("../README.md")]

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
