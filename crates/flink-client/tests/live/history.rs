//! Live tests: Flink's HistoryServer (`FLINK_HISTORY_URL`, started by
//! `cargo xtask flink up --history`) serves the jobs the JobManager archived, and the client's
//! read endpoints work against it.
//!
//! The HistoryServer answers from the JSON files the JobManager wrote when the job ended, so:
//! query parameters are ignored, only the endpoints Flink archives exist (`/jobs`,
//! `/overview`, `/jobs/:jobid/status`, `/jobs/:jobid/execution-result` and the vertex
//! accumulators are 404), and every answer is the one of the moment the job ended.
//!
//! The HistoryServer rewrites `jobs/overview.json` in place whenever an archive arrives; a read
//! at that moment gets an empty or cut-off body (a 200 that does not decode, or hyper's
//! `IncompleteBody`). Other tests end jobs on the same cluster all the time, so the listing is
//! polled, and such read errors count as "not yet". A job's own files are written once,
//! before the job is listed.

use flink_client::models::jobs::overview::JobOverview;
use flink_client::models::jobs::state::JobState;
use flink_client::prelude::*;

use crate::testjob::{LIMIT, run_test_job};
use crate::{client, eventually, expected_version};

/// A client for the HistoryServer; panics with what to do when there is none.
fn history_client() -> FlinkClient {
    let url = std::env::var("FLINK_HISTORY_URL")
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| {
            panic!(
                "FLINK_HISTORY_URL is not set: the history live tests need Flink's HistoryServer. \
                 Run `cargo xtask test`, or `cargo xtask flink up --history` and load the env \
                 file it prints"
            )
        });
    FlinkClient::new(&url)
        .unwrap_or_else(|error| panic!("a client for FLINK_HISTORY_URL={url}: {error}"))
}

/// Runs the bounded test job on the cluster, waits until it has finished and the HistoryServer
/// lists it, and returns its id and its entry in the HistoryServer's `/jobs/overview`.
async fn archived_job(client: &FlinkClient, history: &FlinkClient) -> (JobId, JobOverview) {
    let job = run_test_job(client, &["--count", "20"]).await;
    match client
        .wait_for_job_state(&job, &[JobState::Finished], LIMIT)
        .await
    {
        Ok(state) => assert_eq!(state, JobState::Finished),
        Err(error) => {
            let _ = client.cancel_job(job.clone()).await;
            panic!("job {job} did not finish: {error}");
        }
    }
    // The JobManager archives the job when it ends; the HistoryServer picks the archive up
    // within its refresh interval (1 s with xtask).
    let listed = eventually("the HistoryServer to list the job", LIMIT, || async {
        match history.jobs_overview().await {
            Ok(overview) => overview
                .jobs
                .into_iter()
                .find(|listed| listed.jid == job.as_str()),
            // Read while the HistoryServer rewrote the file: ask again.
            Err(ApiError::Transport { .. } | ApiError::Decode { .. }) => None,
            Err(error) => panic!("GET /jobs/overview on the HistoryServer: {error}"),
        }
    })
    .await;
    (job, listed)
}

#[tokio::test]
#[ignore = "needs a Flink cluster with a HistoryServer: run `cargo xtask test`"]
async fn a_finished_job_is_served_by_the_history_server() {
    let client = client();
    let history = history_client();

    let config = history.dashboard_config().await.expect("GET /config");
    // Flink 1.15 does not report the flag; from 1.16 on a HistoryServer says it is one.
    let expected = crate::flink_at_least(&client, 1, 16).await.then_some(true);
    assert_eq!(config.features.web_history, expected, "{config:?}");
    assert!(!config.features.web_submit);
    assert!(!config.features.web_cancel);
    let cluster_version = client
        .dashboard_config()
        .await
        .expect("GET /config")
        .flink_version;
    assert_eq!(config.flink_version, cluster_version);
    if let Some(expected) = expected_version() {
        assert_eq!(config.flink_version, expected);
    }

    let (job, listed) = archived_job(&client, &history).await;
    assert_eq!(listed.state, JobState::Finished);
    assert_eq!(listed.tasks.finished, listed.tasks.total);
    assert!(listed.end_time >= listed.start_time);

    // The archive is what the JobManager answered when the job ended: compare with the
    // cluster, which still knows the finished job.
    let details = history.job(job.clone()).await.expect("GET /jobs/:jobid");
    let live = client.job(job.clone()).await.expect("GET /jobs/:jobid");
    assert_eq!(details.jid, job.as_str());
    assert_eq!(details.state, JobState::Finished);
    assert_eq!(details.name, live.name);
    assert_eq!(details.end_time, live.end_time);
    assert_eq!(details.timestamps, live.timestamps);
    assert_eq!(details.job_type, live.job_type);
    let vertex_ids = |d: &flink_client::models::jobs::details::JobDetailsInfo| {
        d.vertices.iter().map(|v| v.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(vertex_ids(&details), vertex_ids(&live));
    assert!(details.vertices.len() >= 2, "{:?}", details.vertices);

    let job_config = history
        .job_config(job.clone())
        .await
        .expect("GET /jobs/:jobid/config");
    assert_eq!(
        job_config,
        client.job_config(job.clone()).await.expect("live config")
    );
    let execution = job_config
        .execution_config
        .expect("the archive has the execution config");
    assert_eq!(execution.job_parallelism, 1);

    let plan = history
        .job_plan(job.clone())
        .await
        .expect("GET /jobs/:jobid/plan");
    assert_eq!(
        plan,
        client.job_plan(job.clone()).await.expect("live plan"),
        "the archived plan is the live one"
    );
    assert_eq!(
        plan.plan.as_ref().map(|p| p.nodes.len()),
        Some(details.vertices.len())
    );

    // Query parameters are ignored: every variant gets the one archived file.
    let exceptions = history
        .job_exceptions(job.clone(), None)
        .await
        .expect("GET /jobs/:jobid/exceptions");
    assert!(exceptions.exception_history.entries.is_empty());
    let limited = history
        .job_exceptions(job.clone(), Some(1))
        .await
        .expect("GET /jobs/:jobid/exceptions?maxExceptions=1");
    assert_eq!(limited, exceptions);

    let accumulators = history
        .job_accumulators(job.clone(), false)
        .await
        .expect("GET /jobs/:jobid/accumulators");
    let serialized = history
        .job_accumulators(job.clone(), true)
        .await
        .expect("GET /jobs/:jobid/accumulators?includeSerializedValue=true");
    assert_eq!(accumulators, serialized);

    checkpoints_are_archived(&client, &history, &job).await;
    let vertex = vertex_is_archived(&client, &history, &job, &details.vertices[0].id).await;

    // What Flink does not archive: the live cluster answers, the HistoryServer has no file.
    let error = history
        .job_status(job.clone())
        .await
        .expect_err("no /jobs/:jobid/status in the archive");
    // Flink 1.15 has no such endpoint at all.
    assert!(error.is_not_found() || error.is_unsupported(), "{error}");
    let error = history
        .job_execution_result(job.clone())
        .await
        .expect_err("no /jobs/:jobid/execution-result in the archive");
    assert!(error.is_not_found(), "{error}");
    let error = history
        .vertex_accumulators(job.clone(), vertex)
        .await
        .expect_err("no vertex accumulators in the archive");
    assert!(error.is_not_found(), "{error}");
}

/// The archived checkpoint statistics and checkpoint config are the cluster's; the archived
/// JobManager config is the one the job ran with.
async fn checkpoints_are_archived(client: &FlinkClient, history: &FlinkClient, job: &JobId) {
    let checkpoints = history
        .checkpoints(job.clone())
        .await
        .expect("GET /jobs/:jobid/checkpoints");
    let live_checkpoints = client.checkpoints(job.clone()).await.expect("live");
    assert_eq!(checkpoints.counts, live_checkpoints.counts);
    assert_eq!(checkpoints.history.len(), live_checkpoints.history.len());
    if let Some(newest) = checkpoints.history.first() {
        let archived = history
            .checkpoint_details(job.clone(), newest.id)
            .await
            .expect("GET /jobs/:jobid/checkpoints/details/:id");
        assert_eq!(archived.id, newest.id);
    }
    let checkpoint_config = history
        .checkpoint_config(job.clone())
        .await
        .expect("GET /jobs/:jobid/checkpoints/config");
    assert_eq!(
        checkpoint_config,
        client.checkpoint_config(job.clone()).await.expect("live")
    );

    let jobmanager_config = history.job_jobmanager_config(job.clone()).await;
    let Some(jobmanager_config) = crate::added_in(history, (1, 16), jobmanager_config).await else {
        return;
    };
    assert!(
        jobmanager_config
            .iter()
            .any(|entry| entry.key == "jobmanager.archive.fs.dir"),
        "{jobmanager_config:?}"
    );
}

/// The archived vertex details, subtask times and TaskManagers match the cluster's; returns
/// the vertex.
async fn vertex_is_archived(
    client: &FlinkClient,
    history: &FlinkClient,
    job: &JobId,
    vertex: &str,
) -> VertexId {
    let vertex: VertexId = vertex.parse().expect("Flink's vertex ids are valid ids");
    let archived = history
        .vertex_details(job.clone(), vertex.clone())
        .await
        .expect("GET /jobs/:jobid/vertices/:vertexid");
    let live_vertex = client
        .vertex_details(job.clone(), vertex.clone())
        .await
        .expect("live vertex");
    assert_eq!(archived.id, vertex.as_str());
    assert_eq!(archived.name, live_vertex.name);
    assert_eq!(archived.subtasks.len(), live_vertex.subtasks.len());
    let times = history
        .vertex_subtask_times(job.clone(), vertex.clone())
        .await
        .expect("GET /jobs/:jobid/vertices/:vertexid/subtasktimes");
    assert_eq!(times.subtasks.len(), archived.subtasks.len());
    let taskmanagers = history
        .vertex_taskmanagers(job.clone(), vertex.clone())
        .await
        .expect("GET /jobs/:jobid/vertices/:vertexid/taskmanagers");
    assert_eq!(taskmanagers.id, vertex.as_str());

    vertex
}

#[tokio::test]
#[ignore = "needs a Flink cluster with a HistoryServer: run `cargo xtask test`"]
async fn the_history_server_answers_not_found_for_what_it_has_not_archived() {
    let history = history_client();

    let error = history
        .job(JobId::generate())
        .await
        .expect_err("an unknown job is not archived");
    assert!(error.is_not_found(), "{error}");
    let error = history
        .checkpoints(JobId::generate())
        .await
        .expect_err("an unknown job has no checkpoints");
    assert!(error.is_not_found(), "{error}");

    // Cluster-wide answers other than `/config` and `/jobs/overview` are not served.
    let error = history.jobs().await.expect_err("no GET /jobs");
    assert!(error.is_not_found(), "{error}");
    let error = history.overview().await.expect_err("no GET /overview");
    assert!(error.is_not_found(), "{error}");
}
