//! A whole call over loopback HTTP: request building, the transport stack (timeouts, retry
//! policy, pooled keep-alive connections), the server's answer and decoding.

use criterion::{Criterion, criterion_group, criterion_main};
use flink_bench::server::{self, Answers};
use flink_client::prelude::*;

fn calls(criterion: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let client = runtime.block_on(async {
        let url = server::spawn(Answers { log_bytes: 0 })
            .await
            .expect("the loopback server starts");
        FlinkClient::new(&url).expect("a client")
    });
    let mut group = criterion.benchmark_group("round_trip");
    group.bench_function("overview", |bencher| {
        bencher
            .to_async(&runtime)
            .iter(|| async { client.overview().await.expect("GET /overview") });
    });
    group.bench_function("overview_64_concurrent", |bencher| {
        bencher.to_async(&runtime).iter(|| async {
            let calls: Vec<_> = (0..64)
                .map(|_| {
                    let client = client.clone();
                    tokio::spawn(async move { client.overview().await })
                })
                .collect();
            for call in calls {
                call.await.expect("the call ran").expect("GET /overview");
            }
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(3));
    targets = calls
}
criterion_main!(benches);
