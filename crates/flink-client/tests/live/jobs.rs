//! Live tests: jobs (list, overview, details, status, config, exceptions, plan, accumulators,
//! execution result, per-job JobManager information, log URLs, heartbeats, coordination,
//! resource requirements, legacy rescaling, cancel) and the job wait helpers.

use std::time::{SystemTime, UNIX_EPOCH};

use flink_client::api::jobs::{GetJobExceptions, needs_adaptive_scheduler};
use flink_client::models::common::OperationState;
use flink_client::models::jobs::coordination::ClientCoordinationRequest;
use flink_client::models::jobs::overview::{JobType, SchedulerType};
use flink_client::models::jobs::result::ApplicationStatus;
use flink_client::models::jobs::state::JobState;
use flink_client::prelude::*;

use crate::testjob::{LIMIT, with_job, with_running_job};
use crate::{client, eventually, first_taskmanager, is_flink_2, is_flink_2_3};

fn now_millis() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970");
    i64::try_from(since_epoch.as_millis()).expect("milliseconds fit in i64")
}

/// Whether the cluster runs jobs on the adaptive scheduler (`jobmanager.scheduler`).
async fn adaptive_scheduler(client: &FlinkClient) -> bool {
    let config = client
        .jobmanager_config()
        .await
        .expect("GET /jobmanager/config");
    config
        .iter()
        .find(|entry| entry.key == "jobmanager.scheduler")
        .is_some_and(|entry| entry.value.eq_ignore_ascii_case("adaptive"))
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_running_job_is_listed_detailed_and_cancelled() {
    with_job(&["--rate", "10"], |client, job| async move {
        let details = client
            .wait_until_all_tasks_running(&job, LIMIT)
            .await
            .unwrap();
        assert_eq!(details.jid, job.as_str());
        assert_eq!(details.state, JobState::Running);
        assert!(details.vertices.len() >= 2, "{:?}", details.vertices);
        assert!(details.timestamps[&JobState::Running] > 0);
        let plan = details.plan.as_ref().expect("a running job has a plan");
        assert_eq!(plan.nodes.len(), details.vertices.len());
        let flink_2 = is_flink_2(&client).await;
        let flink_2_3 = is_flink_2_3(&client).await;
        assert_eq!(details.application_id.has_value(), flink_2_3);
        if flink_2_3 || !flink_2 {
            assert_eq!(details.pending_operators.is_some(), flink_2_3);
        }

        assert_eq!(client.job_state(&job).await.unwrap(), JobState::Running);
        let status = client.job_status(job.clone()).await;
        if let Some(status) = crate::added_in(&client, (1, 16), status).await {
            assert_eq!(status.status, JobState::Running);
        }

        let list = client.jobs().await.unwrap();
        assert_eq!(list.state_of(job.as_str()), Some(&JobState::Running));

        let overview = client.jobs_overview().await.unwrap();
        let listed = overview
            .jobs
            .iter()
            .find(|j| j.jid == job.as_str())
            .expect("the job is in the overview");
        assert_eq!(listed.state, JobState::Running);
        assert!(listed.tasks.total >= 2);
        assert_eq!(
            listed.tasks.running, listed.tasks.total,
            "{:?}",
            listed.tasks
        );
        // The overview names job and scheduler types from 2.3 on (2.0 to 2.2 do not).
        if flink_2_3 {
            assert_eq!(listed.job_type, Some(JobType::Streaming));
            assert!(listed.scheduler_type.has_value());
        } else if !flink_2 {
            assert_eq!(listed.job_type, None, "jobType is new in 2.x");
        }

        let config = client.job_config(job.clone()).await.unwrap();
        assert_eq!(config.jid, job.as_str());
        let execution = config
            .execution_config
            .expect("a running job has its config");
        assert_eq!(execution.job_parallelism, 1);
        assert_eq!(execution.execution_mode.is_some(), !flink_2);

        let plan = client.job_plan(job.clone()).await.unwrap();
        let plan = plan.plan.expect("a running job has a plan");
        assert_eq!(plan.jid, job.as_str());
        for vertex in &details.vertices {
            assert!(plan.nodes.iter().any(|node| node.id == vertex.id));
        }

        let accumulators = client.job_accumulators(job.clone(), false).await.unwrap();
        assert!(accumulators.serialized_user_task_accumulators.is_empty());
        client.job_accumulators(job.clone(), true).await.unwrap();

        let exceptions = client.job_exceptions(job.clone(), None).await.unwrap();
        assert!(exceptions.exception_history.entries.is_empty());
        assert_eq!(exceptions.root_exception.value(), None);

        let result = client.job_execution_result(job.clone()).await.unwrap();
        assert_eq!(result.status.id, OperationState::InProgress);
        assert!(result.job_execution_result.is_none());

        client.cancel_job(job.clone()).await.unwrap();
        let state = client
            .wait_for_job_state(&job, &[JobState::Canceled], LIMIT)
            .await
            .unwrap();
        assert_eq!(state, JobState::Canceled);
        let result = client.wait_for_job_result(&job, LIMIT).await.unwrap();
        assert_eq!(result.application_status, ApplicationStatus::Canceled);
        // A second cancel of an ended job is accepted too.
        client.cancel_job(job.clone()).await.unwrap();
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn jobmanager_information_and_log_urls_of_a_job() {
    with_job(&["--rate", "10"], |client, job| async move {
        let config = client.job_jobmanager_config(job.clone()).await;
        let Some(config) = crate::added_in(&client, (1, 16), config).await else {
            return;
        };
        assert!(
            config.iter().any(|entry| entry.key == "rest.port"),
            "{config:?}"
        );
        let environment = client
            .job_jobmanager_environment(job.clone())
            .await
            .unwrap();
        assert!(!environment.classpath.is_empty());
        assert!(!environment.jvm.version.is_empty());

        let jobmanager = client.job_jobmanager_log_url(job.clone()).await.unwrap();
        assert!(jobmanager.url.contains("job-manager"), "{jobmanager:?}");
        let taskmanager = first_taskmanager(&client).await;
        let url = client
            .job_taskmanager_log_url(job.clone(), taskmanager.clone())
            .await
            .unwrap();
        assert!(url.url.contains(taskmanager.as_str()), "{url:?}");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn heartbeat_coordination_and_legacy_rescaling_of_a_running_job() {
    with_job(&["--rate", "10"], |client, job| async move {
        client
            .wait_for_job_state(&job, &[JobState::Running], LIMIT)
            .await
            .unwrap();
        let heartbeat = client
            .job_client_heartbeat(job.clone(), now_millis() + 60_000)
            .await;
        crate::added_in(&client, (1, 17), heartbeat).await;

        // A coordination request carries a Java-serialized object; Flink fails reading this
        // empty stream (the test job has no coordinator to ask anyway), but the call reached it.
        // Flink 2.x takes operator uids, 1.x operator ids (32 hex characters).
        let flink_2 = is_flink_2(&client).await;
        let operator = if flink_2 {
            "no-such-operator"
        } else {
            "0000000000000000000000000000abcd"
        };
        let error = client
            .coordinate_operator(
                job.clone(),
                operator.parse().unwrap(),
                ClientCoordinationRequest::new("rO0ABQ=="),
            )
            .await
            .unwrap_err();
        assert_eq!(
            error.status(),
            Some(http::StatusCode::INTERNAL_SERVER_ERROR),
            "{error:?}"
        );
        assert!(
            error
                .to_string()
                .contains(&format!("/coordinators/{operator}")),
            "{error}"
        );
        if !flink_2 {
            let error = client
                .coordinate_operator(
                    job.clone(),
                    "an-operator-uid".parse().unwrap(),
                    ClientCoordinationRequest::new("rO0ABQ=="),
                )
                .await
                .unwrap_err();
            assert!(error.is_unsupported(), "uids need Flink 2: {error:?}");
        }

        let error = client.trigger_rescaling(job.clone(), 2).await.unwrap_err();
        assert!(error.is_disabled(), "{error:?}");
        assert!(
            error.to_string().contains("resource-requirements"),
            "{error}"
        );
        let error = client
            .rescaling_status(job.clone(), TriggerId::generate())
            .await
            .unwrap_err();
        assert!(error.is_disabled(), "{error:?}");

        let state = client.job_state(&job).await.unwrap();
        assert_eq!(state, JobState::Running, "nothing changed the job");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_bounded_job_finishes_with_a_successful_result() {
    with_job(&["--count", "20"], |client, job| async move {
        let result = client.wait_for_job_result(&job, LIMIT).await.unwrap();
        assert!(result.is_success(), "{result:?}");
        // Flink refuses (409) to cancel a job that has finished, but accepts it while the
        // JobManager still archives the job; either way the job stays FINISHED.
        if let Err(error) = client.cancel_job(job.clone()).await {
            assert!(error.is_conflict(), "{error:?}");
        }
        assert_eq!(result.id, job.as_str());
        assert!(result.failure_cause.is_none());
        assert!(result.net_runtime >= 0);
        assert_eq!(result.name.is_some(), is_flink_2_3(&client).await);

        let state = client
            .wait_for_job_state(&job, &[JobState::Finished], LIMIT)
            .await
            .unwrap();
        assert_eq!(state, JobState::Finished);
        // Waiting for a state the finished job will never reach fails at once, naming it.
        let error = client
            .wait_until_all_tasks_running(&job, LIMIT)
            .await
            .unwrap_err();
        assert!(!error.is_deadline(), "{error:?}");
        assert!(error.to_string().contains("FINISHED"), "{error}");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_failing_job_reports_its_exceptions_and_failed_result() {
    with_job(&["--fail-after", "5"], |client, job| async move {
        // Waiting for a state a failed job never reaches ends when it fails, not at the deadline.
        let error = client
            .wait_for_job_state(&job, &[JobState::Finished], LIMIT)
            .await
            .unwrap_err();
        let text = error.to_string();
        assert!(
            text.contains(job.as_str()) && text.contains("FAILED") && text.contains("FINISHED"),
            "{text}"
        );

        let result = client.wait_for_job_result(&job, LIMIT).await.unwrap();
        assert_eq!(result.application_status, ApplicationStatus::Failed);
        let cause = result.failure_cause.expect("a failed job has a cause");
        assert!(cause.class.is_some(), "{cause:?}");

        let exceptions = client.job_exceptions(job.clone(), Some(5)).await.unwrap();
        assert!(
            exceptions.mentions("intentional failure"),
            "{exceptions:#?}"
        );
        let root = &exceptions.exception_history.entries[0];
        assert!(root.timestamp > 0);
        if is_flink_2(&client).await {
            assert!(exceptions.root_exception.is_absent());
        } else {
            assert!(exceptions.root_exception.has_value(), "legacy field in 1.x");
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_restarting_job_records_every_failure() {
    with_job(
        &["--fail-after", "5", "--restarts", "2"],
        |client, job| async move {
            let state = client
                .wait_for_job_state(&job, &[JobState::Failed], LIMIT)
                .await
                .unwrap();
            assert_eq!(state, JobState::Failed);

            let all = client.job_exceptions(job.clone(), Some(10)).await.unwrap();
            let entries = &all.exception_history.entries;
            assert!(entries.len() >= 3, "one entry per failure: {entries:#?}");
            assert!(!all.exception_history.truncated);

            let one = client.job_exceptions(job.clone(), Some(1)).await.unwrap();
            assert_eq!(one.exception_history.entries.len(), 1);
            assert!(one.exception_history.truncated);

            let filtered = client
                .execute(GetJobExceptions::new(job.clone()).failure_label("no-such", "label"))
                .await;
            if let Some(filtered) = crate::added_in(&client, (1, 18), filtered).await {
                assert!(
                    filtered.exception_history.entries.is_empty(),
                    "no failure carries that label: {filtered:#?}"
                );
            }

            let error = client
                .job_exceptions(job.clone(), Some(0))
                .await
                .unwrap_err();
            assert!(error.is_invalid_input());
        },
    )
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn an_unknown_job_is_not_found_also_while_waiting() {
    let client = client();
    let job = JobId::generate();
    let error = client.job_state(&job).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    let error = client
        .wait_for_job_state(&job, &[JobState::Running], LIMIT)
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(error.to_string().contains(job.as_str()), "{error}");
    let error = client.job(job.clone()).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn resource_requirements_follow_the_scheduler() {
    let adaptive = adaptive_scheduler(&client()).await;
    with_job(&["--rate", "10"], move |client, job| async move {
        let details = client
            .wait_until_all_tasks_running(&job, LIMIT)
            .await
            .unwrap();
        if !crate::flink_at_least(&client, 1, 18).await {
            // Refused before sending, whatever the scheduler.
            let requirements = client.job_resource_requirements(job.clone()).await;
            assert!(
                crate::added_in(&client, (1, 18), requirements)
                    .await
                    .is_none()
            );
            return;
        }
        if !adaptive {
            let error = client
                .job_resource_requirements(job.clone())
                .await
                .unwrap_err();
            assert!(needs_adaptive_scheduler(&error), "{error:?}");
            assert!(error.is_disabled(), "{error:?}");
            assert!(
                error.to_string().contains("jobmanager.scheduler: adaptive"),
                "{error}"
            );
            return;
        }
        if is_flink_2(&client).await {
            assert_eq!(
                details.scheduler_type.value(),
                Some(&SchedulerType::Adaptive)
            );
        }
        let requirements = client.job_resource_requirements(job.clone()).await.unwrap();
        assert_eq!(requirements.vertices.len(), details.vertices.len());
        for vertex in &details.vertices {
            let bounds = requirements
                .parallelism(&vertex.id)
                .expect("every vertex has bounds");
            assert!(bounds.lower_bound >= 1 && bounds.upper_bound >= vertex.parallelism);
        }

        let mut raised = requirements.clone();
        for requirement in raised.vertices.values_mut() {
            requirement.parallelism.upper_bound = 2;
        }
        client
            .set_job_resource_requirements(job.clone(), raised)
            .await
            .unwrap();
        let updated = client.job_resource_requirements(job.clone()).await.unwrap();
        assert!(
            updated
                .vertices
                .values()
                .all(|v| v.parallelism.upper_bound == 2),
            "{updated:?}"
        );
        // The adaptive scheduler rescales once its cooldown has passed and slots are free.
        // (The source's second subtask has no input and finishes, so not every task runs.)
        eventually("the job to run with parallelism 2", LIMIT, || {
            let client = client.clone();
            let job = job.clone();
            async move {
                let details = client.job(job).await.unwrap();
                (details.state == JobState::Running
                    && details.vertices.iter().all(|v| v.parallelism == 2))
                .then_some(())
            }
        })
        .await;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn legacy_yarn_stop_is_disabled_and_yarn_cancel_cancels() {
    with_running_job(&["--rate", "10"], |client, job| async move {
        let error = client.yarn_stop_job(job.clone()).await.unwrap_err();
        assert!(error.is_disabled(), "{error:?}");
        assert!(
            error.to_string().contains("POST /jobs/:jobid/stop"),
            "{error}"
        );
        assert_eq!(
            client.job_state(&job).await.unwrap(),
            JobState::Running,
            "yarn-stop leaves the job running"
        );

        client.yarn_cancel_job(job.clone()).await.unwrap();
        let state = client
            .wait_for_job_state(&job, &[JobState::Canceled], LIMIT)
            .await
            .unwrap();
        assert_eq!(state, JobState::Canceled);
        // Like cancel, it accepts a cancelled job again.
        client.yarn_cancel_job(job.clone()).await.unwrap();
        let error = client.yarn_cancel_job(JobId::generate()).await.unwrap_err();
        assert!(error.is_not_found(), "{error:?}");
    })
    .await;
}
