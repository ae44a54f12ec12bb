//! Live tests: `job_metrics` (metrics of jobs, vertices, subtasks and operator coordinators, and
//! aggregates across jobs and subtasks).

use std::collections::BTreeSet;
use std::future::Future;
use std::time::Duration;

use flink_client::api::jobs::subtasks::SubtaskIndex;
use flink_client::api::metrics::{SubtaskRange, names};
use flink_client::models::metrics::{AggregatedMetric, Metric};
use flink_client::prelude::*;

use crate::eventually;
use crate::testjob::{LIMIT, with_job};

/// How long metrics may take to show up: the fetcher runs every 2 s on our clusters, the first
/// checkpoint completes after about 2 s.
const METRICS_LIMIT: Duration = Duration::from_secs(45);

/// The source vertex (`Source: numbers`) and the vertex after it, once all tasks run.
pub(crate) async fn source_and_sink(client: &FlinkClient, job: &JobId) -> (VertexId, VertexId) {
    let details = client
        .wait_until_all_tasks_running(job, LIMIT)
        .await
        .unwrap_or_else(|error| panic!("job {job} did not start: {error}"));
    let id = |source: bool| -> VertexId {
        let vertex = details
            .vertices
            .iter()
            .find(|v| v.name.starts_with("Source:") == source)
            .unwrap_or_else(|| panic!("job {job} has no such vertex: {:?}", details.vertices));
        vertex
            .id
            .parse()
            .unwrap_or_else(|error| panic!("vertex id {}: {error}", vertex.id))
    };
    (id(true), id(false))
}

/// The metric named `name` in an answer.
fn find<'a>(metrics: &'a [Metric], name: &str) -> Option<&'a Metric> {
    metrics.iter().find(|metric| metric.id == name)
}

/// Polls a metric read until `accept` likes the metric named `name`; returns the whole answer.
async fn eventually_metric<F, Fut>(
    what: &str,
    name: &str,
    read: F,
    accept: fn(&Metric) -> bool,
) -> Vec<Metric>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Vec<Metric>, ApiError>>,
{
    eventually(what, METRICS_LIMIT, || {
        let answer = read();
        async move {
            let metrics = answer
                .await
                .unwrap_or_else(|error| panic!("{what}: {error}"));
            find(&metrics, name).is_some_and(accept).then_some(metrics)
        }
    })
    .await
}

/// Whether every aggregation of `metric` is a number.
/// Whether each aggregation asked for came back as a number.
fn aggregations_are_numbers(metric: &AggregatedMetric, asked: &[Aggregation]) -> bool {
    asked.iter().all(|aggregation| {
        let value = match aggregation {
            Aggregation::Min => metric.min,
            Aggregation::Max => metric.max,
            Aggregation::Sum => metric.sum,
            Aggregation::Avg => metric.avg,
            Aggregation::Skew => metric.skew,
        };
        value.is_some_and(|v| !v.is_nan())
    })
}

/// The job metric counting restarts: `numRestarts`, or on Flink 1.15 its older name
/// `fullRestarts` (1.15 registers only that one).
async fn restarts_metric(client: &FlinkClient) -> &'static str {
    if crate::flink_at_least(client, 1, 16).await {
        names::NUM_RESTARTS
    } else {
        "fullRestarts"
    }
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn job_metrics_are_listed_and_read_as_numbers() {
    with_job(&["--rate", "20"], |client, job| async move {
        source_and_sink(&client, &job).await;
        let listed = eventually_metric(
            "the job's metric names",
            names::NUMBER_OF_COMPLETED_CHECKPOINTS,
            || client.job_metric_names(job.clone()),
            |metric| metric.value.is_none(),
        )
        .await;
        let restarts = restarts_metric(&client).await;
        let mut expected = vec![
            restarts,
            names::UPTIME,
            names::DOWNTIME,
            names::NUMBER_OF_FAILED_CHECKPOINTS,
            names::NUMBER_OF_IN_PROGRESS_CHECKPOINTS,
            names::TOTAL_NUMBER_OF_CHECKPOINTS,
            names::LAST_CHECKPOINT_DURATION,
            names::LAST_CHECKPOINT_SIZE,
            names::LAST_CHECKPOINT_FULL_SIZE,
            names::LAST_CHECKPOINT_EXTERNAL_PATH,
            names::LAST_CHECKPOINT_RESTORE_TIMESTAMP,
        ];
        if crate::flink_at_least(&client, 1, 17).await {
            expected.push(names::LAST_COMPLETED_CHECKPOINT_ID);
        }
        for name in expected {
            assert!(find(&listed, name).is_some(), "{name} in {listed:?}");
        }

        let wanted = [
            names::NUMBER_OF_COMPLETED_CHECKPOINTS,
            restarts,
            names::UPTIME,
            names::NUMBER_OF_FAILED_CHECKPOINTS,
            names::LAST_CHECKPOINT_DURATION,
            names::LAST_CHECKPOINT_SIZE,
            names::LAST_CHECKPOINT_EXTERNAL_PATH,
            "noSuchJobMetric",
        ];
        let values = eventually_metric(
            "a completed checkpoint in the job's metrics",
            names::NUMBER_OF_COMPLETED_CHECKPOINTS,
            || client.job_metrics(job.clone(), &wanted),
            |metric| metric.as_i64().is_some_and(|n| n >= 1),
        )
        .await;
        assert_eq!(
            values.len(),
            wanted.len() - 1,
            "unknown names are left out: {values:?}"
        );
        let number = |name: &str| {
            find(&values, name)
                .and_then(Metric::as_i64)
                .unwrap_or_else(|| panic!("{name} is an integer: {values:?}"))
        };
        assert_eq!(number(restarts), 0);
        assert!(number(names::UPTIME) > 0);
        assert!(number(names::NUMBER_OF_FAILED_CHECKPOINTS) >= 0);
        assert!(number(names::LAST_CHECKPOINT_DURATION) >= 0);
        assert!(
            number(names::LAST_CHECKPOINT_SIZE) > 0,
            "the job has keyed state"
        );
        // A text value stays text.
        let path = find(&values, names::LAST_CHECKPOINT_EXTERNAL_PATH).expect("path is listed");
        assert!(path.as_f64().is_none(), "{path:?}");
        assert!(
            path.value.as_deref().is_some_and(|p| p.contains("chk-")),
            "{path:?}"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn vertex_and_subtask_metrics_of_a_running_job() {
    with_job(&["--rate", "20"], |client, job| async move {
        let (source, sink) = source_and_sink(&client, &job).await;
        let first = SubtaskIndex::FIRST;
        let source_out = names::of_operator("Source: numbers", names::NUM_RECORDS_OUT);

        // Vertex scope: every name carries the subtask index.
        let in_vertex = names::of_subtask(first, &source_out);
        let listed = eventually_metric(
            "the source vertex's metric names",
            &in_vertex,
            || client.vertex_metric_names(job.clone(), source.clone()),
            |metric| metric.value.is_none(),
        )
        .await;
        assert!(listed.iter().all(|m| m.id.starts_with("0.")), "{listed:?}");
        let busy = names::of_subtask(first, names::BUSY_TIME_MS_PER_SECOND);
        let watermark = names::of_subtask(
            first,
            &names::of_operator("Source: numbers", names::CURRENT_OUTPUT_WATERMARK),
        );
        let asked = [in_vertex.as_str(), busy.as_str(), watermark.as_str()];
        let values = eventually_metric(
            "records out of the source",
            &in_vertex,
            || client.vertex_metrics(job.clone(), source.clone(), &asked),
            |metric| metric.as_i64().is_some_and(|n| n > 0),
        )
        .await;
        assert!(
            find(&values, &busy).and_then(Metric::as_f64).is_some(),
            "{values:?}"
        );
        assert!(
            find(&values, &watermark).and_then(Metric::as_i64).is_some(),
            "{values:?}"
        );

        // Subtask scope: the same metrics without the index.
        let listed = client
            .subtask_metric_names(job.clone(), sink.clone(), first)
            .await
            .unwrap();
        let task_metrics = [
            names::BUSY_TIME_MS_PER_SECOND,
            names::IDLE_TIME_MS_PER_SECOND,
            names::BACK_PRESSURED_TIME_MS_PER_SECOND,
            names::IS_BACK_PRESSURED,
            names::NUM_RECORDS_IN,
            names::NUM_RECORDS_OUT,
            names::NUM_RECORDS_IN_PER_SECOND,
            names::NUM_RECORDS_OUT_PER_SECOND,
            names::NUM_BYTES_IN,
            names::NUM_BYTES_OUT,
            names::CURRENT_INPUT_WATERMARK,
        ];
        for name in task_metrics {
            assert!(find(&listed, name).is_some(), "{name} in {listed:?}");
        }
        let counter_in = names::of_operator("count-per-key", names::NUM_RECORDS_IN);
        assert!(
            find(&listed, &counter_in).is_some(),
            "{counter_in} in {listed:?}"
        );

        let values = eventually_metric(
            "records into the counter",
            names::NUM_RECORDS_IN,
            || client.subtask_metrics(job.clone(), sink.clone(), first, &task_metrics),
            |metric| metric.as_i64().is_some_and(|n| n > 0),
        )
        .await;
        assert_eq!(values.len(), task_metrics.len(), "{values:?}");
        for name in task_metrics {
            let metric = find(&values, name).expect("every name asked for is answered");
            if name == names::IS_BACK_PRESSURED {
                assert!(metric.as_f64().is_none(), "{metric:?}");
                assert!(
                    matches!(metric.value.as_deref(), Some("true" | "false")),
                    "{metric:?}"
                );
            } else {
                assert!(metric.as_f64().is_some(), "{metric:?}");
            }
        }
        // A watermark is a millisecond timestamp, or Long.MIN_VALUE before the first one.
        let watermark = find(&values, names::CURRENT_INPUT_WATERMARK).and_then(Metric::as_i64);
        assert!(watermark.is_some(), "{values:?}");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn a_long_get_list_is_split_and_keeps_every_known_metric() {
    with_job(&["--rate", "20"], |client, job| async move {
        let (source, _) = source_and_sink(&client, &job).await;
        let listed = eventually("the source vertex's metric names", METRICS_LIMIT, || {
            let client = client.clone();
            let (job, source) = (job.clone(), source.clone());
            async move {
                let names = client.vertex_metric_names(job, source).await.unwrap();
                (names.len() >= 40).then_some(names)
            }
        })
        .await;
        let known: BTreeSet<String> = listed.into_iter().map(|m| m.id).collect();
        let mut asked: Vec<String> = known.iter().cloned().collect();
        for i in 0.. {
            if asked.len() >= 200 {
                break;
            }
            asked.push(format!("0.Source__numbers.noSuchMetricOfThisLength{i}"));
        }
        let total: usize = asked.iter().map(|name| name.len() + 1).sum();
        assert!(total > 3000, "{total} bytes of names need several requests");

        let refs: Vec<&str> = asked.iter().map(String::as_str).collect();
        let values = client
            .vertex_metrics(job.clone(), source.clone(), &refs)
            .await
            .unwrap();
        let answered: BTreeSet<String> = values.iter().map(|m| m.id.clone()).collect();
        assert!(
            answered.iter().all(|name| known.contains(name)),
            "only known names are answered: {answered:?}"
        );
        // Metrics may come and go between the two calls (per-split watermarks), but nearly all
        // of the listed ones are answered, from every part of the split list.
        assert!(
            answered.len() * 10 >= known.len() * 9,
            "{} of {}",
            answered.len(),
            known.len()
        );
        assert!(values.iter().all(|m| m.value.is_some()), "{values:?}");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn aggregates_over_jobs_with_every_aggregation() {
    with_job(&["--rate", "20"], |client, job| async move {
        source_and_sink(&client, &job).await;
        let restarts_name = restarts_metric(&client).await;
        let aggregations = every_aggregation(&client).await;
        let names_across_jobs =
            eventually("metrics to aggregate across jobs", METRICS_LIMIT, || {
                let client = client.clone();
                async move {
                    let listed = client.jobs_metric_names().await.unwrap();
                    listed
                        .iter()
                        .any(|m| m.id == names::UPTIME)
                        .then_some(listed)
                }
            })
            .await;
        assert!(names_across_jobs.iter().any(|m| m.id == restarts_name));
        // The job's own metrics may be fetched after other jobs' were.
        let across_jobs = eventually("the job's metrics, aggregated", METRICS_LIMIT, || {
            let client = client.clone();
            let job = job.clone();
            let aggregations = aggregations.clone();
            async move {
                let answer = client
                    .jobs_metrics(&[names::UPTIME, restarts_name], &aggregations, vec![job])
                    .await
                    .unwrap();
                (answer.len() == 2).then_some(answer)
            }
        })
        .await;
        assert_eq!(across_jobs.len(), 2, "{across_jobs:?}");
        for metric in &across_jobs {
            assert!(
                aggregations_are_numbers(metric, &aggregations),
                "{metric:?}"
            );
        }
        let restarts = across_jobs
            .iter()
            .find(|m| m.id == restarts_name)
            .expect("asked for");
        assert_eq!(
            (restarts.max, restarts.sum),
            (Some(0.0), Some(0.0)),
            "{restarts:?}"
        );
        // Across all jobs the cluster knows (other tests' jobs among them).
        let uptime = eventually("uptime across all jobs", METRICS_LIMIT, || {
            let client = client.clone();
            async move {
                let answer = client
                    .jobs_metrics(&[names::UPTIME], &[Aggregation::Max], Vec::new())
                    .await
                    .unwrap();
                (!answer.is_empty()).then_some(answer)
            }
        })
        .await;
        assert!(uptime[0].max.is_some_and(|ms| ms > 0.0), "{uptime:?}");
        assert_eq!(
            (uptime[0].min, uptime[0].skew),
            (None, None),
            "only max was asked for"
        );
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn aggregates_over_subtasks_with_every_aggregation_and_ranges() {
    with_job(&["--rate", "20"], |client, job| async move {
        let (_, sink) = source_and_sink(&client, &job).await;
        let aggregations = every_aggregation(&client).await;
        let names_across_subtasks = eventually(
            "metrics to aggregate across subtasks",
            METRICS_LIMIT,
            || {
                let client = client.clone();
                let (job, sink) = (job.clone(), sink.clone());
                async move {
                    let listed = client.subtasks_metric_names(job, sink).await.unwrap();
                    listed
                        .iter()
                        .any(|m| m.id == names::NUM_RECORDS_IN)
                        .then_some(listed)
                }
            },
        )
        .await;
        assert!(
            names_across_subtasks
                .iter()
                .any(|m| m.id == names::BUSY_TIME_MS_PER_SECOND)
        );
        let wanted = [names::NUM_RECORDS_IN, names::IDLE_TIME_MS_PER_SECOND];
        let all = eventually(
            "records into the counter, aggregated",
            METRICS_LIMIT,
            || {
                let client = client.clone();
                let (job, sink) = (job.clone(), sink.clone());
                let aggregations = aggregations.clone();
                async move {
                    let all = client
                        .subtasks_metrics(job, sink, &wanted, &aggregations, Vec::new())
                        .await
                        .unwrap();
                    all.iter()
                        .any(|m| m.id == names::NUM_RECORDS_IN && m.sum.is_some_and(|n| n > 0.0))
                        .then_some(all)
                }
            },
        )
        .await;
        assert_eq!(all.len(), wanted.len(), "{all:?}");
        for metric in &all {
            assert!(
                aggregations_are_numbers(metric, &aggregations),
                "{metric:?}"
            );
            assert!(metric.min <= metric.max, "{metric:?}");
        }

        // Subtask filters: one index, and a range that reaches past the parallelism.
        let first = SubtaskIndex::FIRST;
        for subtasks in [
            vec![SubtaskRange::single(first)],
            vec![SubtaskRange::new(first, SubtaskIndex::from(3)).unwrap()],
        ] {
            let filtered = client
                .subtasks_metrics(
                    job.clone(),
                    sink.clone(),
                    &[names::NUM_RECORDS_IN],
                    &[Aggregation::Sum, Aggregation::Min],
                    subtasks.clone(),
                )
                .await
                .unwrap();
            assert_eq!(filtered.len(), 1, "{subtasks:?}: {filtered:?}");
            assert!(filtered[0].sum.is_some_and(|n| n > 0.0), "{filtered:?}");
            assert!(
                filtered[0].min.is_some() && filtered[0].max.is_none(),
                "{filtered:?}"
            );
        }

        // Flink answers nothing at all for an aggregate that names an unknown metric.
        let with_unknown = client
            .subtasks_metrics(
                job.clone(),
                sink.clone(),
                &[names::NUM_RECORDS_IN, "noSuchMetric"],
                &[],
                Vec::new(),
            )
            .await
            .unwrap();
        assert!(with_unknown.is_empty(), "{with_unknown:?}");
    })
    .await;
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn operator_coordinator_metrics_of_the_source() {
    with_job(&["--rate", "20"], |client, job| async move {
        let (source, sink) = source_and_sink(&client, &job).await;
        if !crate::flink_at_least(&client, 1, 20).await {
            let error = client
                .jm_operator_metric_names(job.clone(), source)
                .await
                .unwrap_err();
            assert!(error.is_unsupported(), "they came with 1.20: {error:?}");
            return;
        }
        let unassigned =
            names::of_operator("Source: numbers", "coordinator.enumerator.unassignedSplits");
        let listed = eventually_metric(
            "the source's coordinator metrics",
            &unassigned,
            || client.jm_operator_metric_names(job.clone(), source.clone()),
            |metric| metric.value.is_none(),
        )
        .await;
        assert!(!listed.is_empty());
        let asked = [unassigned.as_str()];
        let values = eventually_metric(
            "the source's unassigned splits",
            &unassigned,
            || client.jm_operator_metrics(job.clone(), source.clone(), &asked),
            |metric| metric.as_i64().is_some(),
        )
        .await;
        assert!(values[0].as_i64().is_some_and(|n| n >= 0), "{values:?}");

        // A vertex without coordinators has none.
        let none = client
            .jm_operator_metric_names(job.clone(), sink)
            .await
            .unwrap();
        assert!(none.is_empty(), "{none:?}");
    })
    .await;
}

/// Every aggregation the cluster knows: all five from Flink 1.20 on, no skew before.
async fn every_aggregation(client: &FlinkClient) -> Vec<Aggregation> {
    if crate::flink_at_least(client, 1, 20).await {
        Aggregation::ALL.to_vec()
    } else {
        Aggregation::ALL
            .into_iter()
            .filter(|aggregation| *aggregation != Aggregation::Skew)
            .collect()
    }
}
