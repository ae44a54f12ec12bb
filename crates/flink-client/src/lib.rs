// The README is the crate's page (crates.io and docs.rs alike), and its example is a doctest.
// Its links point at docs.rs; the definitions here come first (the first definition of a link
// wins), so rustdoc links these items. The reference below follows it.
//! [`FlinkClient`]: FlinkClient
//! [`flink_api`]: flink_api
//! [`flink_transport`]: flink_transport
//! [`prelude`]: prelude
//! [`Operation`]: operation::Operation
#![doc = include_str!("../README.md")]
//!
//! ## Configuration from the environment
//!
//! [`FlinkClient::from_env`] (and [`ClientSettings::from_env`], for tools that merge these
//! settings with their own before building a client) reads:
//!
//! | variable | meaning |
//! | --- | --- |
//! | `FLINK_REST_URL` | the REST URL (required), may carry a path prefix for reverse proxies |
//! | `FLINK_REST_FAILOVER_URLS` | more JobManagers of an HA cluster (comma-separated), tried in turn when one cannot be reached |
//! | `FLINK_REST_TOKEN` | a bearer token sent as `Authorization` |
//! | `FLINK_REST_USERNAME`, `FLINK_REST_PASSWORD` | basic authentication |
//! | `FLINK_REST_CLIENT_HEADERS` | extra headers, one `Name: value` per line (as Flink's own tools read it) |
//! | `FLINK_TLS_CA` | a PEM file of extra CA certificates to trust |
//! | `FLINK_TLS_CLIENT_CERT`, `FLINK_TLS_CLIENT_KEY` | PEM client certificate and key for mutual TLS |
//! | `FLINK_TLS_FINGERPRINT` | SHA-256 fingerprints (comma-separated) of the server certificates to trust, whoever signed them |
//! | `FLINK_TLS_INSECURE` | `true` to skip certificate verification (tests only) |
//! | `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` | an HTTP proxy to go through, as curl reads them (`https` is tunnelled, so TLS stays end to end) |
//!
//! ## Errors
//!
//! Every call returns [`ApiError`]; its helpers (`is_not_found`, `is_timeout`, …) answer the
//! common questions without matching on variants.

mod client;
mod error;
pub mod operation;
mod settings;
mod submission;
mod upload;
pub mod wait;
mod workflows;

pub use client::FlinkClient;
pub use error::BuildError;
pub use settings::ClientSettings;
pub use submission::{JobGraphFiles, SubmittedJobGraph};
pub use upload::{JarUploaded, UploadOptions, UploadProgress};
pub use workflows::{SubmitJar, SubmittedJar, UpgradedJob};

pub use flink_api::{self as api, ApiError, ByteStream};
pub use flink_models as models;
pub use flink_transport::{self as transport, Transport, TransportConfig};

/// Everything needed to call Flink: the client, the category traits, ids and the error type.
pub mod prelude {
    pub use crate::JobGraphFiles;
    pub use crate::operation::{Operation, SavepointLocation, SavepointOptions, StopOptions};
    pub use crate::{
        BuildError, ClientSettings, FlinkClient, SubmitJar, UpgradedJob, UploadOptions,
        UploadProgress,
    };
    pub use flink_api::jars::{
        GetJarPlan, JarProgram, JarRestore, PostJarPlan, RunJar, RunJarApplication,
        is_already_submitted,
    };
    pub use flink_api::jobs::subtasks::{AttemptNumber, SubtaskIndex};
    pub use flink_api::logs::LogFile;
    pub use flink_api::metrics::{Aggregation, SubtaskRange};
    pub use flink_api::{
        ApiError, ApplicationId, ApplicationsApi, ByteStream, CheckpointsApi, ClusterApi,
        ClusterProcess, DataSetId, Execute, FileName, FlinkVersion, JarId, JarsApi, JobId,
        JobManagerApi, JobMetricsApi, JobsApi, Raw, RescaleId, RescalesApi, SavepointsApi,
        SubtasksApi, TaskManagerId, TaskManagersApi, TriggerId, VertexId, VerticesApi,
    };
    pub use flink_models::jars::ClaimMode;
    pub use flink_models::jobs::checkpoints::CheckpointType;
    pub use flink_models::jobs::result::ApplicationStatus;
    pub use flink_models::jobs::savepoints::SavepointFormat;
    pub use flink_models::jobs::state::JobState;
}
