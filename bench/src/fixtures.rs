//! Answers recorded from a Flink 2.3.0 cluster running the test job (`bench/fixtures/`), and
//! larger ones made from them.

use serde_json::{Value, json};

/// `GET /config` of the recorded cluster.
pub const CONFIG: &[u8] = br#"{"refresh-interval":3000,"timezone-name":"Coordinated Universal Time","timezone-offset":0,"flink-version":"2.3.0","flink-revision":"c0f8d1a @ 2026-06-14T16:29:03+02:00","features":{"web-submit":true,"web-cancel":true,"web-rescale":false,"web-history":false}}"#;
/// `GET /overview`.
pub const OVERVIEW: &[u8] = include_bytes!("../fixtures/overview.json");
const CHECKPOINTS: &[u8] = include_bytes!("../fixtures/checkpoints.json");
const JOB_DETAILS: &[u8] = include_bytes!("../fixtures/job_details.json");

/// The metrics a TaskManager dashboard polls, as `GET /taskmanagers/metrics?get=` names them.
pub const TASKMANAGER_METRICS: [&str; 10] = [
    "Status.JVM.CPU.Load",
    "Status.JVM.Memory.Heap.Used",
    "Status.JVM.Memory.Heap.Max",
    "Status.JVM.Memory.NonHeap.Used",
    "Status.JVM.Threads.Count",
    "Status.JVM.GarbageCollector.G1_Young_Generation.Count",
    "Status.JVM.GarbageCollector.G1_Young_Generation.Time",
    "Status.Network.AvailableMemorySegments",
    "Status.Network.TotalMemorySegments",
    "Status.Shuffle.Netty.UsedMemory",
];

/// `GET /taskmanagers/metrics?get=…` for [`TASKMANAGER_METRICS`] with every aggregation, as a
/// cluster of 8 TaskManagers answers (the skew of a metric no TaskManager has yet is `"NaN"`).
pub fn taskmanager_metrics() -> Vec<u8> {
    let metrics: Vec<Value> = TASKMANAGER_METRICS
        .iter()
        .zip(1_u32..)
        .map(|(name, seed)| {
            let value = f64::from(seed) * 1_048_576.25;
            let skew = if seed == 10 {
                json!("NaN")
            } else {
                json!(f64::from(seed) * 1.5)
            };
            json!({
                "id": name,
                "min": value,
                "max": value * 1.75,
                "avg": value * 1.25,
                "sum": value * 10.0,
                "skew": skew,
            })
        })
        .collect();
    serde_json::to_vec(&metrics).unwrap_or_default()
}

/// `GET /jobs/:jobid` of a job with `vertices` vertices, and as many nodes in its plan (the
/// recorded ones, repeated with distinct ids).
pub fn job_details(vertices: usize) -> Vec<u8> {
    let mut document = parse(JOB_DETAILS);
    grow(&mut document["vertices"], vertices, |entry, index| {
        entry["id"] = Value::String(format!("{index:032x}"));
    });
    grow(&mut document["plan"]["nodes"], vertices, |node, index| {
        node["id"] = Value::String(format!("{index:032x}"));
    });
    serde_json::to_vec(&document).unwrap_or_default()
}

/// `GET /jobs/:jobid/checkpoints` of a job whose history holds `entries` checkpoints (Flink
/// keeps 10 by default; `web.checkpoints.history` raises it).
pub fn checkpoints(entries: usize) -> Vec<u8> {
    let mut document = parse(CHECKPOINTS);
    grow(&mut document["history"], entries, |entry, index| {
        entry["id"] = Value::from(index);
    });
    serde_json::to_vec(&document).unwrap_or_default()
}

fn parse(json: &[u8]) -> Value {
    serde_json::from_slice(json).unwrap_or_default()
}

/// `list` grown (or cut) to `count` copies of its first entry, each renamed by `rename`.
fn grow(list: &mut Value, count: usize, rename: impl Fn(&mut Value, usize)) {
    let first = list[0].clone();
    *list = Value::Array(
        (0..count)
            .map(|index| {
                let mut entry = first.clone();
                rename(&mut entry, index);
                entry
            })
            .collect(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grown_answers_have_the_sizes_asked_for() {
        let details = parse(&job_details(200));
        assert_eq!(details["vertices"].as_array().map(Vec::len), Some(200));
        assert_eq!(details["plan"]["nodes"].as_array().map(Vec::len), Some(200));
        assert_eq!(details["vertices"][199]["id"], format!("{:032x}", 199));
        let history = parse(&checkpoints(100));
        assert_eq!(history["history"].as_array().map(Vec::len), Some(100));
        assert_eq!(history["history"][99]["id"], 99);
        let metrics = parse(&taskmanager_metrics());
        assert_eq!(metrics.as_array().map(Vec::len), Some(10));
        assert_eq!(metrics[9]["skew"], "NaN");
    }
}
