//! Quick start: connect to the cluster in `FLINK_REST_URL` and look around.
//!
//! Run it against a local cluster with `cargo xtask demo`, or against your own with
//! `FLINK_REST_URL=http://host:8081 cargo run -p flink-examples --example quickstart`.

// An example is a terminal program: printing is its job.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use flink_client::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = FlinkClient::from_env()?;

    let started = Instant::now();
    let overview = client.overview().await?;
    println!(
        "Flink {} ({}): {} TaskManager(s), {}/{} slots free, {} job(s) running  [{:?}]",
        overview.flink_version,
        overview.flink_commit,
        overview.taskmanagers,
        overview.slots_available,
        overview.slots_total,
        overview.jobs_running,
        started.elapsed()
    );

    for taskmanager in client.taskmanagers().await?.taskmanagers {
        println!(
            "TaskManager {}: {} of {} slots free, {} CPU cores",
            taskmanager.id,
            taskmanager.free_slots,
            taskmanager.slots_number,
            taskmanager.hardware.cpu_cores
        );
    }

    let logs = client.jobmanager_logs().await?;
    println!("JobManager log directory: {} file(s)", logs.logs.len());
    for log in &logs.logs {
        println!("  {:>10} bytes  {}", log.size, log.name);
    }

    // The log is streamed: only the first chunk is read here.
    let mut log = client.jobmanager_log_file(LogFile::Main).await?;
    if let Some(chunk) = log.next_chunk().await {
        let chunk = chunk?;
        let first_line = String::from_utf8_lossy(&chunk);
        println!(
            "first line of the JobManager log: {}",
            first_line.lines().next().unwrap_or_default()
        );
    }

    let threads = client.jobmanager_thread_dump().await?;
    println!("JobManager threads: {}", threads.thread_infos.len());

    let metrics = client
        .jobmanager_metrics(&["Status.JVM.Memory.Heap.Used", "numRegisteredTaskManagers"])
        .await?;
    if metrics.is_empty() {
        println!(
            "metrics: none collected yet (Flink's metric fetcher fills them a few seconds after start)"
        );
    }
    for metric in metrics {
        println!(
            "metric {} = {}",
            metric.id,
            metric.value.as_deref().unwrap_or("?")
        );
    }
    println!("done in {:?}", started.elapsed());
    Ok(())
}
