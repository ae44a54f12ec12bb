//! Answers recorded from a Flink 2.3.0 cluster running the test job (`bench/fixtures/`), and
//! larger ones made from them.

use serde_json::Value;

/// `GET /overview`.
pub const OVERVIEW: &[u8] = include_bytes!("../fixtures/overview.json");
/// `GET /jobs/:jobid/checkpoints` of a job with a full checkpoint history.
pub const CHECKPOINTS: &[u8] = include_bytes!("../fixtures/checkpoints.json");
/// `GET /taskmanagers/:id/thread-dump` of a TaskManager running one job (55 KB).
pub const THREAD_DUMP: &[u8] = include_bytes!("../fixtures/taskmanager_thread_dump.json");
const JOBS_OVERVIEW: &[u8] = include_bytes!("../fixtures/jobs_overview.json");
const JOB_DETAILS: &[u8] = include_bytes!("../fixtures/job_details.json");

/// `GET /jobs/overview` of a session cluster that has seen `jobs` jobs (the recorded job,
/// repeated with distinct ids).
pub fn jobs_overview(jobs: usize) -> Vec<u8> {
    grown(JOBS_OVERVIEW, "jobs", "jid", jobs)
}

/// `GET /jobs/:jobid` of a job with `vertices` vertices (the recorded ones, repeated with
/// distinct ids).
pub fn job_details(vertices: usize) -> Vec<u8> {
    grown(JOB_DETAILS, "vertices", "id", vertices)
}

/// `json` with its array `list` grown to `count` copies of its first entry, each with a
/// distinct 32-hex `id_field`.
fn grown(json: &[u8], list: &str, id_field: &str, count: usize) -> Vec<u8> {
    let mut document: Value = serde_json::from_slice(json).unwrap_or_default();
    let first = document[list][0].clone();
    let entries = (0..count)
        .map(|index| {
            let mut entry = first.clone();
            entry[id_field] = Value::String(format!("{index:032x}"));
            entry
        })
        .collect();
    document[list] = Value::Array(entries);
    serde_json::to_vec(&document).unwrap_or_default()
}
