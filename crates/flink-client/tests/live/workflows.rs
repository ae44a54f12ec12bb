//! Live tests of the workflows: upgrading a running job through a savepoint.

use flink_client::prelude::*;

use crate::testjob::{LIMIT, TEST_JOB_CLASS, test_jar, with_job, with_running_job};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn upgrade_with_savepoint_replaces_the_job_and_restores_its_state() {
    with_running_job(&["--rate", "10"], |client, job| async move {
        let upgraded = client
            .upgrade_with_savepoint(
                &job,
                StopOptions::new(),
                SubmitJar::new(test_jar())
                    .entry_class(TEST_JOB_CLASS)
                    .args(["--rate", "10", "--name", "upgraded"])
                    .parallelism(1)
                    .delete_jar_after(true),
                LIMIT,
            )
            .await
            .unwrap();
        assert_eq!(upgraded.previous, job);
        assert_eq!(upgraded.previous_state, JobState::Finished);
        assert!(upgraded.submitted.jar_deleted, "{upgraded:?}");
        let new_job = upgraded.submitted.job.clone();
        assert_ne!(new_job, job);

        let details = client
            .wait_until_all_tasks_running(&new_job, LIMIT)
            .await
            .unwrap();
        assert_eq!(details.name, "upgraded");
        let restored = client
            .checkpoints(new_job.clone())
            .await
            .unwrap()
            .latest
            .restored
            .into_value()
            .expect("the new job restored from the savepoint");
        assert_eq!(
            restored.external_path.as_deref(),
            Some(upgraded.savepoint.as_str())
        );
        client.cancel_job(new_job.clone()).await.unwrap();
        client
            .wait_for_job_state(&new_job, &[JobState::Canceled], LIMIT)
            .await
            .unwrap();
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_bad_upgrade_is_refused_before_the_job_is_stopped() {
    with_job(&["--rate", "10"], |client, job| async move {
        let error = client
            .upgrade_with_savepoint(
                &job,
                StopOptions::new(),
                SubmitJar::new("/no/such/job.jar"),
                LIMIT,
            )
            .await
            .unwrap_err();
        assert!(error.is_invalid_input(), "{error:?}");
        let status = client.job_state(&job).await.unwrap();
        assert!(
            !status.is_terminal(),
            "the job keeps running when its successor cannot be submitted: {status}"
        );
    })
    .await;
}
