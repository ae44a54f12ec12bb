//! Live tests: rescales (Flink 2.x): configuration, overview, summary, history, details, also
//! after a resource-requirements change.

use flink_client::api::RescaleId;
use flink_client::api::jobs::needs_adaptive_scheduler;
use flink_client::api::jobs::rescales::rescales_unavailable;
use flink_client::models::jobs::overview::SchedulerType;
use flink_client::models::jobs::rescales::{
    JobRescaleConfigInfo, RescaleTerminalState, RescaleTriggerCause,
};
use flink_client::prelude::*;

use crate::testjob::{LIMIT, with_job, with_running_job};
use crate::{eventually, is_flink_2_3};

/// What the cluster offers a running job: `None` on Flink 1.x (after checking that every
/// rescale call is refused before sending), else the rescale configuration when the job runs
/// on the adaptive scheduler (after checking that the default scheduler's answer is
/// `Disabled`).
async fn rescale_support(
    client: &FlinkClient,
    job: &JobId,
) -> Option<Option<JobRescaleConfigInfo>> {
    let rescale = RescaleId::try_from(job.as_str()).expect("a job id has the form of a rescale id");
    let config = client.job_rescale_config(job.clone()).await;
    if !is_flink_2_3(client).await {
        let calls = [
            ("config", config.map(drop)),
            (
                "overview",
                client.job_rescales_overview(job.clone()).await.map(drop),
            ),
            (
                "summary",
                client.job_rescales_summary(job.clone()).await.map(drop),
            ),
            (
                "history",
                client.job_rescales_history(job.clone()).await.map(drop),
            ),
            (
                "details",
                client
                    .job_rescale_details(job.clone(), rescale)
                    .await
                    .map(drop),
            ),
        ];
        for (what, result) in calls {
            let error = result.expect_err(what);
            assert!(error.is_unsupported(), "{what}: {error:?}");
            assert!(error.to_string().contains("/rescales"), "{what}: {error}");
        }
        return None;
    }
    let details = client.job(job.clone()).await.expect("GET /jobs/:jobid");
    if details.scheduler_type.value() == Some(&SchedulerType::Adaptive) {
        return Some(Some(
            config.expect("the adaptive scheduler has a rescale configuration"),
        ));
    }
    let error = config.expect_err("the default scheduler has no rescale configuration");
    assert!(
        error.is_disabled() && rescales_unavailable(&error),
        "{error:?}"
    );
    assert!(!error.is_not_found(), "{error:?}");
    assert!(
        error.to_string().contains("jobmanager.scheduler: adaptive"),
        "{error}"
    );
    let error = client
        .job_rescales_history(job.clone())
        .await
        .expect_err("the default scheduler keeps no rescale history");
    assert!(rescales_unavailable(&error), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("web.adaptive-scheduler.rescale-history.size"),
        "{error}"
    );
    Some(None)
}

/// On an adaptive cluster without a rescale history (`rescale-history.size` 0, the default),
/// the history calls answer, but empty.
async fn assert_no_history(client: &FlinkClient, job: &JobId) {
    let overview = client
        .job_rescales_overview(job.clone())
        .await
        .expect("GET /jobs/:jobid/rescales/overview");
    assert_eq!(overview.rescales_counts.total(), 0, "{overview:?}");
    assert!(!overview.latest.completed.has_value(), "{overview:?}");
    let summary = client
        .job_rescales_summary(job.clone())
        .await
        .expect("GET /jobs/:jobid/rescales/summary");
    assert_eq!(summary.rescales_counts.total(), 0, "{summary:?}");
    assert!(summary.rescales_duration_stats_in_millis.p50.is_nan());
    let history = client
        .job_rescales_history(job.clone())
        .await
        .expect("GET /jobs/:jobid/rescales/history");
    assert!(history.is_empty(), "{history:?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn rescale_endpoints_follow_the_scheduler() {
    with_job(&["--rate", "10"], |client, job| async move {
        let details = client
            .wait_until_all_tasks_running(&job, LIMIT)
            .await
            .unwrap();
        let Some(Some(config)) = rescale_support(&client, &job).await else {
            return;
        };
        assert!(
            config.submission_resource_wait_timeout_in_millis > 0,
            "{config:?}"
        );
        assert!(
            config.executing_cooldown_timeout_in_millis >= 0,
            "{config:?}"
        );
        if config.rescale_history_max <= 0 {
            assert_no_history(&client, &job).await;
            return;
        }
        // The first scheduling is a rescale too.
        let history = client.job_rescales_history(job.clone()).await.unwrap();
        let first = history
            .iter()
            .find(|r| r.trigger_cause.value() == Some(&RescaleTriggerCause::InitialSchedule))
            .unwrap_or_else(|| panic!("the initial schedule is recorded: {history:#?}"));
        assert_eq!(
            first.terminal_state.value(),
            Some(&RescaleTerminalState::Completed)
        );
        let overview = client.job_rescales_overview(job.clone()).await.unwrap();
        assert!(overview.rescales_counts.completed >= 1, "{overview:?}");
        assert!(overview.latest.completed.has_value(), "{overview:?}");
        let summary = client.job_rescales_summary(job.clone()).await.unwrap();
        assert_eq!(summary.rescales_counts, overview.rescales_counts);
        assert!(summary.completed_rescales_duration_stats_in_millis.max >= 0);

        let rescale: RescaleId = first.rescale_uuid.parse().unwrap();
        let full = client
            .job_rescale_details(job.clone(), rescale)
            .await
            .unwrap();
        assert_eq!(full.rescale_uuid, first.rescale_uuid);
        assert_eq!(full.vertices.len(), details.vertices.len(), "{full:#?}");
        for vertex in &details.vertices {
            let info = &full.vertices[&vertex.id];
            assert_eq!(info.job_vertex_name, vertex.name);
            assert_eq!(
                info.post_rescale_parallelism.into_value(),
                Some(1),
                "{info:?}"
            );
            assert_eq!(info.pre_rescale_parallelism.into_value(), None, "{info:?}");
        }
        assert!(
            !full.slots.is_empty() && !full.scheduler_states.is_empty(),
            "{full:#?}"
        );

        let gone = RescaleId::try_from(JobId::generate().as_str()).unwrap();
        let error = client
            .job_rescale_details(job.clone(), gone)
            .await
            .unwrap_err();
        assert!(
            error.is_not_found() && !rescales_unavailable(&error),
            "{error:?}"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn rescale_details_after_resource_requirements_change() {
    with_running_job(&["--rate", "10"], |client, job| async move {
        let support = rescale_support(&client, &job).await;
        let Some(Some(config)) = support else {
            if support.is_some() {
                // Flink 2.x on the default scheduler: no rescaling at all.
                let error = client
                    .job_resource_requirements(job.clone())
                    .await
                    .unwrap_err();
                assert!(needs_adaptive_scheduler(&error), "{error:?}");
            }
            return;
        };
        let requirements = client.job_resource_requirements(job.clone()).await.unwrap();
        let mut raised = requirements.clone();
        for requirement in raised.vertices.values_mut() {
            requirement.parallelism.upper_bound = 2;
        }
        client
            .set_job_resource_requirements(job.clone(), raised)
            .await
            .unwrap();
        if config.rescale_history_max <= 0 {
            assert_no_history(&client, &job).await;
            return;
        }
        let rescale = eventually("a completed rescale to the new requirements", LIMIT, || {
            let client = client.clone();
            let job = job.clone();
            async move {
                let history = client.job_rescales_history(job).await.unwrap();
                history.into_iter().find(|r| {
                    r.trigger_cause.value() == Some(&RescaleTriggerCause::UpdateRequirement)
                        && r.terminal_state.value() == Some(&RescaleTerminalState::Completed)
                })
            }
        })
        .await;
        assert!(
            rescale.end_timestamp_in_millis.into_value() >= Some(rescale.start_timestamp_in_millis)
        );

        let id: RescaleId = rescale.rescale_uuid.parse().unwrap();
        let details = client.job_rescale_details(job.clone(), id).await.unwrap();
        assert_eq!(
            details.resource_requirements_uuid,
            rescale.resource_requirements_uuid
        );
        assert_eq!(
            details.vertices.len(),
            requirements.vertices.len(),
            "{details:#?}"
        );
        for (vertex, info) in &details.vertices {
            assert!(requirements.vertices.contains_key(vertex), "{vertex}");
            assert_eq!(
                info.pre_rescale_parallelism.into_value(),
                Some(1),
                "{info:?}"
            );
            assert_eq!(
                info.post_rescale_parallelism.into_value(),
                Some(2),
                "{info:?}"
            );
            assert_eq!(info.desired_parallelism, 2, "{info:?}");
        }
        let states: Vec<_> = details
            .scheduler_states
            .iter()
            .map(|s| s.state.as_str())
            .collect();
        assert!(states.contains(&"Executing"), "{states:?}");

        let overview = client.job_rescales_overview(job.clone()).await.unwrap();
        assert!(overview.rescales_counts.completed >= 2, "{overview:?}");
        let summary = client.job_rescales_summary(job.clone()).await.unwrap();
        assert!(summary.rescales_counts.total() >= 2, "{summary:?}");
    })
    .await;
}
