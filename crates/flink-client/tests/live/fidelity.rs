//! Model fidelity on live answers: every JSON answer of the cluster under test decodes into its
//! model, and encoding the model again gives back what the server sent, nothing lost.
//!
//! Each endpoint is asked once, as raw JSON ([`Raw`]); the model is decoded from that same
//! JSON, so the comparison never races a changing cluster.

use flink_client::api::applications::{
    GetApplication, GetApplicationExceptions, GetApplicationJobManagerConfig, ListApplications,
};
use flink_client::api::cluster::{GetDashboardConfig, GetOverview, ListDataSets};
use flink_client::api::jars::{GetJarPlan, ListJars};
use flink_client::api::jobmanager::{GetJobManagerConfig, GetJobManagerEnvironment};
use flink_client::api::jobs::checkpoints::{
    GetCheckpointConfig, GetCheckpointDetails, GetCheckpointingStatistics, GetTaskCheckpointDetails,
};
use flink_client::api::jobs::subtasks::{
    GetSubtask, GetSubtaskAttempt, GetSubtaskAttemptAccumulators, GetSubtasksAccumulators,
};
use flink_client::api::jobs::vertices::{
    GetJobVertex, GetSubtaskTimes, GetVertexAccumulators, GetVertexBackPressure,
    GetVertexFlameGraph, GetVertexTaskManagers, GetVertexWatermarks,
};
use flink_client::api::jobs::{
    GetJob, GetJobAccumulators, GetJobConfig, GetJobExceptions, GetJobExecutionResult,
    GetJobJobManagerConfig, GetJobJobManagerEnvironment, GetJobJobManagerLogUrl, GetJobPlan,
    GetJobStatus, GetJobTaskManagerLogUrl, GetJobsOverview, ListJobs,
};
use flink_client::api::logs::ListLogs;
use flink_client::api::metrics::{
    AggregatedMetricScope, GetAggregatedMetrics, GetMetrics, MetricScope,
};
use flink_client::api::profiler::ListProfiling;
use flink_client::api::taskmanagers::{GetTaskManager, ListTaskManagers};
use flink_client::api::thread_dump::GetThreadDump;
use flink_client::api::{JsonEndpoint, describe};
use flink_client::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::testjob::{LIMIT, TEST_JOB_CLASS, upload_test_jar, with_job};
use crate::{client, first_taskmanager};

/// Asks `endpoint` for raw JSON, decodes its model from it, and checks that the model encodes
/// back to the same JSON. Returns the raw answer, or `null` for an endpoint the server's
/// version lacks (after checking that the client refuses it).
pub(crate) async fn assert_lossless<E>(client: &FlinkClient, endpoint: E) -> Value
where
    E: JsonEndpoint + Send + 'static,
    E::Output: Serialize,
{
    let what = describe(&endpoint);
    if let Some(added) = E::ADDED_IN
        && !crate::flink_at_least(client, added.0, added.1).await
    {
        let answer = client.execute(Raw(endpoint)).await;
        assert!(
            crate::added_in(client, added, answer).await.is_none(),
            "{what}"
        );
        return Value::Null;
    }
    let raw = client
        .execute(Raw(endpoint))
        .await
        .unwrap_or_else(|error| panic!("{what}: {error}"));
    let model: E::Output = serde_json::from_value(raw.clone())
        .unwrap_or_else(|error| panic!("{what}: the answer does not decode: {error}\n{raw}"));
    let again = serde_json::to_value(&model)
        .unwrap_or_else(|error| panic!("{what}: the model does not encode: {error}"));
    assert_eq!(
        normalized(again),
        normalized(raw.clone()),
        "{what}: the model lost or changed part of the answer"
    );
    raw
}

/// JSON with every number as a float (`1` and `1.0` are the same value to Flink). `null`
/// members stay: a model must give them back.
fn normalized(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalized(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::Number(number) => number
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Number(number), Value::Number),
        other => other,
    }
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn cluster_jobmanager_and_taskmanager_answers_are_kept_whole() {
    let client = client();
    let taskmanager = first_taskmanager(&client).await;
    assert_lossless(&client, GetOverview).await;
    assert_lossless(&client, GetDashboardConfig).await;
    assert_lossless(&client, ListDataSets).await;
    assert_lossless(&client, GetJobManagerConfig).await;
    assert_lossless(&client, GetJobManagerEnvironment).await;
    assert_lossless(&client, ListTaskManagers).await;
    assert_lossless(
        &client,
        GetTaskManager {
            taskmanager: taskmanager.clone(),
        },
    )
    .await;
    for process in [
        ClusterProcess::JobManager,
        ClusterProcess::TaskManager(taskmanager.clone()),
    ] {
        assert_lossless(
            &client,
            ListLogs {
                process: process.clone(),
            },
        )
        .await;
        assert_lossless(
            &client,
            GetThreadDump {
                process: process.clone(),
            },
        )
        .await;
        if crate::flink_at_least(&client, 1, 19).await {
            assert_lossless(&client, ListProfiling { process }).await;
        }
    }
    for scope in [
        MetricScope::JobManager,
        MetricScope::TaskManager(taskmanager),
    ] {
        let names = assert_lossless(&client, GetMetrics::names(scope.clone())).await;
        let names: Vec<String> = names
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|metric| metric["id"].as_str().map(str::to_owned))
            .take(20)
            .collect();
        if let Some(values) = GetMetrics::values(&scope, &names)
            .expect("listed names are valid")
            .into_iter()
            .next()
        {
            assert_lossless(&client, values).await;
        }
    }
    let aggregated = assert_lossless(
        &client,
        GetAggregatedMetrics::names(AggregatedMetricScope::TaskManagers(Vec::new())),
    )
    .await;
    assert!(aggregated.is_array(), "{aggregated}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn jar_answers_are_kept_whole() {
    let client = client();
    let jar = upload_test_jar(&client).await;
    assert_lossless(&client, ListJars).await;
    assert_lossless(
        &client,
        GetJarPlan::new(jar.clone())
            .entry_class(TEST_JOB_CLASS)
            .parallelism(1),
    )
    .await;
    client.delete_jar(jar).await.expect("deleting the test jar");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn job_and_checkpoint_answers_of_a_running_job_are_kept_whole() {
    with_job(&["--rate", "20"], |client, job| async move {
        let details = client
            .wait_until_all_tasks_running(&job, LIMIT)
            .await
            .unwrap();
        let checkpoint = client
            .wait_for_next_checkpoint(job.clone(), LIMIT)
            .await
            .unwrap();
        let taskmanager = first_taskmanager(&client).await;
        assert_lossless(&client, ListJobs).await;
        assert_lossless(&client, GetJobsOverview).await;
        assert_lossless(&client, GetJob { job: job.clone() }).await;
        assert_lossless(&client, GetJobStatus { job: job.clone() }).await;
        assert_lossless(&client, GetJobConfig { job: job.clone() }).await;
        assert_lossless(&client, GetJobPlan { job: job.clone() }).await;
        assert_lossless(&client, GetJobExceptions::new(job.clone())).await;
        assert_lossless(&client, GetJobExecutionResult { job: job.clone() }).await;
        assert_lossless(&client, GetJobJobManagerConfig { job: job.clone() }).await;
        assert_lossless(&client, GetJobJobManagerEnvironment { job: job.clone() }).await;
        assert_lossless(&client, GetJobJobManagerLogUrl { job: job.clone() }).await;
        assert_lossless(
            &client,
            GetJobTaskManagerLogUrl {
                job: job.clone(),
                taskmanager,
            },
        )
        .await;
        assert_lossless(
            &client,
            GetJobAccumulators {
                job: job.clone(),
                include_serialized_value: true,
            },
        )
        .await;
        assert_lossless(&client, GetCheckpointingStatistics { job: job.clone() }).await;
        assert_lossless(&client, GetCheckpointConfig { job: job.clone() }).await;
        assert_lossless(
            &client,
            GetCheckpointDetails {
                job: job.clone(),
                checkpoint: checkpoint.id,
            },
        )
        .await;
        let vertex: VertexId = details.vertices[0]
            .id
            .parse()
            .expect("Flink's vertex ids are valid");
        assert_lossless(
            &client,
            GetTaskCheckpointDetails {
                job: job.clone(),
                checkpoint: checkpoint.id,
                vertex,
            },
        )
        .await;
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn answers_about_a_failed_job_are_kept_whole() {
    let client = client();
    let job = crate::testjob::run_test_job(&client, &["--fail-after", "5"]).await;
    client
        .wait_for_job_state(&job, &[JobState::Failed], LIMIT)
        .await
        .unwrap();
    let exceptions = assert_lossless(&client, GetJobExceptions::new(job.clone())).await;
    assert!(
        exceptions["exceptionHistory"]["entries"].is_array(),
        "{exceptions}"
    );
    let result = assert_lossless(&client, GetJobExecutionResult { job: job.clone() }).await;
    assert!(
        !result["job-execution-result"]["failure-cause"].is_null(),
        "{result}"
    );
    assert_lossless(&client, GetJob { job }).await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn vertex_subtask_metric_and_application_answers_are_kept_whole() {
    with_job(&["--rate", "20"], |client, job| async move {
        let details = client
            .wait_until_all_tasks_running(&job, LIMIT)
            .await
            .unwrap();
        for listed in &details.vertices {
            let vertex: VertexId = listed.id.parse().expect("Flink's vertex ids are valid");
            assert_vertex_answers_lossless(&client, &job, &vertex).await;
        }
        assert_lossless(
            &client,
            GetAggregatedMetrics::names(AggregatedMetricScope::Jobs(Vec::new())),
        )
        .await;
        if crate::is_flink_2_3(&client).await {
            let application: ApplicationId = job.clone().into();
            assert_lossless(&client, ListApplications {}).await;
            assert_lossless(
                &client,
                GetApplication {
                    application: application.clone(),
                },
            )
            .await;
            assert_lossless(
                &client,
                GetApplicationExceptions {
                    application: application.clone(),
                },
            )
            .await;
            assert_lossless(&client, GetApplicationJobManagerConfig { application }).await;
        }
    })
    .await;
}

/// Every answer about one vertex of a running job: details, times, TaskManagers, accumulators,
/// backpressure, watermarks, flame graph; then its subtasks and metrics.
async fn assert_vertex_answers_lossless(client: &FlinkClient, job: &JobId, vertex: &VertexId) {
    let (j, v) = (job.clone(), vertex.clone());
    assert_lossless(
        client,
        GetJobVertex {
            job: j.clone(),
            vertex: v.clone(),
        },
    )
    .await;
    assert_lossless(
        client,
        GetSubtaskTimes {
            job: j.clone(),
            vertex: v.clone(),
        },
    )
    .await;
    assert_lossless(
        client,
        GetVertexTaskManagers {
            job: j.clone(),
            vertex: v.clone(),
        },
    )
    .await;
    assert_lossless(
        client,
        GetVertexAccumulators {
            job: j.clone(),
            vertex: v.clone(),
        },
    )
    .await;
    assert_lossless(
        client,
        GetVertexBackPressure {
            job: j.clone(),
            vertex: v.clone(),
        },
    )
    .await;
    assert_lossless(
        client,
        GetVertexWatermarks {
            job: j.clone(),
            vertex: v.clone(),
        },
    )
    .await;
    assert_lossless(client, GetVertexFlameGraph::new(j.clone(), v.clone())).await;
    assert_lossless(
        client,
        GetSubtasksAccumulators {
            job: j.clone(),
            vertex: v.clone(),
        },
    )
    .await;
    assert_subtask_and_metric_answers_lossless(client, job, vertex).await;
}

/// Every answer about the first subtask of a vertex, and the metrics of each scope below the job.
async fn assert_subtask_and_metric_answers_lossless(
    client: &FlinkClient,
    job: &JobId,
    vertex: &VertexId,
) {
    let (j, v) = (job.clone(), vertex.clone());
    let subtask = SubtaskIndex::FIRST;
    assert_lossless(
        client,
        GetSubtask {
            job: j.clone(),
            vertex: v.clone(),
            subtask,
        },
    )
    .await;
    let attempt = AttemptNumber::FIRST;
    assert_lossless(
        client,
        GetSubtaskAttempt {
            job: j.clone(),
            vertex: v.clone(),
            subtask,
            attempt,
        },
    )
    .await;
    assert_lossless(
        client,
        GetSubtaskAttemptAccumulators {
            job: j.clone(),
            vertex: v.clone(),
            subtask,
            attempt,
        },
    )
    .await;
    let mut scopes = vec![
        MetricScope::Job(j.clone()),
        MetricScope::Vertex {
            job: j.clone(),
            vertex: v.clone(),
        },
        MetricScope::Subtask {
            job: j.clone(),
            vertex: v.clone(),
            subtask,
        },
    ];
    // Operator-coordinator metrics came with 1.20.
    if crate::flink_at_least(client, 1, 20).await {
        scopes.push(MetricScope::JobManagerOperator {
            job: j.clone(),
            vertex: v.clone(),
        });
    }
    for scope in scopes {
        assert_lossless(client, GetMetrics::names(scope)).await;
    }
    assert_lossless(
        client,
        GetAggregatedMetrics::names(AggregatedMetricScope::Subtasks {
            job: j.clone(),
            vertex: v,
            subtasks: Vec::new(),
        }),
    )
    .await;
}
