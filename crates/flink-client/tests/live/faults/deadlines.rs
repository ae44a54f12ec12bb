//! Issue 10, point 3: a wait's deadline bounds the whole wait, attempts and retries included.

use std::time::{Duration, Instant};

use flink_client::prelude::*;
use flink_fault_proxy::{Fault, Route, Rule};

use super::{client_through, job_state_route, proxy};
use crate::errors::timed_out;
use crate::testjob::with_running_job;

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_job_wait_ends_at_its_deadline_when_flink_stops_answering() {
    let Some(proxy) = proxy().await else { return };
    with_running_job(&["--rate", "10"], |_, job| async move {
        let client = client_through(&proxy, |_| {});
        // The client learns the server's version before the fault: the wait's polls are the
        // only requests left to hang.
        client
            .server_version()
            .await
            .expect("GET /config through the proxy");
        // A JobManager that takes every request and never answers in time (as under SIGSTOP).
        proxy.add(Rule::new(
            Route::any(),
            Fault::Delay(Duration::from_secs(60)),
        ));
        let deadline = Duration::from_secs(10);
        let started = Instant::now();
        let waiting = client.wait_for_job_state(&job, &[JobState::Finished], deadline);
        let result = tokio::time::timeout(Duration::from_secs(45), waiting)
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the wait for job {job} with a deadline of {deadline:?} still runs after 45 s"
                )
            });
        let took = started.elapsed();
        let error = result.expect_err("the job runs on, and no status came back");
        let (what, waited, _) = timed_out(&error);
        assert!(what.contains(job.as_str()), "{what}");
        assert!(waited <= Duration::from_secs(20), "waited {waited:?}");
        assert!(took < Duration::from_secs(20), "took {took:?}");
        let status = job_state_route(&job).await;
        assert!(proxy.received(&status) >= 1, "the wait asked Flink");
    })
    .await;
}
