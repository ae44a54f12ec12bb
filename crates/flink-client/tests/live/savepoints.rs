//! Live tests: savepoints.
//!
//! Trigger, status, stop-with-savepoint and disposal, through the raw endpoints and through
//! the `Operation` handle. Savepoints go to a fresh directory under the system temp dir
//! (the cluster runs on this machine), so the tests can count and check the files.

use std::future::Future;
use std::path::{Path, PathBuf};

use flink_client::api::jobs::savepoints::{self as savepoint_api, TriggerSavepoint};
use flink_client::models::common::OperationState;
use flink_client::models::jobs::savepoints::SavepointFormat;
use flink_client::models::jobs::state::JobState;
use flink_client::operation::{
    Operation, Savepoint, SavepointLocation, SavepointOptions, StopOptions, StopWithSavepoint,
};
use flink_client::prelude::*;

use crate::client;
use crate::errors::operation_failed;
use crate::savepoint_dir::SavepointDir;
use crate::testjob::{LIMIT, with_job, with_running_job};

fn local_path(location: &SavepointLocation) -> PathBuf {
    location
        .local_path()
        .unwrap_or_else(|| panic!("{location} is a local file: location"))
}

/// Runs the test job (10 records a second) until all its tasks run, and hands it to `body`
/// with a fresh directory for its savepoints.
async fn with_savepoint_dir<F, Fut>(body: F)
where
    F: FnOnce(FlinkClient, JobId, SavepointDir) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    with_running_job(&["--rate", "10"], |client, job| {
        body(client, job, SavepointDir::new())
    })
    .await;
}

/// Deletes the savepoint at `location` and waits until Flink has.
async fn dispose(client: &FlinkClient, location: SavepointLocation) {
    let disposal = client
        .dispose_savepoint(location.clone())
        .await
        .unwrap_or_else(|error| panic!("disposing {location}: {error}"));
    disposal
        .wait(LIMIT)
        .await
        .unwrap_or_else(|error| panic!("waiting for the disposal of {location}: {error}"));
}

/// Waits for the savepoint of a stop, checks it is below `dir`, and that `job` then ends
/// `FINISHED`; returns the savepoint's location.
async fn finish_stop(
    client: &FlinkClient,
    job: &JobId,
    stop: Operation<StopWithSavepoint>,
    dir: &SavepointDir,
) -> SavepointLocation {
    let location = stop
        .wait(LIMIT)
        .await
        .unwrap_or_else(|error| panic!("waiting for {}: {error}", stop.description()));
    assert_inside(&local_path(&location), dir);
    let state = client
        .wait_for_job_state(job, &[JobState::Finished], LIMIT)
        .await
        .unwrap_or_else(|error| panic!("waiting for job {job} to finish: {error}"));
    assert_eq!(state, JobState::Finished);
    location
}

fn assert_inside(path: &Path, dir: &SavepointDir) {
    assert!(
        path.starts_with(&dir.0),
        "{} is not below {}",
        path.display(),
        dir.0.display()
    );
    assert!(path.exists(), "{} exists", path.display());
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_savepoint_trigger_sent_twice_makes_one_savepoint_that_can_be_disposed() {
    with_savepoint_dir(|client, job, dir| async move {
        let trigger = TriggerId::generate();
        let endpoint = TriggerSavepoint {
            target_directory: Some(dir.uri()),
            format: Some(SavepointFormat::Canonical),
            trigger: Some(trigger.clone()),
            ..TriggerSavepoint::new(job.clone())
        };
        // The same trigger twice, as a retry after a lost answer would send it.
        let first = client.request_savepoint(endpoint.clone()).await.unwrap();
        let second = client.request_savepoint(endpoint).await.unwrap();
        assert_eq!(first.request_id, trigger.as_str());
        assert_eq!(second.request_id, trigger.as_str());

        let savepoint = Operation::<Savepoint>::resume(&client, job.clone(), trigger.clone());
        let location = savepoint.wait(LIMIT).await.unwrap();
        let path = local_path(&location);
        assert_inside(&path, &dir);
        assert_eq!(
            dir.savepoints(),
            vec![path.clone()],
            "one savepoint for one trigger id"
        );

        let status = client
            .savepoint_status(job.clone(), trigger.clone())
            .await
            .unwrap();
        assert_eq!(status.status.id, OperationState::Completed);
        assert_eq!(
            status
                .operation
                .into_value()
                .and_then(|o| o.location)
                .as_deref(),
            Some(location.as_str())
        );

        dispose(&client, location).await;
        assert!(!path.exists(), "{} was disposed", path.display());
        assert!(dir.savepoints().is_empty());
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_savepoint_through_the_handle_reports_its_location() {
    with_savepoint_dir(|client, job, dir| async move {
        let savepoint = client
            .trigger_savepoint(
                job.clone(),
                SavepointOptions::new().target_directory(dir.uri()),
            )
            .await
            .unwrap();
        assert_eq!(savepoint.job_id(), &job);
        let location = savepoint.wait(LIMIT).await.unwrap();
        assert_inside(&local_path(&location), &dir);
        assert_eq!(dir.savepoints().len(), 1);
        // A handle rebuilt from the stored ids reads the same result.
        let resumed =
            Operation::<Savepoint>::resume(&client, job.clone(), savepoint.trigger_id().clone());
        assert_eq!(resumed.wait(LIMIT).await.unwrap(), location);

        let unknown = Operation::<Savepoint>::resume(&client, job.clone(), TriggerId::generate());
        let error = unknown.status().await.unwrap_err();
        assert!(
            matches!(error, ApiError::OperationExpired { .. }),
            "{error:?}"
        );
        dispose(&client, location).await;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn stop_with_savepoint_finishes_the_job_and_leaves_the_savepoint() {
    with_savepoint_dir(|client, job, dir| async move {
        let stop = client
            .stop_with_savepoint(
                job.clone(),
                StopOptions::new()
                    .target_directory(dir.uri())
                    .format(SavepointFormat::Canonical)
                    .drain(false),
            )
            .await
            .unwrap();
        let location = finish_stop(&client, &job, stop, &dir).await;
        let path = local_path(&location);
        assert!(path.join("_metadata").exists(), "{}", path.display());
        dispose(&client, location).await;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_raw_stop_with_a_trigger_id_is_polled_as_a_savepoint() {
    with_savepoint_dir(|client, job, dir| async move {
        let trigger = TriggerId::generate();
        let response = client
            .request_stop_with_savepoint(savepoint_api::StopWithSavepoint {
                target_directory: Some(dir.uri()),
                trigger: Some(trigger.clone()),
                ..savepoint_api::StopWithSavepoint::new(job.clone())
            })
            .await
            .unwrap();
        assert_eq!(response.request_id, trigger.as_str());
        // Flink reports a stop's savepoint under the savepoint status endpoint.
        let stop = Operation::<StopWithSavepoint>::resume(&client, job.clone(), trigger);
        finish_stop(&client, &job, stop, &dir).await;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_savepoint_of_a_finished_job_is_operation_failed() {
    with_job(&["--count", "20"], |client, job| async move {
        client
            .wait_for_job_state(&job, &[JobState::Finished], LIMIT)
            .await
            .unwrap();
        let dir = SavepointDir::new();
        // Flink accepts the trigger (202) and reports the failure in the status answer.
        let savepoint = client
            .trigger_savepoint(
                job.clone(),
                SavepointOptions::new().target_directory(dir.uri()),
            )
            .await
            .expect("Flink accepts a savepoint trigger for a finished job");
        let error = savepoint.wait(LIMIT).await.unwrap_err();
        let failure = operation_failed(&error);
        assert!(failure.operation.contains(job.as_str()), "{failure:?}");
        assert!(failure.class.is_some(), "{error:?}");
        // Usually the job is gone; right after it finished, its JobMaster may still answer
        // and refuse a savepoint of a batch-finished job instead (seen on 2.2.1).
        assert!(
            failure.message.contains(job.as_str())
                && (failure.message.contains("FlinkJobNotFoundException")
                    || failure.message.contains("is not a streaming job")),
            "the root cause names the job and why: {failure:?}"
        );
        assert!(failure.stack_trace.is_some());
        assert!(dir.savepoints().is_empty());
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn disposing_a_missing_savepoint_is_operation_failed() {
    let client = client();
    let dir = SavepointDir::new();
    let missing = format!("{}/savepoint-000000-000000000000", dir.uri());
    let disposal = client.dispose_savepoint(missing.as_str()).await.unwrap();
    let status = client
        .savepoint_disposal_status(disposal.trigger_id().clone())
        .await
        .unwrap();
    assert!(
        matches!(
            status.status.id,
            OperationState::InProgress | OperationState::Completed
        ),
        "{status:?}"
    );
    let error = disposal.wait(LIMIT).await.unwrap_err();
    let failure = operation_failed(&error);
    assert!(
        failure.operation.contains("savepoint disposal"),
        "{failure:?}"
    );
    assert!(failure.message.contains("savepoint"), "{failure:?}");

    let unknown = client
        .savepoint_disposal_status(TriggerId::generate())
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, ApiError::OperationExpired { .. }),
        "{unknown:?}"
    );
}
