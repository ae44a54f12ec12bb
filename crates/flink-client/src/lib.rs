//! The Rust client for Apache Flink's REST API.
//!
//! [`FlinkClient`] runs the typed endpoints of [`flink_api`] over the retrying, TLS-capable
//! transport of [`flink_transport`]. Import the [`prelude`] to get every endpoint as a method.
//!
//! # Quick start
//!
//! ```no_run
//! use flink_client::prelude::*;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = FlinkClient::new("http://127.0.0.1:8081")?;
//! let overview = client.overview().await?;
//! println!("Flink {} with {} TaskManagers", overview.flink_version, overview.taskmanagers);
//!
//! for taskmanager in client.taskmanagers().await?.taskmanagers {
//!     println!("{}: {} free slots", taskmanager.id, taskmanager.free_slots);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Configuration from the environment
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
//! # Errors
//!
//! Every call returns [`ApiError`]; its helpers (`is_not_found`, `is_timeout`, …) answer the
//! common questions without matching on variants.
//!
//! # Features
//!
//! | feature | default | what it gives |
//! | --- | --- | --- |
//! | `default-client` | yes | [`FlinkClient::new`], [`FlinkClient::from_config`], [`FlinkClient::from_env`] over flink-transport's HTTP client (hyper-util and rustls) |
//! | `aws-lc-rs` | yes | rustls' crypto from aws-lc-rs (with post-quantum key exchange) |
//! | `ring` | no | rustls' crypto from ring instead; turn the default features off |
//! | `webpki-roots` | yes | Mozilla's root certificates, compiled in, trusted by default |
//! | `native-roots` | yes | the operating system's store (`RootCertificates::Native`; the default roots without `webpki-roots`) |
//! | `test-util` | no | flink-transport's scripted mock transport (`transport::mock`) |
//!
//! Without the default features, neither hyper nor rustls is compiled: bring a transport of
//! your own to [`FlinkClient::from_transport`], built with
//! [`TransportConfig::build_with_service`](flink_transport::TransportConfig::build_with_service)
//! over any tower service that sends HTTP requests, to keep the retries, timeouts and headers:
//!
//! ```toml
//! flink-client = { version = "0.1", default-features = false }
//! ```
//!
//! For ring instead of aws-lc-rs: `default-features = false, features = ["ring",
//! "webpki-roots"]`. A `rustls::ClientConfig` of your own goes into
//! [`TlsConfig::custom`](flink_transport::TlsConfig::custom).
//!
//! # Stability
//!
//! Configuration, results and outcomes ([`ClientSettings`], [`UploadOptions`], [`UpgradedJob`],
//! [`operation::OperationStatus`], …) are `#[non_exhaustive]`; the models and endpoints mirror
//! Flink's API as plain data. What a compatible release may change is in
//! [docs/semver.md](https://github.com/flink-rs/flink-rs/blob/main/docs/semver.md).

#![cfg_attr(docsrs, feature(doc_cfg))]

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

// The README's Rust snippets are compiled as doctests of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
