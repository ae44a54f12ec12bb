//! Rescaling over the scripted mock transport: the requirements sent, waiting until the
//! vertices run the new parallelism, and the errors on the way.

mod common;

use std::num::NonZeroU32;
use std::time::Duration;

use flink_client::prelude::*;
use flink_client::transport::mock::ScriptedResponse;

use common::errors::timed_out;
use common::{client_over, job_details};

const JOB: &str = "5b61d6019ab04da71a4e62533c1a8c40";
const SOURCE: &str = "ca88eee0095684d687a1b6495617f957";
const COUNTER: &str = "0a448493b4782967b150582570326227";

fn job() -> JobId {
    JOB.parse().expect("a valid job id")
}

fn two() -> NonZeroU32 {
    NonZeroU32::new(2).expect("not zero")
}

fn details(state: &str, vertices: &[(i32, i32, i32)]) -> ScriptedResponse {
    job_details(JOB, state, vertices)
}

#[tokio::test(start_paused = true)]
async fn rescale_raises_every_upper_bound_and_lowers_lower_bounds_above_it() {
    let requirements = format!(
        r#"{{"{SOURCE}":{{"parallelism":{{"lowerBound":1,"upperBound":4}}}},"{COUNTER}":{{"parallelism":{{"lowerBound":3,"upperBound":3}}}}}}"#
    );
    let (client, handle) = client_over([
        ScriptedResponse::json(200, requirements),
        ScriptedResponse::json(200, "{}"),
    ]);
    let sent = client.rescale(&job(), two()).await.unwrap();
    assert_eq!(
        sent.parallelism(SOURCE)
            .map(|b| (b.lower_bound, b.upper_bound)),
        Some((1, 2))
    );
    assert_eq!(
        sent.parallelism(COUNTER)
            .map(|b| (b.lower_bound, b.upper_bound)),
        Some((2, 2))
    );
    let requests = handle.requests();
    assert_eq!(requests[1].method, http::Method::PUT);
    assert!(
        requests[1]
            .uri
            .to_string()
            .ends_with(&format!("/jobs/{JOB}/resource-requirements"))
    );
    let body: serde_json::Value = serde_json::from_str(&requests[1].body_text()).unwrap();
    assert_eq!(body[SOURCE]["parallelism"]["upperBound"], 2);
    assert_eq!(body[COUNTER]["parallelism"]["lowerBound"], 2);
}

#[tokio::test(start_paused = true)]
async fn the_default_scheduler_refuses_with_the_setting_it_needs() {
    let refused = r#"{"errors":["Internal server error.","<Exception on server side:\njava.lang.UnsupportedOperationException: The DefaultScheduler does not support changing the parallelism without a job restart.\n>"]}"#;
    let (client, handle) = client_over([ScriptedResponse::json(500, refused)]);
    let error = client.rescale(&job(), two()).await.unwrap_err();
    assert!(error.is_disabled(), "{error:?}");
    assert!(
        error.to_string().contains("jobmanager.scheduler: adaptive"),
        "{error}"
    );
    assert_eq!(
        handle.request_count(),
        1,
        "nothing is sent after the refusal"
    );
}

#[tokio::test(start_paused = true)]
async fn waiting_ends_when_every_vertex_has_deployed_its_tasks() {
    let (client, handle) = client_over([
        details("RUNNING", &[(1, 1, 0), (1, 1, 0)]),
        details("RUNNING", &[(2, 0, 0), (2, 1, 0)]),
        // A source subtask without a split finishes at once: that counts as deployed.
        details("RUNNING", &[(2, 1, 1), (2, 2, 0)]),
    ]);
    let settled = client
        .wait_for_parallelism(&job(), two(), Duration::from_secs(10))
        .await
        .unwrap();
    assert!(settled.vertices.iter().all(|v| v.parallelism == 2));
    assert_eq!(handle.request_count(), 3);
}

#[tokio::test(start_paused = true)]
async fn waiting_fails_at_once_when_the_job_ends_and_says_where_it_was_at_the_deadline() {
    let (client, _) = client_over([details("FAILED", &[(1, 0, 0)])]);
    let error = client
        .wait_for_parallelism(&job(), two(), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(error.is_operation_failed(), "{error:?}");
    assert!(error.to_string().contains("FAILED"), "{error}");

    let (client, _) =
        client_over(std::iter::repeat_with(|| details("RUNNING", &[(1, 1, 0)])).take(50));
    let error = client
        .wait_for_parallelism(&job(), two(), Duration::from_secs(3))
        .await
        .unwrap_err();
    let (what, _, last_seen) = timed_out(&error);
    assert!(what.contains(JOB) && what.contains('2'), "{what}");
    assert!(last_seen.contains("vertex 0 at 1"), "{last_seen}");
}
