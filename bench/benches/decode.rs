//! Decoding Flink's answers into the typed models, as every call does: recorded answers, and
//! ones grown to the sizes of big clusters.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flink_bench::fixtures;
use flink_client::api::ClusterProcess;
use flink_client::api::cluster::GetOverview;
use flink_client::api::jobs::checkpoints::GetCheckpointingStatistics;
use flink_client::api::jobs::{GetJob, GetJobsOverview};
use flink_client::api::thread_dump::GetThreadDump;
use flink_client::api::{JobId, JsonEndpoint, TaskManagerId, decode_response};
use http::StatusCode;

/// Benchmarks decoding `body` as the answer of `endpoint`, in bytes per second.
fn decode<E: JsonEndpoint>(criterion: &mut Criterion, name: &str, endpoint: &E, body: &[u8]) {
    let mut group = criterion.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function(name, |bencher| {
        bencher.iter(|| {
            decode_response(endpoint, StatusCode::OK, Some("application/json"), body)
                .expect("the answer decodes")
        });
    });
    group.finish();
}

fn answers(criterion: &mut Criterion) {
    let job: JobId = "3bb886cbc7266384bbc0a5ba66ada825"
        .parse()
        .expect("a job id");
    let taskmanager: TaskManagerId = "127.0.0.1:34567-6f6b5c".parse().expect("a TaskManager id");
    decode(criterion, "overview", &GetOverview, fixtures::OVERVIEW);
    decode(
        criterion,
        "jobs_overview_1000_jobs",
        &GetJobsOverview,
        &fixtures::jobs_overview(1000),
    );
    decode(
        criterion,
        "job_details_100_vertices",
        &GetJob { job: job.clone() },
        &fixtures::job_details(100),
    );
    decode(
        criterion,
        "checkpoints",
        &GetCheckpointingStatistics { job },
        fixtures::CHECKPOINTS,
    );
    decode(
        criterion,
        "taskmanager_thread_dump",
        &GetThreadDump {
            process: ClusterProcess::TaskManager(taskmanager),
        },
        fixtures::THREAD_DUMP,
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(3));
    targets = answers
}
criterion_main!(benches);
