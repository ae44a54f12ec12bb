//! The cluster behind a fault proxy: flinkctl pointed at the proxy, and the cluster itself
//! asked directly for what exists there afterwards.

use std::future::Future;
use std::process::Command;
use std::time::{Duration, Instant};

use flink_client::prelude::*;
use flink_fault_proxy::{FaultProxy, plain_http_test_cluster};

use crate::common::fault_proxy::through;
use crate::common::test_job::{LIMIT, client, runtime};

/// What flinkctl must say when a request without an idempotency key failed after it may have
/// been forwarded: the user has to check before sending it again.
pub(crate) const MAY_HAVE_REACHED_FLINK: &str = "may have reached Flink";

/// A fault proxy in front of the cluster of the environment, with a runtime to run it on and
/// a client that asks the cluster directly.
pub(crate) struct Proxied {
    /// The proxy; declared first, so it stops before its runtime.
    pub(crate) proxy: FaultProxy,
    runtime: tokio::runtime::Runtime,
    client: FlinkClient,
}

impl Proxied {
    /// A proxy in front of the cluster, or `None` (saying why) when the cluster is served
    /// over TLS, which the proxy does not speak.
    pub(crate) fn start() -> Option<Self> {
        let url = plain_http_test_cluster()?;
        let runtime = runtime();
        let proxy = runtime
            .block_on(FaultProxy::start(&url))
            .unwrap_or_else(|error| panic!("starting a fault proxy to {url}: {error}"));
        Some(Self {
            proxy,
            runtime,
            client: client(),
        })
    }

    /// `flinkctl ARGS` against the proxy, past any HTTP proxy of the environment.
    pub(crate) fn flinkctl(&self, args: &[&str]) -> Command {
        through(&self.proxy, args)
    }

    /// Runs `work` (a call to the cluster, directly) to its end.
    pub(crate) fn block_on<F: Future>(&self, work: F) -> F::Output {
        self.runtime.block_on(work)
    }

    /// The client that asks the cluster directly.
    pub(crate) fn direct(&self) -> &FlinkClient {
        &self.client
    }

    /// The jobs named `name` on the cluster, whatever their state.
    pub(crate) fn jobs_named(&self, name: &str) -> Vec<JobId> {
        let jobs = self
            .block_on(self.client.jobs_overview())
            .expect("GET /jobs/overview, directly");
        jobs.jobs
            .iter()
            .filter(|job| job.name == name)
            .map(|job| job.jid.parse().expect("Flink's job ids are valid ids"))
            .collect()
    }

    /// How many jobs named `name` Flink lists once it lists any (0 when none appears within
    /// the test job's limit).
    pub(crate) fn jobs_started(&self, name: &str) -> usize {
        let deadline = Instant::now() + LIMIT;
        loop {
            let jobs = self.jobs_named(name);
            if !jobs.is_empty() || Instant::now() > deadline {
                return jobs.len();
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Cancels every job named `name`, and deletes `jars`.
    pub(crate) fn clean_up(&self, name: &str, jars: &[JarId]) {
        for job in self.jobs_named(name) {
            let _ = self.block_on(self.client.cancel_job(job));
        }
        for jar in jars {
            let _ = self.block_on(self.client.delete_jar(jar.clone()));
        }
    }
}

/// A job name of its own for one test, so that it counts its jobs among those of the tests
/// running beside it.
pub(crate) fn job_name(test: &str) -> String {
    format!("faults-{test}-{}", JobId::generate())
}
