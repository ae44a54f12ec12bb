//! `flinkctl` as a process against the cluster through a fault-injecting proxy
//! (`flink-fault-proxy`) that the test starts on loopback.
//!
//! Each test breaks some requests for real and proves the outcome by what reached Flink (the
//! proxy's counts), by what exists on the cluster afterwards (asked of Flink directly), and by
//! how the process ended (exit code, signal, time, memory). Ignored by a plain `cargo test`;
//! `cargo xtask test` runs them with `FLINK_REST_URL` and `FLINK_TEST_JAR` set. The proxy
//! speaks plain HTTP to Flink, so against an `https` cluster the tests say so and do nothing.

#[path = "../common/mod.rs"]
mod common;

mod at_most_once;
mod deadlines;
mod memory;
mod nested_body;
mod process;
mod proxied;
mod stalled_body;
