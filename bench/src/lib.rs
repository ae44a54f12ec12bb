//! What the benchmarks of flink-rs share: answers recorded from Flink 2.3.0, grown to the sizes
//! big clusters answer with, a loopback server that plays Flink, and the process's memory.
//!
//! The benchmarks are in `benches/`; `cargo xtask bench` runs them and checks the targets.

pub mod fixtures;
pub mod memory;
pub mod server;
