//! The models against real answers: every recorded answer of Flink 2.3.0 and 1.20.5, the cluster
//! answers of 1.15.4 to 1.17.2 (and every written request) decodes into its model and encodes back
//! to the same JSON, also after random changes to values, `null`s, left-out fields and unknown
//! fields.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

mod answers;
mod difference;
mod lossless;
mod mutation;
mod properties;
mod registry;
