//! What the benchmarks of flink-rs are made of: answers recorded from Flink 2.3.0, grown to the
//! sizes big clusters answer with, a loopback server that plays Flink, the floor flink-rs is
//! measured against (a bare hyper-util client), and the side-by-side runner.
//!
//! `cargo xtask bench` runs `benches/side_by_side.rs` and checks the ratios.

// A benchmark that meets a failure stops there, with the reason: its functions panic.
#![allow(clippy::missing_panics_doc)]

pub mod fixtures;
pub mod floor;
pub mod server;
pub mod side_by_side;
