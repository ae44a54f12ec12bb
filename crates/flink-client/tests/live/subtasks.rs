//! Live tests: subtasks (all subtasks' accumulators, subtask details, attempts and their
//! accumulators).

use flink_client::api::jobs::subtasks::{AttemptNumber, SubtaskIndex};
use flink_client::models::jobs::state::ExecutionState;
use flink_client::prelude::*;

use crate::job_metrics::source_and_sink;
use crate::testjob::with_job;
use crate::{first_taskmanager, is_flink_2};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn subtask_details_attempts_and_accumulators() {
    with_job(&["--rate", "20"], |client, job| async move {
        let flink_2 = is_flink_2(&client).await;
        let flink_1_16 = crate::flink_at_least(&client, 1, 16).await;
        let taskmanager = first_taskmanager(&client).await;
        let (source, sink) = source_and_sink(&client, &job).await;
        for vertex in [source, sink] {
            let all = client
                .subtasks_accumulators(job.clone(), vertex.clone())
                .await
                .unwrap();
            assert_eq!(all.id, vertex.as_str());
            assert_eq!(all.parallelism, 1, "the test job runs with parallelism 1");
            assert_eq!(all.subtasks.len(), 1, "{all:?}");
            let accumulators = &all.subtasks[0];
            assert_eq!((accumulators.subtask, accumulators.attempt), (0, 0));
            // Flink 1.18 names only the host.
            let endpoint = accumulators
                .endpoint
                .as_deref()
                .map_or("localhost:0", |e| e);
            assert!(endpoint.contains(':'), "{accumulators:?}");
            assert_eq!(accumulators.host.is_some(), !flink_2, "host is 1.x only");

            let current = client
                .subtask(job.clone(), vertex.clone(), SubtaskIndex::FIRST)
                .await
                .unwrap();
            assert_eq!(current.subtask, 0);
            assert_eq!(current.status, ExecutionState::Running, "{current:?}");
            assert_eq!(current.attempt, 0);
            assert_eq!(current.taskmanager_id, taskmanager.as_str());
            assert_eq!(current.host.is_some(), !flink_2, "host is 1.x only");
            assert_eq!(current.end_time, -1, "a running attempt has not ended");
            assert!(
                current.start_time > 0 && current.duration >= 0,
                "{current:?}"
            );
            // Time per state came with Flink 1.16.
            assert!(
                current
                    .status_duration
                    .get(&ExecutionState::Running)
                    .is_some_and(|ms| *ms >= 0)
                    || (current.status_duration.is_empty() && !flink_1_16),
                "{:?}",
                current.status_duration
            );
            assert!(current.other_concurrent_attempts.is_none(), "{current:?}");

            let attempt = AttemptNumber::try_from(current.attempt).unwrap();
            let same = client
                .subtask_attempt(job.clone(), vertex.clone(), SubtaskIndex::FIRST, attempt)
                .await
                .unwrap();
            assert_eq!((same.subtask, same.attempt), (0, 0));
            assert_eq!(same.status, ExecutionState::Running);
            assert_eq!(same.start_time, current.start_time);
            assert_eq!(same.taskmanager_id, current.taskmanager_id);

            let attempt_accumulators = client
                .subtask_attempt_accumulators(
                    job.clone(),
                    vertex.clone(),
                    SubtaskIndex::FIRST,
                    attempt,
                )
                .await
                .unwrap();
            assert_eq!(
                (attempt_accumulators.subtask, attempt_accumulators.attempt),
                (0, 0)
            );
            // From Flink 1.16 on the execution attempt id names the vertex, subtask and attempt;
            // before, it is a random id.
            assert!(
                attempt_accumulators.id.contains(vertex.as_str()) || !flink_1_16,
                "{attempt_accumulators:?}"
            );
            assert_eq!(
                attempt_accumulators.user_accumulators,
                accumulators.user_accumulators
            );
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn an_unknown_subtask_or_attempt_is_not_found() {
    with_job(&["--rate", "20"], |client, job| async move {
        let (vertex, _) = source_and_sink(&client, &job).await;
        let beyond = SubtaskIndex::from(7);
        let error = client
            .subtask(job.clone(), vertex.clone(), beyond)
            .await
            .unwrap_err();
        assert!(error.is_not_found(), "{error:?}");
        let text = error.to_string();
        assert!(text.contains("/subtasks/7"), "{text}");
        assert!(
            text.contains("Invalid subtask index") && text.contains(vertex.as_str()),
            "{text}"
        );

        let later = AttemptNumber::from(5);
        for error in [
            client
                .subtask_attempt(job.clone(), vertex.clone(), SubtaskIndex::FIRST, later)
                .await
                .unwrap_err(),
            client
                .subtask_attempt_accumulators(
                    job.clone(),
                    vertex.clone(),
                    SubtaskIndex::FIRST,
                    later,
                )
                .await
                .unwrap_err(),
        ] {
            assert!(error.is_not_found(), "{error:?}");
            let text = error.to_string();
            assert!(text.contains("/attempts/5"), "{text}");
            assert!(text.contains("Invalid attempt num 5"), "{text}");
        }

        // Indexes Flink cannot read are refused before any request.
        assert!(SubtaskIndex::new(u32::MAX).unwrap_err().is_invalid_input());
        assert!(
            AttemptNumber::try_from(-1_i32)
                .unwrap_err()
                .is_invalid_input()
        );
    })
    .await;
}
