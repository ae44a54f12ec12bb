//! `flinkctl jobs …` and `flinkctl top` as processes against a real Flink cluster running the
//! test job.
//!
//! Ignored by a plain `cargo test`; `cargo xtask test` runs them with `FLINK_REST_URL`, the TLS
//! variables and `FLINK_TEST_JAR` set.

use flink_client::api::jobs::GetJob;
use flink_client::prelude::*;
use serde_json::Value;

mod common;
use common::test_job::TestJob;
use common::{UNSUPPORTED, fails, flink_at_least, json, ok, ok_since};

const SOURCE: &str = "Source: numbers";
const COUNT: &str = "count-per-key";

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn jobs_get_json_is_the_servers_json_and_tables_name_the_job() {
    let job = TestJob::start();
    let id = job.id();
    // The answer changes while the job runs (`now`, durations, counts): compare the stable
    // part, and the whole document's keys.
    let printed = json(&ok(&["jobs", "get", &id, "-o", "json"]));
    let server = job
        .runtime
        .block_on(job.client.execute(Raw(GetJob {
            job: job.id.clone(),
        })))
        .expect("GET /jobs/ID");
    // In the server's order.
    let keys = |value: &Value| -> Vec<String> {
        value
            .as_object()
            .map(|object| object.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(keys(&printed), keys(&server));
    for field in [
        "jid",
        "name",
        "state",
        "start-time",
        "plan",
        "maxParallelism",
    ] {
        assert_eq!(printed[field], server[field], "{field}");
    }
    let yaml: Value =
        serde_norway::from_str(&ok(&["jobs", "get", &id, "-o", "yaml"])).expect("YAML");
    assert_eq!(yaml["jid"], server["jid"]);

    let table = ok(&["jobs", "get", &id]);
    assert!(table.starts_with("ID"), "{table}");
    assert!(table.contains(&id) && table.contains("RUNNING"), "{table}");
    if let Some(status) = ok_since(1, 16, &["jobs", "status", &id]) {
        assert_eq!(status, "STATE\nRUNNING\n");
        assert_eq!(
            json(&ok(&["jobs", "status", &id, "-o", "json"]))["status"],
            "RUNNING"
        );
    }

    let vertices = ok(&["jobs", "vertices", &id, "-o", "wide"]);
    assert!(
        vertices.contains(SOURCE) && vertices.contains(COUNT),
        "{vertices}"
    );
    let config = ok(&["jobs", "config", &id]);
    assert!(config.contains("restart-strategy"), "{config}");
    assert_eq!(
        json(&ok(&["jobs", "config", &id, "-o", "json"]))["jid"],
        id.as_str()
    );
    let exceptions = ok(&["jobs", "exceptions", &id, "--max", "3"]);
    assert!(exceptions.starts_with("TIME"), "{exceptions}");
    let checkpoints = ok(&["jobs", "checkpoints", &id]);
    assert!(checkpoints.starts_with("ID"), "{checkpoints}");
    assert!(json(&ok(&["jobs", "checkpoints", &id, "-o", "json"]))["counts"].is_object());
    let accumulators = ok(&["jobs", "accumulators", &id]);
    assert!(accumulators.starts_with("NAME"), "{accumulators}");
    let names = ok(&["jobs", "metrics", &id]);
    assert!(names.contains("uptime"), "{names}");
    // Flink 1.15 counts restarts only under the older name.
    let restarts = if flink_at_least(1, 16) {
        "numRestarts"
    } else {
        "fullRestarts"
    };
    let values = ok(&["jobs", "metrics", &id, "uptime", restarts]);
    assert!(
        values.contains("uptime") && values.contains(restarts),
        "{values}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn plans_in_every_format_name_both_vertices() {
    let job = TestJob::start();
    let id = job.id();
    for format in ["tree", "dot", "mermaid"] {
        let text = ok(&["jobs", "plan", &id, "--format", format]);
        assert!(
            text.contains(SOURCE) && text.contains(COUNT),
            "{format}: {text}"
        );
        assert!(text.contains("HASH"), "{format}: {text}");
    }
    let tree = ok(&["jobs", "plan", &id]);
    assert!(
        tree.contains("[1] Source: numbers (parallelism 1)"),
        "{tree}"
    );
    assert!(tree.contains("└─ HASH ─▶ [2] count-per-key"), "{tree}");
    assert!(ok(&["jobs", "plan", &id, "--format", "dot"]).starts_with("digraph "));
    assert!(ok(&["jobs", "plan", &id, "--format", "mermaid"]).starts_with("flowchart TD\n"));
    let plan = json(&ok(&["jobs", "plan", &id, "-o", "json"]));
    assert_eq!(plan["plan"]["jid"], id.as_str());
    println!("{tree}");
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn vertex_views_backpressure_watermarks_flamegraph_and_top() {
    let job = TestJob::start();
    let id = job.id();
    let backpressure = ok(&["jobs", "backpressure", &id, "--timeout", "60s"]);
    assert!(backpressure.starts_with("VERTEX"), "{backpressure}");
    assert!(
        backpressure.contains(SOURCE) && backpressure.contains(COUNT),
        "{backpressure}"
    );
    let one = json(&ok(&["jobs", "backpressure", &id, COUNT, "-o", "json"]));
    assert_eq!(one["status"], "ok", "{one}");
    let all = json(&ok(&["jobs", "watermarks", &id, "-o", "json"]));
    assert_eq!(all.as_object().map(serde_json::Map::len), Some(2), "{all}");
    let watermarks = ok(&["jobs", "watermarks", &id, SOURCE]);
    assert!(watermarks.starts_with("VERTEX"), "{watermarks}");
    let hottest = ok(&[
        "jobs",
        "flamegraph",
        &id,
        COUNT,
        "--top",
        "5",
        "--timeout",
        "60s",
    ]);
    assert!(hottest.starts_with("SELF"), "{hottest}");
    assert!(hottest.lines().count() > 1, "{hottest}");
    let graph = json(&ok(&[
        "jobs",
        "flamegraph",
        &id,
        SOURCE,
        "--type",
        "on_cpu",
        "-o",
        "json",
    ]));
    assert!(graph["endTimestamp"].as_i64().unwrap_or(-1) > 0, "{graph}");
    let stderr = fails(&["jobs", "backpressure", &id, "no-such-vertex"], 6);
    assert!(stderr.contains(COUNT), "{stderr}");

    // Piped, `top` prints one frame and exits.
    let frame = ok(&["top", &id]);
    assert!(frame.contains(&id) && frame.contains("RUNNING"), "{frame}");
    assert!(frame.contains(SOURCE) && frame.contains(COUNT), "{frame}");
    // The counter has taken records for seconds by now: a rate of 0 would be Flink's stale
    // metrics from before the job ran (what `top` asks once and waits a second to avoid).
    let header = frame
        .lines()
        .find(|line| line.starts_with("VERTEX"))
        .unwrap_or_else(|| panic!("no header in {frame}"));
    let row = frame
        .lines()
        .find(|line| line.starts_with(COUNT))
        .unwrap_or_else(|| panic!("no {COUNT} row in {frame}"));
    let column = |name: &str| {
        let start = header
            .find(name)
            .unwrap_or_else(|| panic!("no {name} in {header}"));
        row[start..].split_whitespace().next().unwrap_or_default()
    };
    let records_in: f64 = column("IN/S")
        .parse()
        .unwrap_or_else(|_| panic!("IN/S is not a number: {frame}"));
    assert!(records_in > 0.0, "{frame}");
    assert!(column("BUSY").parse::<f64>().is_ok(), "{frame}");
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn unknown_jobs_exit_3_and_bad_ids_exit_6() {
    let unknown = "00000000000000000000000000000000";
    // Flink 1.15 has no status endpoint: flinkctl says so before asking for the job.
    fails(
        &["jobs", "status", unknown],
        if flink_at_least(1, 16) {
            3
        } else {
            UNSUPPORTED
        },
    );
    for args in [
        vec!["jobs", "get", unknown],
        vec!["jobs", "exceptions", unknown],
        vec!["jobs", "checkpoints", unknown],
        vec!["jobs", "config", unknown],
        vec!["jobs", "plan", unknown],
        vec!["jobs", "vertices", unknown],
        vec!["jobs", "backpressure", unknown],
        vec!["jobs", "watermarks", unknown],
        vec!["jobs", "flamegraph", unknown, "x"],
        vec!["jobs", "accumulators", unknown],
        vec!["top", unknown],
    ] {
        fails(&args, 3);
    }
    // Flink before 2.3 has no rescale history: flinkctl says so before asking for the job.
    fails(
        &["jobs", "rescales", unknown],
        if flink_at_least(2, 3) { 3 } else { UNSUPPORTED },
    );
    fails(&["jobs", "get", "not-a-job-id"], 6);
    fails(&["jobs", "plan", unknown, "--format", "png"], 2);
}
