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
//!
//! ## Running endpoints over your own HTTP client
//!
//! flink-client's `FlinkClient` does all of this over its own transport. An executor of your
//! own (any HTTP client, blocking or async) does, for each endpoint:
//!
//! 1. **Know the server's version.** Some requests depend on it (their endpoints set
//!    [`Endpoint::VERSION_DEPENDENT`]: a jar run sends `claimMode` to Flink 1.20+ but
//!    `restoreMode` before; applications and rescales exist from 2.3 on). Ask
//!    `GET /config` once ([`cluster::GetDashboardConfig`], built with [`build_request`]),
//!    parse its `flink_version` into a [`FlinkVersion`], and cache it for the client's life.
//!    Asking lazily, on the first endpoint that needs it, saves the request for the others:
//!    check such an endpoint with [`check_input`] first, so bad input fails before you ask
//!    (once the version is cached there is no need: step 2 checks it).
//! 2. **Build** with [`build_request_for`]`(&mut endpoint, &version)`. It fits the endpoint to
//!    the version in place, or refuses with [`ApiError::Unsupported`] before anything is sent;
//!    bad input is refused first, with [`ApiError::InvalidInput`].
//!    [`build_request`] builds without a version and refuses version-dependent endpoints with
//!    [`ApiError::VersionRequired`], so no request goes out unfitted.
//! 3. **Send** the request: its URI is a path and query below the REST root (`/jobs/overview`),
//!    to join onto your base URL (keeping any path prefix). Honour [`Endpoint::timeout`] where
//!    it is set (a jar run may take minutes), and retry only what [`Endpoint::idempotent`]
//!    allows, after a timeout or a broken connection; a refused connection was never sent.
//! 4. **Decode** the status, `Content-Type` and whole body with [`decode_response`], using the
//!    same (fitted) endpoint: it reads the model, Flink's error envelope and the endpoint's own
//!    errors ([`Endpoint::map_error`]), and for a request that may not be sent twice turns a
//!    proxy's 502, 503 or 504 into [`ApiError::OutcomeUnknown`]. A [`StreamEndpoint`] answers a
//!    file: hand a 2xx body over as a [`ByteStream`], and decode any other with
//!    [`endpoint_error`].
//! 5. **Report IO failures** as [`ApiError::Timeout`] or [`ApiError::Transport`] (named with
//!    [`describe`]); mark a failure to connect with [`ApiError::connect_failure`] unless its
//!    source chain holds a refused connection, and call [`ApiError::with_unknown_outcome`] on
//!    the error of a request that is not idempotent and may have reached the server, so that
//!    [`ApiError::is_retryable`] never suggests sending it twice.
//!
//! Implement [`Execute`] with these steps and every category trait's method works on your
//! executor. This crate re-exports what that needs ([`http`], [`bytes`], [`futures_core`]), so
//! an executor needs no other dependency than its HTTP client. A blocking executor over
//! `ureq`, with a live test, is in this crate's `examples/ureq/`.
//!
//! ## Deep answers
//!
//! Flame graphs nest deeper than `serde_json`'s limit of 128 levels; such answers are decoded
//! on a thread of their own with a large enough stack, and answers deeper than
//! [`MAX_JSON_DEPTH`] are refused with [`ApiError::TooDeep`] before they are parsed. This
//! crate is plain Rust: no C toolchain, no stack switching.

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
    Endpoint, Execute, JsonEndpoint, StreamEndpoint, build_request, build_request_for, check_input,
    decode_response, describe, encode_segment, endpoint_error, error_from_response, path_and_query,
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

/// Re-export of `bytes`: [`bytes::Bytes`] is the body of every built request and the
/// chunk of a [`ByteStream`].
pub use bytes;
/// Re-export of `futures_core`: an executor makes a [`ByteStream`] from a
/// [`futures_core::Stream`] of chunks.
pub use futures_core;
/// Re-export of `http`: requests are [`http::Request`]s, answers are read by
/// [`http::StatusCode`].
pub use http;

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

/// Builds `endpoint` as an executor would for a Flink 2.3 server, for tests of endpoints whose
/// request depends on the version.
#[cfg(test)]
fn build_for_newest<E: Endpoint + Clone>(endpoint: &E) -> Result<http::Request<Bytes>, ApiError> {
    build_request_for(&mut endpoint.clone(), &FlinkVersion::new(2, 3, 0))
}
