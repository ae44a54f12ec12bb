//! Issue 10, point 9: calls and waits ride through a leader election (Flink's 503 before
//! dispatch) and a JobManager restart (connections refused) that take seconds.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use flink_client::prelude::*;
use flink_fault_proxy::{Answer, Fault, FaultProxy, Route, Rule, plain_http_test_cluster};
use http::Method;
use tokio::task::JoinHandle;

use super::{client_through, job_state_route, proxy};
use crate::errors::timed_out;
use crate::testjob::with_running_job;

/// How long a test waits for a call that should succeed before calling it hung.
const HUNG: Duration = Duration::from_secs(60);

/// Every request answered as Flink answers while no leader is elected.
fn no_leader() -> Rule {
    Rule::new(Route::any(), Fault::Respond(Answer::flink_no_leader()))
}

/// A proxy to the cluster on `address` again, started `after` from now.
fn restart_later(address: SocketAddr, after: Duration) -> JoinHandle<FaultProxy> {
    let url = plain_http_test_cluster().expect("the cluster is plain HTTP");
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        FaultProxy::start_at(&url, address)
            .await
            .unwrap_or_else(|error| panic!("restarting the fault proxy on {address}: {error}"))
    })
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_plain_call_rides_out_a_leader_election_of_3_s() {
    let Some(proxy) = proxy().await else { return };
    proxy.add(no_leader().until(Instant::now() + Duration::from_secs(3)));
    let client = client_through(&proxy, |_| {});
    let overview = tokio::time::timeout(HUNG, client.overview())
        .await
        .expect("GET /overview ends");
    overview.expect("the default retries last longer than a 3 s leader election");
    let route = Route::exact(Method::GET, "/overview");
    assert_eq!(proxy.forwarded(&route), 1, "the call reached Flink once");
    assert!(proxy.received(&route) >= 2, "it was answered 503 first");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_plain_call_rides_out_a_jobmanager_restart_of_2_s() {
    let Some(proxy) = proxy().await else { return };
    let client = client_through(&proxy, |_| {});
    let address = proxy.stop().await;
    let restarted = restart_later(address, Duration::from_secs(2));
    let overview = tokio::time::timeout(HUNG, client.overview())
        .await
        .expect("GET /overview ends");
    let restarted = restarted.await.expect("the proxy restarted");
    overview.expect("the default retries last longer than 2 s of refused connections");
    assert_eq!(
        restarted.forwarded(&Route::exact(Method::GET, "/overview")),
        1,
        "the call went through once the JobManager was back"
    );
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_job_wait_rides_through_503s_and_refused_connections() {
    let Some(proxy) = proxy().await else { return };
    with_running_job(&["--rate", "10"], |_, job| async move {
        // 3 s of leader election, 3 s without a JobManager, then the new leader.
        proxy.add(no_leader());
        let client = client_through(&proxy, |_| {});
        let failover = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            let during_election = (
                proxy.received(&Route::any()),
                proxy.forwarded(&Route::any()),
            );
            let address = proxy.stop().await;
            let restarted = restart_later(address, Duration::from_secs(3));
            (
                during_election,
                restarted.await.expect("the proxy restarted"),
            )
        });
        let waiting = client.wait_for_job_state(&job, &[JobState::Running], HUNG);
        let state = tokio::time::timeout(HUNG * 2, waiting)
            .await
            .expect("the wait ends");
        let ((answered_503, forwarded), restarted) = failover.await.expect("the failover ran");
        let state = state.expect("the wait rides through the election and the restart");
        assert_eq!(state, JobState::Running);
        assert!(answered_503 >= 1, "the wait was answered 503 first");
        assert_eq!(forwarded, 0, "nothing reached Flink during the election");
        let status = job_state_route(&job).await;
        assert!(
            restarted.forwarded(&status) >= 1,
            "the state came from Flink once the proxy was back"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_job_wait_answered_503_gives_up_at_its_own_deadline() {
    let Some(proxy) = proxy().await else { return };
    with_running_job(&["--rate", "10"], |_, job| async move {
        proxy.add(no_leader());
        let client = client_through(&proxy, |_| {});
        let deadline = Duration::from_secs(5);
        let waiting = client.wait_for_job_state(&job, &[JobState::Finished], deadline);
        let result = tokio::time::timeout(HUNG, waiting)
            .await
            .expect("the wait ends");
        let error = result.expect_err("no leader, no state");
        let (_, waited, _) = timed_out(&error);
        assert!(waited <= Duration::from_secs(20), "waited {waited:?}");
        assert!(
            proxy.received(&Route::any()) >= 2,
            "the wait kept asking through the 503s"
        );
    })
    .await;
}
