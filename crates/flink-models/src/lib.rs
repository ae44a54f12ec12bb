// The README is the crate's page (crates.io and docs.rs alike), and its example is a doctest.
// Its links point at docs.rs; the definitions here come first (the first definition of a link
// wins), so rustdoc links these items.
//! [`Nullable`]: Nullable
#![doc = include_str!("../README.md")]

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
