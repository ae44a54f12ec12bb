//! Live tests: checkpoints.
//!
//! Statistics, configuration, details and subtask details of a running job's checkpoints,
//! a manually triggered checkpoint, and waiting for the next periodic one.

use flink_client::models::common::OperationState;
use flink_client::models::jobs::checkpoints::{
    CheckpointClass, CheckpointStatsType, CheckpointStatus, CheckpointType, CheckpointingMode,
};
use flink_client::operation::{Checkpoint, Operation};
use flink_client::prelude::*;

use crate::testjob::{LIMIT, with_running_job};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn statistics_config_and_details_of_a_running_jobs_checkpoints() {
    with_running_job(&["--rate", "10"], |client, job| async move {
        let next = client
            .wait_for_next_checkpoint(job.clone(), LIMIT)
            .await
            .unwrap();
        assert_eq!(next.status, CheckpointStatus::Completed);
        assert_eq!(next.class_name, CheckpointClass::Completed);

        let stats = client.checkpoints(job.clone()).await.unwrap();
        assert!(stats.counts.completed >= 1, "{:?}", stats.counts);
        assert!(stats.counts.total >= stats.counts.completed);
        let latest = stats.latest.completed.value().expect("a latest checkpoint");
        assert!(latest.id >= next.id);
        assert!(latest.external_path.has_value(), "{latest:?}");
        assert!(!stats.history.is_empty());
        assert!(stats.summary.end_to_end_duration.max >= 0);

        let config = client.checkpoint_config(job.clone()).await.unwrap();
        assert_eq!(config.mode, CheckpointingMode::ExactlyOnce);
        assert_eq!(config.interval, 2000, "the test job checkpoints every 2 s");
        assert!(config.timeout > 0);

        let details = client
            .checkpoint_details(job.clone(), next.id)
            .await
            .unwrap();
        assert_eq!(details.id, next.id);
        assert_eq!(details.status, CheckpointStatus::Completed);
        assert_eq!(details.checkpoint_type, CheckpointStatsType::Checkpoint);
        let tasks = details.tasks.expect("details list the vertices");
        let (vertex, task) = tasks.iter().next().expect("the job has vertices");
        assert_eq!(task.id, next.id);

        let vertex: VertexId = vertex.parse().expect("Flink's vertex ids are valid ids");
        let subtasks = client
            .checkpoint_subtask_details(job.clone(), next.id, vertex)
            .await
            .unwrap();
        assert_eq!(subtasks.id, next.id);
        assert_eq!(
            usize::try_from(subtasks.num_subtasks).unwrap(),
            subtasks.subtasks.len()
        );
        assert!(subtasks.subtasks.iter().all(|s| s.ack_timestamp.is_some()));
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_triggered_checkpoint_appears_in_the_details() {
    with_running_job(&["--rate", "10"], |client, job| async move {
        let checkpoint = client
            .trigger_checkpoint(job.clone(), CheckpointType::Full)
            .await;
        let Some(checkpoint) = crate::added_in(&client, (1, 17), checkpoint).await else {
            return;
        };
        let id = checkpoint.wait(LIMIT).await.unwrap();

        let status = client
            .checkpoint_status(job.clone(), checkpoint.trigger_id().clone())
            .await
            .unwrap();
        assert_eq!(status.status.id, OperationState::Completed);
        assert_eq!(
            status.operation.into_value().and_then(|o| o.checkpoint_id),
            Some(id)
        );

        // Before 1.18 the statistics come from an execution graph the JobManager caches for
        // `web.refresh-interval` (3 s here), so a just-completed checkpoint may be unknown
        // for that long: 404, then the details.
        let details = crate::eventually("the checkpoint's details", LIMIT, || {
            let client = client.clone();
            let job = job.clone();
            async move {
                match client.checkpoint_details(job, id).await {
                    Ok(details) => Some(details),
                    Err(error) if error.is_not_found() => None,
                    Err(error) => panic!("checkpoint {id}: {error}"),
                }
            }
        })
        .await;
        assert_eq!(details.id, id);
        assert_eq!(details.status, CheckpointStatus::Completed);
        assert!(!details.is_savepoint);

        let unknown = Operation::<Checkpoint>::resume(&client, job.clone(), TriggerId::generate());
        let error = unknown.status().await.unwrap_err();
        assert!(
            matches!(error, ApiError::OperationExpired { .. }),
            "{error:?}"
        );
    })
    .await;
}
