//! `flinkctl` as a process against servers that misbehave: a fault-injecting proxy
//! (`flink-fault-proxy`) that each test starts on loopback, in front of the cluster or with
//! nothing behind it.
//!
//! The tests that need Flink break some requests for real and prove the outcome by what
//! reached Flink (the proxy's counts), by what exists on the cluster afterwards (asked of Flink
//! directly), and by how the process ended (exit code, signal, time, memory). They are ignored
//! by a plain `cargo test`; `cargo xtask test` runs them with `FLINK_REST_URL` and
//! `FLINK_TEST_JAR` set. The proxy speaks plain HTTP to Flink, so against an `https` cluster
//! they say so and do nothing.
//!
//! What needs no Flink (a server that never answers, endless and deeply nested answers) runs
//! with the unit tests, against a standalone proxy whose rules answer everything.

#[path = "../common/mod.rs"]
mod common;

mod at_most_once;
mod deadlines;
mod memory;
mod nested_body;
mod proxied;
#[path = "../../../flink-client/tests/common/savepoint_dir.rs"]
mod savepoint_dir;
mod stalled_body;
