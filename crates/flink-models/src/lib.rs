// The README is the crate's page (crates.io and docs.rs alike), and its example is a doctest.
// Its links point at docs.rs; the definitions here come first (the first definition of a link
// wins), so rustdoc links these items.
//! [`Nullable`]: Nullable
#![doc = include_str!("../README.md")]
//!
//! ## Stability
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
