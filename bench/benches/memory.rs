//! Memory of streamed transfers: uploading a big jar and reading a big log must not hold
//! them in memory. Prints one JSON object per scenario (peak growth of resident memory, rate),
//! and writes them to the file `FLINK_BENCH_OUT` names, for `cargo xtask bench`.

// A benchmark's report is its output.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use flink_bench::memory::{reset_peak, resident_and_peak_kib};
use flink_bench::server::{self, Answers};
use flink_client::api::logs::LogFile;
use flink_client::prelude::*;
use serde_json::{Value, json};

/// How big the jar and the log are.
const SIZE: u64 = 256 * 1024 * 1024;

/// How often each transfer runs: the machine's noise is large, so the report takes the
/// median rate and the highest memory growth of these runs.
const RUNS: usize = 3;

/// Runs `work` (which moves `bytes`) [`RUNS`] times, measuring how far resident memory rose
/// above what it was before each run, and how fast it went.
async fn measure<F, Fut>(name: &str, bytes: u64, work: F) -> Value
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut rates = Vec::with_capacity(RUNS);
    let mut peak_growth_kib = 0;
    for _ in 0..RUNS {
        reset_peak().expect("resetting the peak of resident memory (Linux /proc/self/clear_refs)");
        let (before, _) = resident_and_peak_kib().expect("VmRSS and VmHWM in /proc/self/status");
        let started = Instant::now();
        work().await;
        let seconds = started.elapsed().as_secs_f64();
        let (_, peak) = resident_and_peak_kib().expect("VmRSS and VmHWM in /proc/self/status");
        peak_growth_kib = peak_growth_kib.max(peak.saturating_sub(before));
        #[allow(clippy::cast_precision_loss)] // a report
        rates.push(bytes as f64 / (1024.0 * 1024.0) / seconds);
    }
    rates.sort_by(f64::total_cmp);
    #[allow(clippy::cast_precision_loss)] // a report
    let growth_in_mib = peak_growth_kib as f64 / 1024.0;
    json!({
        "name": name,
        "bytes": bytes,
        "runs": RUNS,
        "peak_growth_mib": (growth_in_mib * 10.0).round() / 10.0,
        "mib_per_second": rates[RUNS / 2].round(),
        "mib_per_second_range": [rates[0].round(), rates[RUNS - 1].round()],
    })
}

#[tokio::main]
async fn main() {
    let url = server::spawn(Answers { log_bytes: SIZE })
        .await
        .expect("the loopback server starts");
    let client = FlinkClient::new(&url).expect("a client");
    let dir = std::env::temp_dir().join(format!("flink-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let jar = dir.join("big-job.jar");
    // Sparse: the disk holds nothing, reading it gives zeros at memory speed.
    std::fs::File::create(&jar)
        .and_then(|file| file.set_len(SIZE))
        .expect("a 256 MiB jar");

    let mut results = Vec::new();
    results.push(
        measure("upload_jar_256_mib", SIZE, || async {
            client.upload_jar(&jar).await.expect("the upload");
        })
        .await,
    );
    results.push(
        measure("stream_log_256_mib", SIZE, || async {
            let mut log = client
                .jobmanager_log_file(LogFile::Main)
                .await
                .expect("GET /jobmanager/log");
            let mut read = 0_u64;
            while let Some(chunk) = log.next_chunk().await {
                read += chunk.expect("a chunk").len() as u64;
            }
            assert_eq!(read, SIZE, "the whole log arrived");
        })
        .await,
    );
    let _ = std::fs::remove_dir_all(&dir);

    let lines: Vec<String> = results.iter().map(Value::to_string).collect();
    for line in &lines {
        println!("{line}");
    }
    if let Some(path) = std::env::var_os("FLINK_BENCH_OUT") {
        std::fs::write(&path, lines.join("\n") + "\n").expect("writing FLINK_BENCH_OUT");
    }
}
