//! The vertex-level verbs of `flinkctl jobs …` (`vertex`, `subtask`, `subtask-times`,
//! `vertex-taskmanagers`, the accumulators and metrics of vertices and subtasks, the flame
//! graph's SVG) as processes against a real Flink cluster running the test job.
//!
//! Ignored by a plain `cargo test`; `cargo xtask test` runs them with `FLINK_REST_URL`, the TLS
//! variables and `FLINK_TEST_JAR` set.

use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::test_job::TestJob;
use common::{assert_same_document, fails, flinkctl, json, ok, rows};

const COUNT: &str = "count-per-key";

/// The server's answer to `GET path`, through `flinkctl api`.
fn server(path: &str) -> Value {
    json(&ok(&["api", "GET", path]))
}

/// The path of the test job's counting vertex, `/jobs/J/vertices/V`.
fn count_vertex(job: &TestJob) -> String {
    let id = job.id();
    let details = server(&format!("/jobs/{id}"));
    let vertex = details["vertices"]
        .as_array()
        .and_then(|vertices| {
            vertices.iter().find(|v| {
                v["name"]
                    .as_str()
                    .is_some_and(|name| name.starts_with(COUNT))
            })
        })
        .and_then(|v| v["id"].as_str())
        .unwrap_or_else(|| panic!("no vertex {COUNT} in {details}"))
        .to_owned();
    format!("/jobs/{id}/vertices/{vertex}")
}

/// Asserts that `flinkctl ARGS -o json` prints exactly the server's answer to `GET path`.
fn assert_prints_the_servers(args: &[&str], path: &str) {
    assert_same_document(&ok(&[args, &["-o", "json"]].concat()), &server(path));
}

/// Keys whose values change from one answer to the next while the job runs.
const CHANGING: [&str; 5] = [
    "now",
    "duration",
    "metrics",
    "status-duration",
    "aggregated",
];

/// Asserts that `printed` is the server's document `expected`, keys in the same order, values
/// equal but those of [`CHANGING`] keys (which must be there all the same).
fn assert_same_but_changing(printed: &Value, expected: &Value, at: &str) {
    match (printed, expected) {
        (Value::Object(printed), Value::Object(expected)) => {
            let keys = |object: &serde_json::Map<String, Value>| -> Vec<String> {
                object.keys().cloned().collect()
            };
            assert_eq!(keys(printed), keys(expected), "keys at {at}");
            for (key, value) in printed {
                if !CHANGING.contains(&key.as_str()) {
                    assert_same_but_changing(value, &expected[key], &format!("{at}.{key}"));
                }
            }
        }
        (Value::Array(printed), Value::Array(expected)) => {
            assert_eq!(printed.len(), expected.len(), "length at {at}");
            for (index, (printed, expected)) in printed.iter().zip(expected).enumerate() {
                assert_same_but_changing(printed, expected, &format!("{at}[{index}]"));
            }
        }
        _ => assert_eq!(printed, expected, "at {at}"),
    }
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn vertex_subtask_times_and_taskmanagers_are_tables_and_the_servers_json() {
    let job = TestJob::start();
    let id = job.id();
    let path = count_vertex(&job);
    let vertex_id = path.rsplit('/').next().unwrap_or_default().to_owned();

    let table = ok(&["jobs", "vertex", &id, COUNT]);
    assert!(table.starts_with("SUBTASK"), "{table}");
    let subtasks = rows(&table);
    assert_eq!(subtasks.len(), 1, "{table}");
    assert_eq!(subtasks[0][..3], ["0", "RUNNING", "0"], "{table}");
    let wide = ok(&["jobs", "vertex", &id, &vertex_id, "-o", "wide"]);
    assert!(
        wide.contains("TASKMANAGER") && wide.contains("BYTES IN"),
        "{wide}"
    );
    let printed = json(&ok(&["jobs", "vertex", &id, &vertex_id, "-o", "json"]));
    assert_same_but_changing(&printed, &server(&path), "vertex");

    let times = ok(&["jobs", "subtask-times", &id, COUNT]);
    assert!(times.starts_with("SUBTASK"), "{times}");
    let row = &rows(&times)[0];
    assert_eq!(row[0], "0", "{times}");
    // CREATED is a time, RUNNING is after it.
    assert!(row[2].ends_with('Z') && row[6].starts_with('+'), "{times}");
    let printed = json(&ok(&["jobs", "subtask-times", &id, COUNT, "-o", "json"]));
    assert_same_but_changing(&printed, &server(&format!("{path}/subtasktimes")), "times");

    let expected = server(&format!("{path}/taskmanagers"));
    let taskmanager = expected["taskmanagers"][0]["taskmanager-id"]
        .as_str()
        .unwrap_or_else(|| panic!("no TaskManager in {expected}"));
    let table = ok(&["jobs", "vertex-taskmanagers", &id, COUNT]);
    assert!(table.starts_with("TASKMANAGER"), "{table}");
    let row = &rows(&table)[0];
    assert_eq!(row[..3], [taskmanager, "RUNNING", "1 RUNNING"], "{table}");
    let printed = json(&ok(&[
        "jobs",
        "vertex-taskmanagers",
        &id,
        COUNT,
        "-o",
        "json",
    ]));
    assert_same_but_changing(&printed, &expected, "taskmanagers");

    let subtask = ok(&["jobs", "subtask", &id, COUNT, "0"]);
    assert_eq!(rows(&subtask)[0][..3], ["0", "RUNNING", "0"], "{subtask}");
    let printed = json(&ok(&["jobs", "subtask", &id, COUNT, "0", "-o", "json"]));
    assert_same_but_changing(&printed, &server(&format!("{path}/subtasks/0")), "subtask");
    let printed = json(&ok(&[
        "jobs",
        "subtask",
        &id,
        COUNT,
        "0",
        "--attempt",
        "0",
        "-o",
        "json",
    ]));
    let attempt = server(&format!("{path}/subtasks/0/attempts/0"));
    assert_same_but_changing(&printed, &attempt, "attempt");

    fails(&["jobs", "subtask", &id, COUNT, "zero"], 6);
    fails(
        &["jobs", "subtask", &id, COUNT, "0", "--attempt", "first"],
        6,
    );
    let stderr = fails(&["jobs", "vertex", &id, "no-such-vertex"], 6);
    assert!(stderr.contains(COUNT), "{stderr}");
    let unknown = "00000000000000000000000000000000";
    for verb in ["vertex", "subtask-times", "vertex-taskmanagers"] {
        fails(&["jobs", verb, unknown, COUNT], 3);
    }
    fails(&["jobs", "subtask", unknown, COUNT, "0"], 3);
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn accumulators_of_vertices_subtasks_and_attempts_are_the_servers_json() {
    let job = TestJob::start();
    let id = job.id();
    let path = count_vertex(&job);

    let vertex = ["jobs", "accumulators", &id, COUNT];
    let table = ok(&vertex);
    assert!(table.starts_with("NAME"), "{table}");
    assert_prints_the_servers(&vertex, &format!("{path}/accumulators"));

    // The test job has no accumulators of its own: each subtask is a row all the same.
    let subtasks = [&vertex[..], &["--subtasks"]].concat();
    let table = ok(&subtasks);
    assert!(table.starts_with("SUBTASK"), "{table}");
    assert_eq!(rows(&table), [["0", "0", "-", "-", "-"]], "{table}");
    assert_prints_the_servers(&subtasks, &format!("{path}/subtasks/accumulators"));

    // The current attempt, and attempt 0 by its number.
    let attempt = format!("{path}/subtasks/0/attempts/0/accumulators");
    let current = [&vertex[..], &["--subtask", "0"]].concat();
    assert_prints_the_servers(&current, &attempt);
    assert_prints_the_servers(&[&current[..], &["--attempt", "0"]].concat(), &attempt);

    // The subtask forms need a vertex, and --attempt a subtask: usage errors.
    fails(&["jobs", "accumulators", &id, "--subtasks"], 2);
    fails(&["jobs", "accumulators", &id, COUNT, "--attempt", "0"], 2);
    fails(&["jobs", "accumulators", &id, COUNT, "--subtask", "x"], 6);
}

/// The metric names of `path`, once Flink has fetched some (it fetches them every 10 s).
fn metric_names(path: &str) -> Vec<String> {
    let started = Instant::now();
    loop {
        let names: Vec<String> = server(path)
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(|metric| metric["id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if !names.is_empty() {
            return names;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no metrics at {path} within a minute"
        );
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// The ids of a printed list of metrics, sorted.
fn ids(printed: &str) -> Vec<String> {
    let mut ids: Vec<String> = json(printed)
        .as_array()
        .map(|metrics| {
            metrics
                .iter()
                .filter_map(|m| m["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn metrics_of_a_vertex_a_subtask_and_aggregated_over_subtasks() {
    let job = TestJob::start();
    let id = job.id();
    let path = count_vertex(&job);

    let mut names = metric_names(&format!("{path}/metrics"));
    names.sort();
    assert!(names.contains(&"0.numRecordsIn".to_owned()), "{names:?}");
    let printed = ok(&["jobs", "metrics", &id, "--vertex", COUNT, "-o", "json"]);
    assert_eq!(ids(&printed), names);
    let table = ok(&["jobs", "metrics", &id, "--vertex", COUNT]);
    assert!(
        table.starts_with("METRIC") && table.contains("0.numRecordsIn"),
        "{table}"
    );
    let table = ok(&["jobs", "metrics", &id, "--vertex", COUNT, "0.numRecordsIn"]);
    let row = &rows(&table)[0];
    assert_eq!(row[0], "0.numRecordsIn", "{table}");
    assert!(row[1].parse::<f64>().is_ok(), "{table}");

    let subtask = ok(&["jobs", "metrics", &id, "--vertex", COUNT, "--subtask", "0"]);
    assert!(
        subtask.lines().any(|line| line == "numRecordsIn"),
        "{subtask}"
    );
    let value = json(&ok(&[
        "jobs",
        "metrics",
        &id,
        "--vertex",
        COUNT,
        "--subtask",
        "0",
        "numRecordsIn",
        "-o",
        "json",
    ]));
    assert_eq!(value[0]["id"], "numRecordsIn", "{value}");

    aggregates(&id, &path);

    fails(&["jobs", "metrics", &id, "--subtask", "0"], 2);
    fails(
        &["jobs", "metrics", &id, "--vertex", COUNT, "--agg", "min"],
        2,
    );
    fails(
        &[
            "jobs",
            "metrics",
            &id,
            "--vertex",
            COUNT,
            "--aggregate",
            "--agg",
            "median",
        ],
        2,
    );
}

/// `jobs metrics --vertex V --aggregate`: the names, and aggregates as the server sends them.
fn aggregates(id: &str, path: &str) {
    let aggregatable = ok(&["jobs", "metrics", id, "--vertex", COUNT, "--aggregate"]);
    assert!(
        aggregatable.lines().any(|line| line == "numRecordsIn"),
        "{aggregatable}"
    );
    let aggregate = [
        "jobs",
        "metrics",
        id,
        "--vertex",
        COUNT,
        "--aggregate",
        "numRecordsIn",
        "--agg",
        "min,max",
    ];
    let table = ok(&aggregate);
    assert!(table.starts_with("METRIC"), "{table}");
    assert_eq!(
        table
            .lines()
            .next()
            .map(str::split_whitespace)
            .map(Iterator::collect::<Vec<_>>),
        Some(vec!["METRIC", "MIN", "MAX"]),
        "{table}"
    );
    assert_eq!(rows(&table)[0][0], "numRecordsIn", "{table}");
    let printed = json(&ok(&[&aggregate[..], &["-o", "json"]].concat()));
    let expected = server(&format!(
        "{path}/subtasks/metrics?get=numRecordsIn&agg=min,max"
    ));
    let keys = |value: &Value| -> Vec<String> {
        value[0]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(keys(&printed), keys(&expected), "{printed} / {expected}");
    assert_eq!(keys(&printed), ["id", "min", "max"]);
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn flame_graphs_are_drawn_as_svg() {
    let job = TestJob::start();
    let id = job.id();
    let file = std::env::temp_dir().join(format!("flinkctl-flamegraph-{}.svg", std::process::id()));
    let file_arg = file.to_string_lossy().into_owned();
    let output = flinkctl(&[
        "jobs",
        "flamegraph",
        &id,
        COUNT,
        "--svg",
        &file_arg,
        "--top",
        "3",
        "--timeout",
        "60s",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.starts_with("SELF"), "{table}");
    assert_eq!(stderr.trim(), format!("wrote {file_arg}"));
    let svg = std::fs::read_to_string(&file).expect("the SVG was written");
    let _ = std::fs::remove_file(&file);
    assert!(
        svg.starts_with("<?xml") && svg.contains("<svg"),
        "{}",
        &svg[..200.min(svg.len())]
    );
    for name in [
        "Flame graph of count-per-key",
        "(FULL)",
        &id,
        "org.apache.flink.runtime.taskmanager.Task.run",
    ] {
        assert!(svg.contains(name), "no {name} in the SVG");
    }
    // The frames of the table are in the drawing.
    for row in rows(&table) {
        let frame = row.last().copied().unwrap_or_default();
        let escaped = frame
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(svg.contains(&escaped), "no {frame} in the SVG");
    }
    // Nothing is written when the graph cannot be had.
    let missing = std::env::temp_dir().join(format!("flinkctl-none-{}.svg", std::process::id()));
    fails(
        &[
            "jobs",
            "flamegraph",
            &id,
            "no-such-vertex",
            "--svg",
            &missing.to_string_lossy(),
        ],
        6,
    );
    assert!(!missing.exists());
}
