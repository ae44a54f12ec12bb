//! flink-api over ureq, a blocking HTTP client, instead of flink-client: the server's version,
//! the cluster's overview, a call that only some versions have, and the JobManager's log,
//! streamed.
//!
//! Run it against a cluster with
//! `FLINK_REST_URL=http://127.0.0.1:8081 cargo run -p flink-api --example ureq` (add
//! `FLINK_TLS_CA`, `FLINK_TLS_CLIENT_CERT` and `FLINK_TLS_CLIENT_KEY` for mutual TLS). The
//! live test `ureq_executor` runs the same executor in `cargo xtask test`.

// An example is a terminal program: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod executor;

use flink_api::logs::LogFile;
use flink_api::{ApplicationsApi, BoxError, ClusterApi, JobManagerApi};

use executor::{UreqFlink, block_on};

fn main() -> Result<(), BoxError> {
    let Some(flink) = UreqFlink::from_env()? else {
        eprintln!(
            "Set FLINK_REST_URL (and FLINK_TLS_CA, FLINK_TLS_CLIENT_CERT, FLINK_TLS_CLIENT_KEY for mutual TLS) to run this example against a Flink cluster."
        );
        return Ok(());
    };
    let version = flink.server_version()?;
    let overview = block_on(flink.overview())?;
    println!(
        "Flink {version}: {} TaskManager(s), {} of {} slots free, {} job(s) running",
        overview.taskmanagers,
        overview.slots_available,
        overview.slots_total,
        overview.jobs_running
    );

    // Applications exist from Flink 2.3 on; older servers are refused before anything is sent.
    match block_on(flink.applications()) {
        Ok(applications) => println!("{} application(s)", applications.applications.len()),
        Err(error) if error.is_unsupported() => println!("{error}"),
        Err(error) => return Err(error.into()),
    }

    let mut log = block_on(flink.jobmanager_log_file(LogFile::Main))?;
    if let Some(chunk) = block_on(log.next_chunk()) {
        let chunk = chunk?;
        let first = String::from_utf8_lossy(&chunk);
        println!(
            "The JobManager's log begins: {}",
            first.lines().next().unwrap_or_default()
        );
    }
    Ok(())
}
