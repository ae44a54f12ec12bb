//! The job waits over the scripted mock transport: job states, results and the next
//! checkpoint, their early failures and their deadlines.

mod common;

use std::time::Duration;

use flink_client::models::jobs::state::JobState;
use flink_client::prelude::*;
use flink_client::transport::mock::ScriptedResponse;

use common::errors::timed_out;
use common::{client_over, job_details};

const JOB: &str = "d7b2518b7cc9b04478ed2eb249c5b9a0";

fn job() -> JobId {
    JOB.parse().expect("a valid job id")
}

fn status(state: &str) -> ScriptedResponse {
    ScriptedResponse::json(200, format!(r#"{{"status":"{state}"}}"#))
}

#[tokio::test(start_paused = true)]
async fn on_flink_1_15_a_wait_reads_the_state_from_the_details() {
    // Flink 1.15 has no `GET /jobs/:jobid/status`: the state comes from the job's details.
    let (client, handle) = client_over([
        job_details(JOB, "CREATED", &[(1, 0, 0)]),
        job_details(JOB, "RUNNING", &[(1, 1, 0)]),
    ]);
    let client = client.with_server_version("1.15.4".parse().unwrap());
    let state = client
        .wait_for_job_state(&job(), &[JobState::Running], Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(state, JobState::Running);
    let paths: Vec<String> = handle
        .requests()
        .iter()
        .map(|request| request.uri.path().to_owned())
        .collect();
    assert_eq!(paths, [format!("/jobs/{JOB}"), format!("/jobs/{JOB}")]);
}

#[tokio::test(start_paused = true)]
async fn waits_through_intermediate_states() {
    let (client, handle) =
        client_over([status("INITIALIZING"), status("CREATED"), status("RUNNING")]);
    let state = client
        .wait_for_job_state(&job(), &[JobState::Running], Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(state, JobState::Running);
    assert_eq!(handle.request_count(), 3);
    assert!(
        handle.requests()[0]
            .uri
            .to_string()
            .ends_with(&format!("/jobs/{JOB}/status"))
    );
}

#[tokio::test(start_paused = true)]
async fn an_unwanted_final_state_fails_at_once() {
    let (client, _) = client_over([status("RUNNING"), status("FAILED")]);
    let error = client
        .wait_for_job_state(&job(), &[JobState::Canceled], Duration::from_secs(60))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(JOB) && text.contains("FAILED") && text.contains("CANCELED"),
        "{text}"
    );
    assert!(error.is_operation_failed());
}

#[tokio::test(start_paused = true)]
async fn a_bounded_job_that_finishes_before_its_tasks_are_seen_running_is_done() {
    let script = || {
        [
            job_details(JOB, "RUNNING", &[(2, 1, 0)]),
            job_details(JOB, "RUNNING", &[(2, 1, 1)]),
            job_details(JOB, "FINISHED", &[(2, 0, 2)]),
        ]
    };
    let (client, _) = client_over(script());
    let details = client
        .wait_until_all_tasks_running_or_finished(&job(), Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(details.state, JobState::Finished);
    // Waiting for running tasks alone takes FINISHED for a failure, as it should.
    let (client, _) = client_over(script());
    let error = client
        .wait_until_all_tasks_running(&job(), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("FINISHED"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn waiting_for_running_or_finished_tasks_fails_at_once_on_a_failed_job() {
    let (client, handle) = client_over([
        job_details(JOB, "RUNNING", &[(1, 0, 0)]),
        job_details(JOB, "FAILED", &[(1, 0, 0)]),
    ]);
    let error = client
        .wait_until_all_tasks_running_or_finished(&job(), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(error.is_operation_failed());
    assert!(error.to_string().contains("FAILED"), "{error}");
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn an_unknown_job_is_not_found() {
    let (client, handle) = client_over([ScriptedResponse::json(
        404,
        format!(
            r#"{{"errors":["org.apache.flink.runtime.rest.NotFoundException: Job {JOB} not found"]}}"#
        ),
    )]);
    let error = client
        .wait_for_job_state(&job(), &[JobState::Running], Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(error.to_string().contains(JOB), "{error}");
    assert_eq!(handle.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn no_states_is_invalid_input() {
    let (client, handle) = client_over([]);
    let error = client
        .wait_for_job_state(&job(), &[], Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(error.is_invalid_input());
    assert_eq!(handle.request_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_deadline_ends_the_wait_with_the_last_state() {
    let (client, _) = client_over(std::iter::repeat_with(|| status("CREATED")).take(200));
    let error = client
        .wait_for_job_state(&job(), &[JobState::Running], Duration::from_secs(3))
        .await
        .unwrap_err();
    let (what, _, last_seen) = timed_out(&error);
    assert!(what.contains(JOB) && what.contains("RUNNING"), "{what}");
    assert_eq!(last_seen, "CREATED");
}

#[tokio::test(start_paused = true)]
async fn a_failed_result_is_returned_as_data() {
    let (client, _) = client_over([
        ScriptedResponse::json(200, r#"{"status":{"id":"IN_PROGRESS"}}"#),
        ScriptedResponse::json(
            200,
            format!(
                r#"{{"status":{{"id":"COMPLETED"}},"job-execution-result":{{"id":"{JOB}","application-status":"FAILED","accumulator-results":{{}},"net-runtime":5,"failure-cause":{{"class":"org.apache.flink.runtime.JobException","stack-trace":"JobException: boom"}}}}}}"#
            ),
        ),
    ]);
    let result = client
        .wait_for_job_result(&job(), Duration::from_secs(5))
        .await
        .unwrap();
    assert!(!result.is_success());
    assert!(result.failure_cause.is_some());
}

fn checkpoint_stats(latest: Option<u64>) -> ScriptedResponse {
    let summary =
        r#"{"min":0,"max":0,"avg":0,"p50":"NaN","p90":"NaN","p95":"NaN","p99":"NaN","p999":"NaN"}"#;
    let latest = latest.map_or_else(
        || "null".to_owned(),
        |id| {
            format!(
                r#"{{"className":"completed","id":{id},"status":"COMPLETED","is_savepoint":false,"trigger_timestamp":1,"latest_ack_timestamp":2,"checkpointed_size":3,"state_size":3,"end_to_end_duration":1,"alignment_buffered":0,"processed_data":0,"persisted_data":0,"num_subtasks":1,"num_acknowledged_subtasks":1,"checkpoint_type":"CHECKPOINT","tasks":{{}},"external_path":"file:/chk/chk-{id}","discarded":false}}"#
            )
        },
    );
    ScriptedResponse::json(
        200,
        format!(
            r#"{{"counts":{{"restored":0,"total":{n},"in_progress":0,"completed":{n},"failed":0}},"summary":{{"checkpointed_size":{summary},"state_size":{summary},"end_to_end_duration":{summary},"alignment_buffered":{summary},"processed_data":{summary},"persisted_data":{summary}}},"latest":{{"completed":{latest},"savepoint":null,"failed":null,"restored":null}},"history":[]}}"#,
            n = u8::from(latest != "null")
        ),
    )
}

#[tokio::test(start_paused = true)]
async fn wait_for_next_checkpoint_returns_a_newer_completed_checkpoint() {
    let (client, handle) = client_over([
        checkpoint_stats(Some(3)),
        checkpoint_stats(Some(3)),
        checkpoint_stats(Some(4)),
    ]);
    let next = client
        .wait_for_next_checkpoint(job(), Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(next.id, 4);
    assert_eq!(next.external_path.as_deref(), Some("file:/chk/chk-4"));
    assert_eq!(handle.request_count(), 3);
}

#[tokio::test(start_paused = true)]
async fn wait_for_next_checkpoint_times_out_without_one() {
    let (client, _handle) = client_over((0..50).map(|_| checkpoint_stats(None)));
    let error = client
        .wait_for_next_checkpoint(job(), Duration::from_millis(500))
        .await
        .unwrap_err();
    let (what, _, last_seen) = timed_out(&error);
    assert!(what.contains("first completed checkpoint"), "{what}");
    assert!(last_seen.contains("no completed checkpoint"), "{last_seen}");
}

fn overview(taskmanagers: u32, free: u32) -> ScriptedResponse {
    ScriptedResponse::json(
        200,
        format!(
            r#"{{"taskmanagers":{taskmanagers},"slots-total":{},"slots-available":{free},"jobs-running":0,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":"2.3.0","flink-commit":"abc"}}"#,
            taskmanagers * 4
        ),
    )
}

#[tokio::test(start_paused = true)]
async fn a_starting_cluster_is_waited_for_until_it_has_the_slots() {
    let leader_election = r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;
    let (client, handle) = client_over([
        ScriptedResponse::connect_error(),
        ScriptedResponse::connect_error(),
        ScriptedResponse::connect_error(),
        ScriptedResponse::connect_error(),
        ScriptedResponse::json(503, leader_election),
        ScriptedResponse::json(503, leader_election),
        ScriptedResponse::json(503, leader_election),
        ScriptedResponse::json(503, leader_election),
        overview(0, 0),
        overview(1, 2),
        overview(2, 6),
    ]);
    let ready = client
        .wait_for_cluster(2, 5, Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!((ready.taskmanagers, ready.slots_available), (2, 6));
    assert_eq!(handle.remaining(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_cluster_without_enough_slots_times_out_saying_what_it_has() {
    let (client, _) = client_over(std::iter::repeat_with(|| overview(1, 3)).take(100));
    let error = client
        .wait_for_cluster(1, 8, Duration::from_secs(5))
        .await
        .unwrap_err();
    let (what, _, last_seen) = timed_out(&error);
    assert!(what.contains("8 free slots"), "{what}");
    assert_eq!(last_seen, "1 TaskManagers, 3 of 4 slots free");
}

#[tokio::test(start_paused = true)]
async fn a_wrong_path_ends_the_cluster_wait_at_once() {
    let (client, handle) = client_over([ScriptedResponse::json(
        404,
        r#"{"errors":["Not found: /flink/overview"]}"#,
    )]);
    let error = client
        .wait_for_cluster(1, 1, Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(handle.request_count(), 1);
}

/// A client with the default transport settings: each attempt may take a minute, with three
/// retries, which made a 10 s wait last four minutes on a JobManager that stopped answering.
fn client_with_defaults(
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> (FlinkClient, flink_client::transport::mock::MockHandle) {
    let config =
        flink_client::TransportConfig::new("http://flink.test:8081/").expect("a valid URL");
    assert_eq!(config.attempt_timeout, Duration::from_secs(60));
    common::client_with(&config, script)
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_a_wait_on_a_jobmanager_that_stopped_answering() {
    let (client, handle) = client_with_defaults(
        std::iter::once(status("RUNNING"))
            .chain(std::iter::repeat_with(ScriptedResponse::never).take(10)),
    );
    let started = tokio::time::Instant::now();
    let error = client
        .wait_for_job_state(&job(), &[JobState::Finished], Duration::from_secs(10))
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(10));
    let (what, waited, last_seen) = timed_out(&error);
    assert!(what.contains(JOB), "{what}");
    assert_eq!(waited, Duration::from_secs(10));
    assert!(
        last_seen.starts_with("RUNNING; the last poll got no answer"),
        "{last_seen}"
    );
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_wait_rides_through_refused_connections_and_leader_elections() {
    let no_leader = || {
        ScriptedResponse::json(
            503,
            r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#,
        )
    };
    // Each failed poll also runs out the transport's own retries.
    let script = std::iter::repeat_with(ScriptedResponse::connect_error)
        .take(12)
        .chain(std::iter::repeat_with(no_leader).take(12))
        .chain([status("RUNNING")]);
    let (client, handle) = client_over(script);
    let state = client
        .wait_for_job_state(&job(), &[JobState::Running], Duration::from_secs(120))
        .await
        .unwrap();
    assert_eq!(state, JobState::Running);
    assert_eq!(handle.remaining(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_wait_on_a_jobmanager_that_never_comes_back_says_what_it_saw() {
    let (client, _) =
        client_over(std::iter::repeat_with(ScriptedResponse::connect_error).take(1000));
    let error = client
        .wait_for_job_state(&job(), &[JobState::Running], Duration::from_secs(3))
        .await
        .unwrap_err();
    let (_, waited, last_seen) = timed_out(&error);
    assert_eq!(waited, Duration::from_secs(3));
    assert!(last_seen.starts_with("no answer yet ("), "{last_seen}");
}
