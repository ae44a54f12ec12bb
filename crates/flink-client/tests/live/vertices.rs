//! Live tests: vertices.
//!
//! Details, subtask times, TaskManagers, accumulators and watermarks of a running job's
//! vertices; backpressure and flame graphs from their warm-up to their data; an unknown vertex.

use std::time::Duration;

use flink_client::models::jobs::state::ExecutionState;
use flink_client::models::jobs::vertices::{BackpressureStatus, FlameGraphState, FlameGraphType};
use flink_client::prelude::*;

use crate::testjob::with_running_job;
use crate::{eventually, first_taskmanager, is_flink_2};

/// How long backpressure and flame graphs may take to become ready on a busy machine.
const WARM_UP: Duration = Duration::from_secs(30);

/// The ids of a job's vertices, sources first.
async fn vertex_ids(client: &FlinkClient, job: &JobId) -> Vec<VertexId> {
    let details = client
        .job(job.clone())
        .await
        .unwrap_or_else(|error| panic!("GET /jobs/{job}: {error}"));
    details
        .vertices
        .iter()
        .map(|vertex| {
            vertex
                .id
                .parse()
                .unwrap_or_else(|error| panic!("vertex id {:?}: {error}", vertex.id))
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn details_times_taskmanagers_accumulators_and_watermarks_of_a_running_job() {
    with_running_job(&["--rate", "20"], |client, job| async move {
        let vertices = vertex_ids(&client, &job).await;
        assert!(vertices.len() >= 2, "{vertices:?}");
        let taskmanager = first_taskmanager(&client).await;
        let flink_2 = is_flink_2(&client).await;
        // Aggregated task statistics came with Flink 1.16.
        let aggregated = crate::flink_at_least(&client, 1, 16).await;

        for vertex in &vertices {
            let details = client
                .vertex_details(job.clone(), vertex.clone())
                .await
                .unwrap();
            assert_eq!(details.id, vertex.as_str());
            assert!(!details.name.is_empty());
            assert_eq!(details.parallelism, 1);
            assert_eq!(details.subtasks.len(), 1);
            let subtask = &details.subtasks[0];
            assert_eq!(subtask.subtask, 0);
            assert_eq!(subtask.status, ExecutionState::Running, "{subtask:?}");
            assert_eq!(subtask.taskmanager_id, taskmanager.as_str());
            // Flink 1.18 names only the host.
            let endpoint = subtask.endpoint.as_deref().map_or("localhost:0", |e| e);
            assert!(endpoint.contains(':'), "{subtask:?}");
            assert_eq!(subtask.host.is_some(), !flink_2, "host is 1.x only");
            assert!(subtask.start_time > 0);
            assert_eq!(details.aggregated.is_some(), aggregated, "{details:?}");

            let times = client
                .vertex_subtask_times(job.clone(), vertex.clone())
                .await
                .unwrap();
            assert_eq!(times.id, vertex.as_str());
            assert_eq!(times.name, details.name);
            let time = &times.subtasks[0];
            assert_eq!(time.endpoint, subtask.endpoint);
            assert!(time.timestamps[&ExecutionState::Running] > 0, "{time:?}");

            let taskmanagers = client
                .vertex_taskmanagers(job.clone(), vertex.clone())
                .await
                .unwrap();
            assert_eq!(taskmanagers.id, vertex.as_str());
            assert_eq!(taskmanagers.taskmanagers.len(), 1);
            let tm = &taskmanagers.taskmanagers[0];
            assert_eq!(tm.taskmanager_id, taskmanager.as_str());
            assert_eq!(tm.endpoint, subtask.endpoint);
            assert_eq!(tm.status_counts[&ExecutionState::Running], 1);

            let accumulators = client
                .vertex_accumulators(job.clone(), vertex.clone())
                .await
                .unwrap();
            assert_eq!(accumulators.id, vertex.as_str());
        }

        // The keyed vertex reads records, so its input watermark advances past the epoch.
        let keyed = vertices[1].clone();
        let watermarks = eventually("an input watermark", WARM_UP, || {
            let (client, job, keyed) = (client.clone(), job.clone(), keyed.clone());
            async move {
                let list = client.vertex_watermarks(job, keyed).await.unwrap();
                list.iter()
                    .any(|metric| metric.as_i64().is_some_and(|value| value > 0))
                    .then_some(list)
            }
        })
        .await;
        assert!(
            watermarks
                .iter()
                .all(|metric| metric.id.ends_with("currentInputWatermark")),
            "{watermarks:?}"
        );
        assert!(
            watermarks.iter().any(|metric| metric.id.starts_with("0.")),
            "{watermarks:?}"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn an_unknown_vertex_is_not_found() {
    with_running_job(&["--rate", "20"], |client, job| async move {
        let unknown = VertexId::generate();
        let error = client
            .vertex_details(job.clone(), unknown.clone())
            .await
            .unwrap_err();
        assert!(error.is_not_found(), "{error}");
        assert!(error.to_string().contains(unknown.as_str()), "{error}");
        let error = client
            .vertex_flame_graph(job.clone(), unknown.clone(), FlameGraphType::Full, None)
            .await
            .unwrap_err();
        assert!(error.is_not_found(), "{error}");
        let error = client
            .vertex_subtask_times(job.clone(), unknown.clone())
            .await
            .unwrap_err();
        assert!(error.is_not_found(), "{error}");
        // Flink looks backpressure up in its metric store without checking the vertex, so an
        // unknown vertex is never an error: it just never gets ready.
        let backpressure = client
            .vertex_backpressure(job.clone(), unknown.clone())
            .await
            .unwrap();
        assert!(!backpressure.is_ready(), "{backpressure:?}");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn backpressure_warms_up_then_reports_every_subtask() {
    with_running_job(&["--rate", "20"], |client, job| async move {
        let vertices = vertex_ids(&client, &job).await;
        let source = vertices[0].clone();
        let first = client
            .vertex_backpressure(job.clone(), source.clone())
            .await
            .unwrap();
        assert!(
            matches!(
                first.status,
                BackpressureStatus::Deprecated | BackpressureStatus::Ok
            ),
            "{first:?}"
        );
        let ready = eventually("backpressure data", WARM_UP, || {
            let (client, job, source) = (client.clone(), job.clone(), source.clone());
            async move {
                let info = client.vertex_backpressure(job, source).await.unwrap();
                info.is_ready().then_some(info)
            }
        })
        .await;
        assert!(ready.backpressure_level.is_some(), "{ready:?}");
        assert!(ready.end_timestamp.is_some_and(|t| t > 0), "{ready:?}");
        let subtasks = ready.subtasks();
        assert_eq!(subtasks.len(), 1, "{ready:?}");
        assert_eq!(subtasks[0].subtask, 0);
        for ratio in [
            subtasks[0].ratio,
            subtasks[0].idle_ratio,
            subtasks[0].busy_ratio,
        ] {
            assert!((0.0..=1.0).contains(&ratio), "{ready:?}");
        }
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn flame_graph_is_pending_then_ready() {
    with_running_job(&["--rate", "20"], |client, job| async move {
        let vertices = vertex_ids(&client, &job).await;
        let source = vertices[0].clone();
        let first = client
            .vertex_flame_graph(job.clone(), source.clone(), FlameGraphType::Full, None)
            .await
            .unwrap();
        assert!(
            matches!(
                first.state(),
                FlameGraphState::Pending | FlameGraphState::Ready { .. }
            ),
            "{first:?}"
        );

        let full = ready_flame_graph(&client, &job, &source, FlameGraphType::Full, None).await;
        let root = full.tree().expect("a ready graph has a tree");
        assert_eq!(root.name, "root");
        assert!(root.value > 0, "{root:?}");
        assert!(!root.children.is_empty(), "{root:?}");
        assert!(root.frame_count() > 2);

        if crate::flink_at_least(&client, 1, 17).await {
            let on_cpu =
                ready_flame_graph(&client, &job, &source, FlameGraphType::OnCpu, Some(0)).await;
            assert!(on_cpu.end_timestamp > 0, "{on_cpu:?}");
        } else {
            let one_subtask = client
                .vertex_flame_graph(job.clone(), source.clone(), FlameGraphType::OnCpu, Some(0))
                .await;
            assert!(
                crate::added_in(&client, (1, 17), one_subtask)
                    .await
                    .is_none()
            );
        }
    })
    .await;
}

/// Asks for a flame graph until it is no longer pending, and checks that it is ready.
async fn ready_flame_graph(
    client: &FlinkClient,
    job: &JobId,
    vertex: &VertexId,
    graph_type: FlameGraphType,
    subtask: Option<u32>,
) -> flink_client::models::jobs::vertices::VertexFlameGraph {
    let graph = eventually("a flame graph", WARM_UP, || {
        let (client, job, vertex, graph_type) = (
            client.clone(),
            job.clone(),
            vertex.clone(),
            graph_type.clone(),
        );
        async move {
            let graph = client
                .vertex_flame_graph(job.clone(), vertex.clone(), graph_type.clone(), subtask)
                .await
                .unwrap_or_else(|error| {
                    panic!("{graph_type} flame graph of vertex {vertex} of job {job}: {error}")
                });
            (graph.state() != FlameGraphState::Pending).then_some(graph)
        }
    })
    .await;
    assert!(
        matches!(graph.state(), FlameGraphState::Ready { .. }),
        "{graph_type} flame graph of vertex {vertex}: {graph:?}"
    );
    graph
}
