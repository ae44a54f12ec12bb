//! The streamed transfers, each run in a fresh process of its own so that its peak resident
//! memory is its own: a 1 GiB log read and a 256 MiB jar upload.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use flink_client::api::logs::LogFile;
use flink_client::prelude::*;
use serde::{Deserialize, Serialize};

use super::calls::Side;
use super::measure::{Sample, cpu_time, peak_resident_kib, resident_kib};
use crate::floor::Floor;
use crate::server::LOG_BYTES;

/// How big the uploaded jar is.
pub const JAR_BYTES: u64 = 256 * 1024 * 1024;

/// A streamed transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Transfer {
    /// `GET /jobmanager/log` of 1 GiB, read chunk by chunk and dropped.
    Log,
    /// `POST /jars/upload` of a 256 MiB jar, streamed from disk.
    Upload,
}

impl Transfer {
    /// The name results carry.
    pub fn name(self) -> &'static str {
        match self {
            Self::Log => "log_1_gib",
            Self::Upload => "upload_256_mib",
        }
    }
}

/// What one transfer cost its process.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct TransferCost {
    /// Wall-clock and CPU time of the transfer.
    pub time: Sample,
    /// The highest resident memory of the whole process, in KiB.
    pub peak_kib: u64,
    /// Resident memory just before the transfer, in KiB.
    pub before_kib: u64,
}

/// The environment variable that makes the benchmark binary a transfer process; its value is
/// the JSON of a [`TransferOrder`].
pub const TRANSFER_ROLE: &str = "FLINK_BENCH_TRANSFER";

/// What a transfer process does.
#[derive(Debug, Serialize, Deserialize)]
pub struct TransferOrder {
    /// Which transfer.
    pub transfer: Transfer,
    /// Who makes it.
    pub side: Side,
    /// The server.
    pub url: String,
    /// The jar to upload.
    pub jar: std::path::PathBuf,
}

/// Runs `order` in a fresh process (this binary again) and reads its cost.
pub fn in_child_process(order: &TransferOrder) -> TransferCost {
    let exe = std::env::current_exe().expect("the benchmark binary's path");
    let output = Command::new(exe)
        .env(TRANSFER_ROLE, serde_json::to_string(order).expect("JSON"))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .expect("the transfer process starts");
    assert!(output.status.success(), "the transfer {order:?} failed");
    serde_json::from_slice(&output.stdout).expect("the transfer process reports its cost")
}

/// The transfer process: makes the transfer `order_json` asks for and prints its cost as JSON.
pub fn run_order(order_json: &str) -> String {
    let order: TransferOrder = serde_json::from_str(order_json).expect("a transfer order");
    // One thread, as flinkctl streams a log or uploads a jar (the blocking pool reads files).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    // Only the side's own client exists in its process, so that the peak is its own.
    let cost = runtime.block_on(async {
        match (order.transfer, order.side) {
            (Transfer::Log, Side::Floor) => {
                let floor = Floor::new(&order.url);
                measured(async {
                    let read = floor.get_streamed("/jobmanager/log").await;
                    assert_eq!(read.expect("the log"), LOG_BYTES, "the whole log arrived");
                })
                .await
            }
            (Transfer::Log, Side::FlinkRs) => {
                let client = FlinkClient::new(&order.url).expect("a client");
                measured(read_log(&client)).await
            }
            (Transfer::Upload, Side::Floor) => {
                let floor = Floor::new(&order.url);
                measured(async {
                    floor.upload_jar(&order.jar).await.expect("the upload");
                })
                .await
            }
            (Transfer::Upload, Side::FlinkRs) => {
                let client = FlinkClient::new(&order.url).expect("a client");
                measured(async {
                    client.upload_jar(&order.jar).await.expect("the upload");
                })
                .await
            }
        }
    });
    serde_json::to_string(&cost).expect("JSON")
}

/// What `transfer` costs this process, from the resident memory it starts at.
async fn measured(transfer: impl Future<Output = ()>) -> TransferCost {
    let before_kib = resident_kib();
    let (started, cpu) = (Instant::now(), cpu_time());
    transfer.await;
    TransferCost {
        time: Sample {
            wall: started.elapsed(),
            cpu: cpu_time().saturating_sub(cpu),
        },
        peak_kib: peak_resident_kib(),
        before_kib,
    }
}

async fn read_log(client: &FlinkClient) {
    let mut log = client
        .jobmanager_log_file(LogFile::Main)
        .await
        .expect("GET /jobmanager/log");
    let mut read = 0_u64;
    while let Some(chunk) = log.next_chunk().await {
        read += chunk.expect("a chunk").len() as u64;
    }
    assert_eq!(read, LOG_BYTES, "the whole log arrived");
}

/// A sparse jar of [`JAR_BYTES`] in `dir`: the disk holds nothing, reading it gives zeros at
/// memory speed.
pub fn sparse_jar(dir: &Path) -> std::path::PathBuf {
    let jar = dir.join("big-job.jar");
    std::fs::File::create(&jar)
        .and_then(|file| file.set_len(JAR_BYTES))
        .expect("a sparse jar");
    jar
}
