//! Serde types of every request and answer of Apache Flink's REST API. No IO.
//!
//! The models are forward-compatible: unknown fields never make decoding fail and are kept in
//! each struct's `extra` map (so re-encoding loses nothing the server sent); fields that not
//! every supported Flink version sends are `Option`, and fields that Flink sends as `null` are
//! [`Nullable`], so that an explicit `null` encodes back as `null`; enums keep values they do not
//! know in an `Unknown` variant. Rust names are snake_case; the wire names are Flink's.
//!
//! ```
//! use flink_models::cluster::ClusterOverview;
//!
//! let json = r#"{"taskmanagers":1,"slots-total":4,"slots-available":3,"jobs-running":1,
//!     "jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":"2.3.0",
//!     "flink-commit":"c0f8d1a","some-future-field":true}"#;
//! let overview: ClusterOverview = serde_json::from_str(json)?;
//! assert_eq!(overview.slots_total - overview.slots_available, 1);
//! assert_eq!(overview.extra["some-future-field"], true);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Stability
//!
//! The models mirror Flink's JSON, and are plain data on purpose: no `#[non_exhaustive]` on the
//! structs, so that requests, tests and mocks build them with struct literals. The price is that
//! a new field is a breaking change, so a compatible release (a patch release while 0.x, a
//! minor one from 1.0) keeps every struct's fields, their names and their types. It may add
//! structs and modules, and variants of the enums of Flink's values (which are
//! `#[non_exhaustive]`, keep what they do not know in `Unknown`, and may decode an old
//! `Unknown("X")` as a new variant `X`). A field that a newer Flink adds is in `extra` until
//! the next breaking release types it. The whole policy of flink-rs is in
//! [docs/semver.md](https://github.com/flink-rs/flink-rs/blob/main/docs/semver.md).

mod enums;
mod lenient_f64;
mod nullable;

pub mod applications;
pub mod cluster;
pub mod common;
pub mod jars;
pub mod jobmanager;
pub mod jobs;
pub mod metrics;
pub mod taskmanagers;

pub use nullable::Nullable;

/// Fields of a JSON object that this version of flink-models does not know, kept as sent.
pub type Extra = serde_json::Map<String, serde_json::Value>;
