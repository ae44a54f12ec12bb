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
//! Every call returns [`ApiError`]; its helpers (`is_not_found`, `is_timeout`,
//! `is_retryable`, `is_connect`, …) answer the common questions without matching on variants.
//!
//! ## Testing
//!
//! Code that takes a [`FlinkClient`] is tested without a cluster by giving it a client over a
//! mock [`Transport`], the one swap point between the client and the network. With the
//! `test-util` feature (`flink-client = { version = "…", features = ["test-util"] }` under
//! `[dev-dependencies]`), `transport::mock` has a scripted mock: it answers requests in order,
//! answers routes (a method and a path pattern) every time, and records what was sent.
//!
//! Give the client the server's version ([`FlinkClient::with_server_version`]): a
//! version-dependent call (a jar run, the profiler, metrics, checkpoints, applications) would
//! otherwise ask `GET /config` first and take the first scripted answer for it.
//! `testing::mock_client(version, script)` (same feature) does both in one call.
//!
//! ```
//! use flink_client::prelude::*;
//! use flink_client::transport::mock::{self, ScriptedResponse};
//! use http::Method;
//!
//! /// The code under test: cancels a job unless it has already ended.
//! async fn cancel_unless_ended(client: &FlinkClient, job: JobId) -> Result<bool, ApiError> {
//!     if client.job_status(job.clone()).await?.status.is_globally_terminal() {
//!         return Ok(false);
//!     }
//!     client.cancel_job(job).await?;
//!     Ok(true)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ApiError> {
//! let (transport, mock) = mock::scripted([ScriptedResponse::json(202, "{}")]);
//! let client = FlinkClient::from_transport(transport).with_server_version(FlinkVersion::new(2, 3, 0));
//! mock.reply_to(Method::GET, "/jobs/*/status", ScriptedResponse::json(200, r#"{"status":"RUNNING"}"#));
//!
//! let job: JobId = "d7b2518b7cc9b04478ed2eb249c5b9a0".parse()?;
//! assert!(cancel_unless_ended(&client, job.clone()).await?);
//! let cancel = &mock.requests()[1];
//! assert_eq!((cancel.method.as_str(), cancel.uri.path()), ("PATCH", "/jobs/d7b2518b7cc9b04478ed2eb249c5b9a0"));
//!
//! // A route added later replaces the earlier one: the job has ended now.
//! mock.reply_to(Method::GET, "/jobs/*/status", ScriptedResponse::json(200, r#"{"status":"CANCELED"}"#));
//! assert!(!cancel_unless_ended(&client, job).await?);
//! assert_eq!((mock.request_count(), mock.remaining()), (3, 0));
//!
//! // Failures are scripted too: a refused connection, as the transport reports it.
//! mock.push(ScriptedResponse::connect_error());
//! let error = client.overview().await.unwrap_err();
//! assert!(error.is_connect() && error.is_retryable(), "{error:?}");
//! # Ok(())
//! # }
//! ```
//!
//! `mock::scripted_with(&config, script)` runs the real stack of a [`TransportConfig`]
//! (retries, timeouts, headers) over the mock, for tests of retry behaviour; use paused Tokio
//! time so backoff takes no real time. Any tower service can be the transport
//! ([`Transport::new`]), so `tower_test::mock` works as well: see this crate's
//! `tests/tower_test.rs`.
//!
//! ## Features
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
//! ## Stability
//!
//! Configuration, results and outcomes ([`ClientSettings`], [`UploadOptions`], [`UpgradedJob`],
//! [`operation::OperationStatus`], …) are `#[non_exhaustive]`; the models and endpoints mirror
//! Flink's API as plain data. What a compatible release may change is in
//! [docs/semver.md](https://github.com/flink-rs/flink-rs/blob/main/docs/semver.md).

#![cfg_attr(docsrs_nightly, feature(doc_cfg))]

mod client;
mod error;
pub mod operation;
mod settings;
mod submission;
#[cfg(feature = "test-util")]
pub mod testing;
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
        BuildError, ClientSettings, FlinkClient, SubmitJar, Transport, UpgradedJob, UploadOptions,
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
