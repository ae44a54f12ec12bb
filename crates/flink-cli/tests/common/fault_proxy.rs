//! flinkctl pointed at a fault proxy (`flink-fault-proxy`) on loopback, and a proxy with no
//! cluster behind it, for the tests that need no Flink.

use std::process::Command;

use flink_fault_proxy::{FaultProxy, Rule};

use super::command;
use super::test_job::runtime;

/// `flinkctl ARGS` against `proxy` instead of the cluster of the environment, past any HTTP
/// proxy of the environment.
pub(crate) fn through(proxy: &FaultProxy, args: &[&str]) -> Command {
    let mut command = command(&["--url", &proxy.url()]);
    command
        .args(args)
        .env_remove("FLINK_REST_URL")
        .env_remove("FLINK_REST_FAILOVER_URLS")
        .env("NO_PROXY", "127.0.0.1")
        .env("no_proxy", "127.0.0.1");
    command
}

/// A [standalone](FaultProxy::standalone) fault proxy: its rules answer every request (or
/// leave it unanswered), any other request gets `502`. It serves until dropped.
pub(crate) struct Standalone {
    /// The proxy; declared first, so it stops before its runtime.
    pub(crate) proxy: FaultProxy,
    _runtime: tokio::runtime::Runtime,
}

impl Standalone {
    /// A standalone proxy with `rules`, tried in order.
    pub(crate) fn start(rules: impl IntoIterator<Item = Rule>) -> Self {
        let runtime = runtime();
        let proxy = runtime
            .block_on(FaultProxy::standalone())
            .expect("a standalone fault proxy on loopback");
        for rule in rules {
            proxy.add(rule);
        }
        Self {
            proxy,
            _runtime: runtime,
        }
    }

    /// `flinkctl ARGS` against the proxy.
    pub(crate) fn flinkctl(&self, args: &[&str]) -> Command {
        through(&self.proxy, args)
    }
}
