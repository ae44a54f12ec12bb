//! Live fault tests: the library against the cluster through a fault-injecting proxy
//! (`flink-fault-proxy`) that the test starts on loopback.
//!
//! Each test breaks some requests for real and proves the outcome by what reached Flink (the
//! proxy's counts) and by what exists on the cluster afterwards (asked of Flink directly, not
//! through the proxy), never by the client's own answer alone. The proxy speaks plain HTTP to
//! Flink, so against an `https` cluster (the mutual-TLS one of `cargo xtask test`) the tests
//! say so and do nothing.

mod at_most_once;
mod cut_body;
mod deadlines;
mod leader_election;
mod nested_body;
mod stalled_body;

use std::future::Future;

use flink_client::TransportConfig;
use flink_client::prelude::*;
use flink_client::transport::ProxyConfig;
use flink_fault_proxy::{FaultProxy, plain_http_test_cluster};

use crate::client;
use crate::testjob::{TEST_JOB_CLASS, upload_test_jar};

/// What a client must say when a request without an idempotency key failed after it may have
/// been forwarded (a proxy's 503, a reset): the caller has to check before sending it again.
pub(crate) const MAY_HAVE_REACHED_FLINK: &str = "may have reached Flink";

/// A proxy in front of the cluster under test, or `None` as for [`plain_http_test_cluster`].
pub(crate) async fn proxy() -> Option<FaultProxy> {
    let url = plain_http_test_cluster()?;
    let proxy = FaultProxy::start(&url)
        .await
        .unwrap_or_else(|error| panic!("starting a fault proxy to {url}: {error}"));
    Some(proxy)
}

/// A client of the cluster through `proxy`: the environment's settings (auth, headers), the
/// proxy's URL, no HTTP proxy of the environment, then `configure`.
pub(crate) fn client_through(
    proxy: &FaultProxy,
    configure: impl FnOnce(&mut TransportConfig),
) -> FlinkClient {
    let mut settings = ClientSettings::from_env().expect("the live settings");
    settings.url = proxy.url();
    settings.failover_urls.clear();
    let mut config = settings
        .transport_config()
        .expect("a transport configuration for the proxy");
    config.proxy = ProxyConfig::None;
    configure(&mut config);
    FlinkClient::from_config(&config).expect("a client of the proxy")
}

/// A job name of its own for one test, so that it counts its jobs among those of the tests
/// running beside it.
pub(crate) fn job_name(test: &str) -> String {
    format!("faults-{test}-{}", JobId::generate())
}

/// The test job, named `name`, without a job id: Flink chooses it, so a resent run starts a
/// second job.
pub(crate) fn run_without_job_id(jar: &JarId, name: &str) -> RunJar {
    RunJar::new(jar.clone())
        .entry_class(TEST_JOB_CLASS)
        .args(["--rate", "10", "--name", name])
        .parallelism(1)
}

/// The jobs named `name` on the cluster, whatever their state, asked of Flink directly.
pub(crate) async fn jobs_named(name: &str) -> Vec<JobId> {
    let jobs = client()
        .jobs_overview()
        .await
        .expect("GET /jobs/overview, directly");
    jobs.jobs
        .iter()
        .filter(|job| job.name == name)
        .map(|job| job.jid.parse().expect("Flink's job ids are valid ids"))
        .collect()
}

/// Uploads the test job's jar (directly) and hands it to `body`; then cancels every job
/// named `name` and deletes the jar, also when `body` panics.
pub(crate) async fn with_test_jar<F, Fut>(name: &str, body: F)
where
    F: FnOnce(JarId) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let client = client();
    let jar = upload_test_jar(&client).await;
    let outcome = tokio::spawn(body(jar.clone())).await;
    for job in jobs_named(name).await {
        if let Err(error) = client.cancel_job(job.clone()).await {
            assert!(error.is_conflict(), "cancelling job {job}: {error}");
        }
    }
    let deleted = client.delete_jar(jar.clone()).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
    deleted.unwrap_or_else(|error| panic!("deleting jar {jar}: {error}"));
}

/// `error` with its sources, as one line.
pub(crate) fn chain(error: &ApiError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Asserts that `error` tells the caller that the request may have reached Flink.
pub(crate) fn assert_may_have_reached_flink(error: &ApiError) {
    let text = chain(error);
    assert!(
        text.to_lowercase()
            .contains(&MAY_HAVE_REACHED_FLINK.to_lowercase()),
        "the error must say that the request {MAY_HAVE_REACHED_FLINK}, so the caller checks before resending it; got {error:?}"
    );
}

/// The request a job wait polls: `GET /jobs/:jobid/status`, or the job's details on Flink
/// 1.15, which has no status endpoint.
pub(crate) async fn job_state_route(job: &JobId) -> flink_fault_proxy::Route {
    let path = if crate::flink_at_least(&client(), 1, 16).await {
        format!("/jobs/{job}/status")
    } else {
        format!("/jobs/{job}")
    };
    flink_fault_proxy::Route::exact(http::Method::GET, path)
}
