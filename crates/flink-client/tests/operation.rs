//! Asynchronous operations over the scripted mock transport: trigger ids, polling, failures
//! inside successful answers, expired triggers, deadlines and retried triggers.

mod common;

use std::time::Duration;

use flink_client::models::jobs::checkpoints::CheckpointType;
use flink_client::models::jobs::savepoints::SavepointFormat;
use flink_client::operation::{
    DataSetDeletion, Operation, OperationStatus, Savepoint, SavepointDisposal, SavepointOptions,
    StopOptions,
};
use flink_client::prelude::*;
use flink_client::transport::mock::{MockHandle, ScriptedResponse};

use common::client_over;
use common::errors::{operation_expired, operation_failed, timed_out};

const JOB: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const TRIGGER: &str = "0123456789abcdef0123456789abcdef";
const IN_PROGRESS: &str = r#"{"status":{"id":"IN_PROGRESS"}}"#;

fn job() -> JobId {
    JOB.parse().expect("a valid job id")
}

fn trigger() -> TriggerId {
    TRIGGER.parse().expect("a valid trigger id")
}

fn accepted() -> ScriptedResponse {
    ScriptedResponse::json(202, format!(r#"{{"request-id":"{TRIGGER}"}}"#))
}

fn body(handle: &MockHandle, index: usize) -> serde_json::Value {
    serde_json::from_str(&handle.requests()[index].body_text()).expect("a JSON body")
}

#[tokio::test(start_paused = true)]
async fn wait_polls_until_completed_and_returns_the_location() {
    let (client, handle) = client_over([
        accepted(),
        ScriptedResponse::json(200, IN_PROGRESS),
        ScriptedResponse::json(200, IN_PROGRESS),
        ScriptedResponse::json(
            200,
            r#"{"status":{"id":"COMPLETED"},"operation":{"location":"file:/sp/savepoint-a1b2c3-0123456789ab"}}"#,
        ),
    ]);
    let savepoint = client
        .trigger_savepoint(
            job(),
            SavepointOptions::new()
                .target_directory("file:///sp")
                .format(SavepointFormat::Canonical),
        )
        .await
        .unwrap();
    assert_eq!(savepoint.trigger_id(), &trigger());
    assert_eq!(savepoint.job_id(), &job());
    let location = savepoint.wait(Duration::from_secs(10)).await.unwrap();
    assert_eq!(location.as_str(), "file:/sp/savepoint-a1b2c3-0123456789ab");
    assert_eq!(
        location.local_path(),
        Some("/sp/savepoint-a1b2c3-0123456789ab".into())
    );

    let requests = handle.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0].method, http::Method::POST);
    assert_eq!(
        requests[0].uri,
        "http://flink.test:8081/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/savepoints"
    );
    let sent = body(&handle, 0);
    assert_eq!(sent["target-directory"], "file:///sp");
    assert_eq!(sent["cancel-job"], false);
    assert_eq!(sent["formatType"], "CANONICAL");
    for request in &requests[1..] {
        assert_eq!(request.method, http::Method::GET);
        assert_eq!(
            request.uri,
            "http://flink.test:8081/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/savepoints/0123456789abcdef0123456789abcdef"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn every_trigger_carries_a_fresh_generated_trigger_id() {
    let (client, handle) = client_over([accepted(), accepted(), accepted()]);
    client
        .trigger_savepoint(job(), SavepointOptions::new())
        .await
        .unwrap();
    client
        .trigger_savepoint(job(), SavepointOptions::new())
        .await
        .unwrap();
    client
        .stop_with_savepoint(job(), StopOptions::new().drain(true))
        .await
        .unwrap();
    let ids: Vec<String> = (0..3)
        .map(|i| body(&handle, i)["triggerId"].as_str().unwrap().to_owned())
        .collect();
    for id in &ids {
        assert!(id.parse::<TriggerId>().is_ok(), "{id}");
    }
    assert_ne!(ids[0], ids[1]);
    let stop = body(&handle, 2);
    assert_eq!(stop["drain"], true);
    assert!(stop.get("targetDirectory").is_none());
    assert_eq!(
        handle.requests()[2].uri,
        "http://flink.test:8081/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/stop"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retried_trigger_sends_the_same_trigger_id() {
    let unavailable = r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#;
    let (client, handle) = client_over([ScriptedResponse::json(503, unavailable), accepted()]);
    let savepoint = client
        .trigger_savepoint(job(), SavepointOptions::new())
        .await
        .unwrap();
    assert_eq!(handle.request_count(), 2);
    let (first, second) = (body(&handle, 0), body(&handle, 1));
    assert!(first["triggerId"].is_string());
    assert_eq!(first["triggerId"], second["triggerId"]);
    assert_eq!(savepoint.trigger_id(), &trigger());
}

#[tokio::test(start_paused = true)]
async fn a_trigger_with_an_id_is_resent_after_a_timeout() {
    // Without a trigger id a POST is never resent after a timeout; with one it is safe.
    let (client, handle) = client_over([ScriptedResponse::never(), accepted()]);
    client
        .trigger_savepoint(job(), SavepointOptions::new())
        .await
        .unwrap();
    assert_eq!(handle.request_count(), 2);
    assert_eq!(body(&handle, 0)["triggerId"], body(&handle, 1)["triggerId"]);
}

#[tokio::test(start_paused = true)]
async fn a_failure_inside_a_completed_answer_is_operation_failed() {
    let failure = r#"{"status":{"id":"COMPLETED"},"operation":{"failure-cause":{"class":"java.util.concurrent.CompletionException","stack-trace":"java.util.concurrent.CompletionException: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (a1b2c3d4e5f60718293a4b5c6d7e8f90)\n\tat java.base/java.util.concurrent.CompletableFuture.encodeThrowable(CompletableFuture.java:332)\nCaused by: org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (a1b2c3d4e5f60718293a4b5c6d7e8f90)\n\t... 12 more","serialized-throwable":"rO0AB"}}}"#;
    let (client, _handle) = client_over([ScriptedResponse::json(200, failure)]);
    let savepoint = Operation::<Savepoint>::resume(&client, job(), trigger());
    let error = savepoint.wait(Duration::from_secs(10)).await.unwrap_err();
    assert!(error.is_operation_failed(), "{error:?}");
    let failure = operation_failed(&error);
    assert_eq!(
        failure.operation,
        "savepoint of job a1b2c3d4e5f60718293a4b5c6d7e8f90 (trigger 0123456789abcdef0123456789abcdef)"
    );
    assert_eq!(
        failure.class,
        Some("java.util.concurrent.CompletionException")
    );
    assert_eq!(
        failure.message,
        "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not find Flink job (a1b2c3d4e5f60718293a4b5c6d7e8f90)"
    );
    assert!(failure.stack_trace.unwrap().contains("12 more"));
    assert!(
        error
            .to_string()
            .starts_with("savepoint of job a1b2c3d4e5f60718293a4b5c6d7e8f90"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_unknown_trigger_is_operation_expired() {
    let not_found = r#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: There is no savepoint operation with triggerId=0123456789abcdef0123456789abcdef for job a1b2c3d4e5f60718293a4b5c6d7e8f90.\n\tat a.b(C.java:1)"]}"#;
    let (client, handle) = client_over([ScriptedResponse::json(404, not_found)]);
    let savepoint = Operation::<Savepoint>::resume(&client, job(), trigger());
    let error = savepoint.wait(Duration::from_secs(10)).await.unwrap_err();
    let (operation, source) = operation_expired(&error);
    assert_eq!(operation, savepoint.description());
    assert!(source.is_not_found());
    assert!(error.to_string().contains("rest.async.store-duration"));
    assert_eq!(handle.request_count(), 1, "a 404 is not retried");
}

#[tokio::test(start_paused = true)]
async fn an_unknown_dataset_deletion_is_operation_expired_too() {
    let (client, _handle) =
        client_over([ScriptedResponse::json(404, r#"{"errors":["Not found."]}"#)]);
    let deletion = Operation::<DataSetDeletion>::resume(&client, (), trigger());
    let error = deletion.status().await.unwrap_err();
    let (operation, _) = operation_expired(&error);
    assert_eq!(
        operation,
        "dataset deletion (trigger 0123456789abcdef0123456789abcdef)"
    );
}

#[tokio::test(start_paused = true)]
async fn wait_gives_up_at_the_deadline_with_backoff() {
    let (client, handle) = client_over((0..50).map(|_| ScriptedResponse::json(200, IN_PROGRESS)));
    let savepoint = Operation::<Savepoint>::resume(&client, job(), trigger());
    let started = tokio::time::Instant::now();
    let error = savepoint.wait(Duration::from_secs(1)).await.unwrap_err();
    let (what, waited, last_seen) = timed_out(&error);
    assert_eq!(what, savepoint.description());
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert_eq!(last_seen, "IN_PROGRESS");
    assert!(error.is_deadline());
    assert!(started.elapsed() < Duration::from_millis(1100));
    // 0, 10, 30, 70, 150, 310, 630 ms, then the deadline: backoff, not busy polling.
    let polls = handle.request_count();
    assert!((7..=9).contains(&polls), "{polls} polls");
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_wait_keeps_the_job_and_trigger_ids() {
    let (client, _handle) = client_over(
        std::iter::once(accepted())
            .chain((0..50).map(|_| ScriptedResponse::json(200, IN_PROGRESS))),
    );
    let stop = client
        .stop_with_savepoint(job(), StopOptions::new())
        .await
        .unwrap();
    let error = stop.wait(Duration::from_millis(100)).await.unwrap_err();
    match &error {
        ApiError::WaitTimedOut { job, trigger, .. } => {
            assert_eq!(job.as_ref(), Some(&self::job()));
            assert_eq!(trigger.as_ref(), Some(&self::trigger()));
        }
        other => panic!("expected WaitTimedOut, got {other:?}"),
    }
    // Resumed from those ids, the operation is awaited again.
    let (client, _handle) = client_over([ScriptedResponse::json(
        200,
        r#"{"status":{"id":"COMPLETED"},"operation":{"location":"file:/sp/savepoint-1"}}"#,
    )]);
    let ApiError::WaitTimedOut {
        job: Some(stopped_job),
        trigger: Some(stop_trigger),
        ..
    } = error
    else {
        unreachable!("matched above");
    };
    let resumed = Operation::<Savepoint>::resume(&client, stopped_job, stop_trigger);
    let location = resumed.wait(Duration::from_secs(1)).await.unwrap();
    assert_eq!(location.as_str(), "file:/sp/savepoint-1");

    let (client, _handle) = client_over((0..50).map(|_| ScriptedResponse::json(200, IN_PROGRESS)));
    let disposal = Operation::<SavepointDisposal>::resume(&client, (), trigger());
    match disposal.wait(Duration::from_millis(100)).await.unwrap_err() {
        ApiError::WaitTimedOut { job, trigger, .. } => {
            assert_eq!(job, None, "a disposal belongs to no job");
            assert_eq!(trigger, Some(self::trigger()));
        }
        other => panic!("expected WaitTimedOut, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn status_polls_once() {
    let (client, handle) = client_over([
        ScriptedResponse::json(200, IN_PROGRESS),
        ScriptedResponse::json(
            200,
            r#"{"status":{"id":"COMPLETED"},"operation":{"location":"s3://b/sp"}}"#,
        ),
    ]);
    let savepoint = Operation::<Savepoint>::resume(&client, job(), trigger());
    assert_eq!(
        savepoint.status().await.unwrap(),
        OperationStatus::InProgress
    );
    let done = savepoint.status().await.unwrap();
    assert!(done.is_completed());
    let location = done.completed().unwrap();
    assert_eq!(location.as_str(), "s3://b/sp");
    assert_eq!(location.local_path(), None);
    assert_eq!(handle.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_checkpoint_trigger_returns_the_checkpoint_id() {
    let (client, handle) = client_over([
        accepted(),
        ScriptedResponse::json(200, IN_PROGRESS),
        ScriptedResponse::json(
            200,
            r#"{"status":{"id":"COMPLETED"},"operation":{"checkpointId":7}}"#,
        ),
    ]);
    let client = client.with_server_version("2.3.0".parse().unwrap());
    let checkpoint = client
        .trigger_checkpoint(job(), CheckpointType::Full)
        .await
        .unwrap();
    assert_eq!(checkpoint.wait(Duration::from_secs(5)).await.unwrap(), 7);
    let sent = body(&handle, 0);
    assert_eq!(sent["checkpointType"], "FULL");
    assert!(
        sent["triggerId"]
            .as_str()
            .unwrap()
            .parse::<TriggerId>()
            .is_ok()
    );
    assert_eq!(
        handle.requests()[1].uri,
        "http://flink.test:8081/jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/checkpoints/0123456789abcdef0123456789abcdef"
    );
}

#[tokio::test(start_paused = true)]
async fn a_checkpoint_trigger_is_refused_on_flink_before_1_17() {
    let (client, handle) = client_over([]);
    let client = client.with_server_version("1.16.3".parse().unwrap());
    let error = client
        .trigger_checkpoint(job(), CheckpointType::Full)
        .await
        .unwrap_err();
    assert!(error.is_unsupported(), "{error:?}");
    assert_eq!(handle.request_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn disposal_reports_success_and_failure() {
    let (client, handle) = client_over([
        ScriptedResponse::json(200, format!(r#"{{"request-id":"{TRIGGER}"}}"#)),
        ScriptedResponse::json(200, r#"{"status":{"id":"COMPLETED"},"operation":{}}"#),
        ScriptedResponse::json(200, format!(r#"{{"request-id":"{TRIGGER}"}}"#)),
        ScriptedResponse::json(
            200,
            r#"{"status":{"id":"COMPLETED"},"operation":{"failure-cause":{"class":"org.apache.flink.util.FlinkException","stack-trace":"org.apache.flink.util.FlinkException: Could not dispose savepoint file:///nonexistent/savepoint-x.\n\tat a.b(C.java:1)"}}}"#,
        ),
    ]);
    let disposal = client
        .dispose_savepoint("file:/sp/savepoint-a1b2c3-0123456789ab")
        .await
        .unwrap();
    disposal.wait(Duration::from_secs(5)).await.unwrap();
    assert_eq!(
        body(&handle, 0),
        serde_json::json!({"savepoint-path": "file:/sp/savepoint-a1b2c3-0123456789ab"})
    );
    assert_eq!(
        handle.requests()[1].uri,
        "http://flink.test:8081/savepoint-disposal/0123456789abcdef0123456789abcdef"
    );

    let missing = client
        .dispose_savepoint("file:///nonexistent/savepoint-x")
        .await
        .unwrap();
    let error = missing.wait(Duration::from_secs(5)).await.unwrap_err();
    let failure = operation_failed(&error);
    assert_eq!(failure.class, Some("org.apache.flink.util.FlinkException"));
    assert_eq!(
        failure.message,
        "org.apache.flink.util.FlinkException: Could not dispose savepoint file:///nonexistent/savepoint-x."
    );
}

#[tokio::test]
async fn bad_input_is_rejected_without_a_request() {
    let (client, handle) = client_over([]);
    let error = client
        .trigger_savepoint(job(), SavepointOptions::new().target_directory(""))
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    let error = client
        .stop_with_savepoint(job(), StopOptions::new().target_directory("  "))
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    let error = client.dispose_savepoint("").await.unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    assert_eq!(handle.request_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_resumed_disposal_polls_its_trigger() {
    let (client, handle) = client_over([ScriptedResponse::json(200, IN_PROGRESS)]);
    let disposal = Operation::<SavepointDisposal>::resume(&client, (), trigger());
    assert_eq!(disposal.trigger_id(), &trigger());
    assert!(!disposal.status().await.unwrap().is_completed());
    assert_eq!(
        handle.requests()[0].uri,
        "http://flink.test:8081/savepoint-disposal/0123456789abcdef0123456789abcdef"
    );
}
