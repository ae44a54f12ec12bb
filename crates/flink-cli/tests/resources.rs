//! The job-level and cluster resources of `flinkctl` (`jobs list`, `jobs result`,
//! `jobs checkpoint`, `jobs checkpoint-config`, the checkpoint sparklines, `jars run`,
//! `datasets`) as processes against a real Flink cluster.
//!
//! Ignored by a plain `cargo test`; `cargo xtask test` runs them with `FLINK_REST_URL`, the TLS
//! variables and `FLINK_TEST_JAR` set. Every test ends the jobs and jars it creates, also when
//! it fails.

use std::time::Duration;

use serde_json::Value;

mod common;
use common::test_job::TestJob;
use common::{
    assert_same_document, eventually, fails, flink_at_least, flinkctl, json, ok_since,
    refused_offline,
};

const CLASS: &str = "flinklocal.TestJob";
const SOURCE: &str = "Source: numbers";
const COUNT: &str = "count-per-key";

/// `flinkctl ARGS`, which must succeed; its standard output, trimmed.
fn ok(args: &[&str]) -> String {
    common::ok(args).trim().to_owned()
}

/// The server's JSON answer to `GET path`, through `flinkctl api`.
fn server(path: &str) -> Value {
    json(&ok(&["api", "GET", path]))
}

/// The entry of `list` (an array of objects) whose `key` is `id`.
fn entry<'a>(list: &'a Value, key: &str, id: &str) -> &'a Value {
    list.as_array()
        .and_then(|all| all.iter().find(|item| item[key] == id))
        .unwrap_or_else(|| panic!("no {key} {id} in {list}"))
}

/// Whether `table` has a row of exactly these cells (none with spaces).
fn has_row(table: &str, cells: &[&str]) -> bool {
    table
        .lines()
        .any(|line| line.split_whitespace().eq(cells.iter().copied()))
}

/// A job started by a test, cancelled when the test ends (whatever state it is in).
struct Job(String);

impl Drop for Job {
    fn drop(&mut self) {
        let _ = flinkctl(&["cancel", &self.0]);
    }
}

/// A jar uploaded by a test, deleted when the test ends.
struct Jar(String);

impl Jar {
    fn upload() -> Self {
        let path = std::env::var("FLINK_TEST_JAR")
            .expect("FLINK_TEST_JAR names the test job's jar: run `cargo xtask testjob`");
        Self(ok(&["jars", "upload", &path]))
    }
}

impl Drop for Jar {
    fn drop(&mut self) {
        let _ = flinkctl(&["jars", "delete", &self.0]);
    }
}

/// `flinkctl jars run -c CLASS -p 1 FLAGS… JAR ARGS…`, checked to print a job id.
fn jars_run(jar: &Jar, flags: &[&str], args: &[&str]) -> Job {
    let mut all = vec!["jars", "run", "-c", CLASS, "-p", "1"];
    all.extend_from_slice(flags);
    all.push(&jar.0);
    all.extend_from_slice(args);
    let printed = ok(&all);
    assert!(
        printed.len() == 32 && printed.chars().all(|c| c.is_ascii_hexdigit()),
        "not a job id: {printed:?}"
    );
    Job(printed)
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn jobs_list_shows_every_job_and_its_json_is_the_servers() {
    let job = TestJob::start();
    let id = job.id();
    let table = ok(&["jobs", "list"]);
    assert!(table.starts_with("ID "), "{table}");
    let line = table
        .lines()
        .find(|line| line.starts_with(&id))
        .unwrap_or_else(|| panic!("no {id} in {table}"));
    assert!(
        line.contains("RUNNING") && line.contains("flink-rs-testjob"),
        "{table}"
    );
    // Other tests' jobs come and go meanwhile, and durations grow: compare this job's stable
    // fields, and the document's shape.
    let printed = json(&ok(&["jobs", "ls", "-o", "json"]));
    let overview = server("/jobs/overview");
    let (mine, theirs) = (
        entry(&printed["jobs"], "jid", &id),
        entry(&overview["jobs"], "jid", &id),
    );
    for field in ["jid", "name", "state", "start-time", "tasks"] {
        assert_eq!(mine[field], theirs[field], "{field}");
    }
    let ids = ok(&["jobs", "list", "--ids"]);
    assert!(ids.starts_with("ID "), "{ids}");
    assert!(has_row(&ids, &[&id, "RUNNING"]), "{ids}");
    let printed = json(&ok(&["jobs", "list", "--ids", "-o", "json"]));
    assert_eq!(
        entry(&printed["jobs"], "id", &id),
        entry(&server("/jobs")["jobs"], "id", &id)
    );
    assert_eq!(
        printed.as_object().map(|o| o.keys().collect::<Vec<_>>()),
        Some(vec![&"jobs".to_owned()])
    );
}

/// Two completed checkpoints of job `id`, shown in its statistics; the newer one's id.
fn two_checkpoints(id: &str) -> String {
    let number = |text: &str| text.parse::<u64>().expect("a checkpoint id");
    let checkpoint = if let Some(first) = ok_since(1, 17, &["checkpoint", id]) {
        // Two checkpoints taken now, completed before `checkpoint` returns.
        let checkpoint = ok(&["checkpoint", id]);
        assert!(
            number(&checkpoint) > number(first.trim()),
            "{first} {checkpoint}"
        );
        checkpoint
    } else {
        // Before 1.17 Flink checkpoints only on its schedule: wait for two.
        eventually("two completed checkpoints", Duration::from_secs(60), || {
            let document = json(&ok(&["jobs", "checkpoints", id, "-o", "json"]));
            (document["counts"]["completed"].as_u64()? >= 2)
                .then(|| document["latest"]["completed"]["id"].to_string())
        })
    };
    // Before 1.18 the statistics come from an execution graph the JobManager caches for
    // `web.refresh-interval`: a checkpoint may show a few seconds after it completed.
    eventually(
        "the checkpoint in the statistics",
        Duration::from_secs(20),
        || {
            let document = json(&ok(&["jobs", "checkpoints", id, "-o", "json"]));
            (document["latest"]["completed"]["id"].as_u64()? >= number(&checkpoint)).then_some(())
        },
    );
    checkpoint
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn checkpoint_views_config_details_subtasks_and_sparklines() {
    let job = TestJob::start();
    let id = job.id();
    let checkpoint = two_checkpoints(&id);

    let history = ok(&["jobs", "checkpoints", &id]);
    assert!(history.starts_with("ID "), "{history}");
    let sparklines: Vec<&str> = history.lines().rev().take(2).collect();
    let bars = |line: &str| line.chars().filter(|c| ('▁'..='█').contains(c)).count();
    assert!(
        sparklines[1].starts_with("size ") && sparklines[0].starts_with("duration "),
        "{history}"
    );
    assert!(sparklines.iter().all(|line| bars(line) >= 2), "{history}");
    let document = ok(&["jobs", "checkpoints", &id, "-o", "json"]);
    assert!(!document.contains('▁') && json(&document)["counts"].is_object());

    // A completed checkpoint's details no longer change: the whole document is the server's.
    let path = format!("/jobs/{id}/checkpoints/details/{checkpoint}");
    let details = ok(&["jobs", "checkpoint", &id, &checkpoint, "-o", "json"]);
    assert_same_document(&details, &server(&path));
    let table = ok(&["jobs", "checkpoint", &id, &checkpoint, "-o", "wide"]);
    assert!(table.starts_with("VERTEX "), "{table}");
    for name in [SOURCE, COUNT] {
        let row = table
            .lines()
            .find(|line| line.contains(name))
            .unwrap_or_else(|| panic!("no {name} in {table}"));
        assert!(row.contains("COMPLETED") && row.contains("1/1"), "{table}");
    }

    // One vertex, by name or by id: its subtasks.
    let vertices = json(&ok(&["jobs", "vertices", &id, "-o", "json"]));
    let counter = vertices["vertices"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|v| v["name"].as_str().is_some_and(|n| n.starts_with(COUNT)))
        })
        .and_then(|v| v["id"].as_str())
        .unwrap_or_else(|| panic!("no {COUNT} in {vertices}"))
        .to_owned();
    let subtasks = ok(&["jobs", "checkpoint", &id, &checkpoint, "--vertex", COUNT]);
    let mut lines = subtasks.lines();
    assert!(
        lines.next().is_some_and(|h| h.starts_with("SUBTASK ")),
        "{subtasks}"
    );
    assert!(
        lines
            .next()
            .is_some_and(|row| row.starts_with("0 ") && row.contains("completed")),
        "{subtasks}"
    );
    let printed = ok(&[
        "jobs",
        "checkpoint",
        &id,
        &checkpoint,
        "--vertex",
        &counter,
        "-o",
        "json",
    ]);
    assert_same_document(&printed, &server(&format!("{path}/subtasks/{counter}")));

    let config = ok(&["jobs", "checkpoint-config", &id]);
    assert!(config.starts_with("KEY "), "{config}");
    for row in [["mode", "exactly_once"], ["interval", "2s"]] {
        assert!(has_row(&config, &row), "{row:?}: {config}");
    }
    let printed = ok(&["jobs", "checkpoint-config", &id, "-o", "json"]);
    assert_same_document(&printed, &server(&format!("/jobs/{id}/checkpoints/config")));

    // A checkpoint Flink does not have: 404, not found; not a number: invalid input.
    fails(&["jobs", "checkpoint", &id, "999999"], 3);
    fails(&["jobs", "checkpoint", &id, "latest"], 6);
    fails(
        &[
            "jobs",
            "checkpoint",
            &id,
            &checkpoint,
            "--vertex",
            "no-such-vertex",
        ],
        6,
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn jars_run_by_id_keeps_the_jar_and_jobs_result_tells_how_jobs_ended() {
    let jar = Jar::upload();
    let name = format!("flinkctl-jars-run-{}", std::process::id());
    // Detached, with -D (from Flink 1.17 on; refused before), and the program's arguments
    // after the jar id.
    let configured = flink_at_least(1, 17);
    let flags: &[&str] = if configured {
        &["-d", "-D", "pipeline.object-reuse=true"]
    } else {
        let refused = ["jars", "run", "-D", "pipeline.object-reuse=true", &jar.0];
        assert!(ok_since(1, 17, &refused).is_none());
        &["-d"]
    };
    let running = jars_run(&jar, flags, &["--rate", "10", "--name", &name]);
    let details = server(&format!("/jobs/{}", running.0));
    assert_eq!(details["name"], name.as_str(), "{details}");
    let config = server(&format!("/jobs/{}/config", running.0));
    assert_eq!(
        config["execution-config"]["object-reuse-mode"], configured,
        "{config}"
    );
    let result = ok(&["jobs", "result", &running.0]);
    assert!(
        result
            .lines()
            .nth(1)
            .is_some_and(|row| row.starts_with(&running.0) && row.contains("IN_PROGRESS")),
        "{result}"
    );
    // The jar stays uploaded.
    let jars = json(&ok(&["jars", "list", "-o", "json"]));
    entry(&jars["files"], "id", &jar.0);

    // Attached, a bounded job: exit 0 once it has finished.
    let bounded = jars_run(&jar, &[], &["--count", "20", "--rate", "0"]);
    assert_eq!(
        ok(&[
            "wait", "job", &bounded.0, "--state", "FINISHED", "--for", "2m"
        ]),
        "FINISHED"
    );
    let path = format!("/jobs/{}/execution-result", bounded.0);
    assert_same_document(
        &ok(&["jobs", "result", &bounded.0, "-o", "json"]),
        &server(&path),
    );
    let result = ok(&["jobs", "result", &bounded.0]);
    let row = result.lines().nth(1).unwrap_or_default();
    assert!(
        row.starts_with(&bounded.0) && row.contains("COMPLETED") && row.contains("SUCCEEDED"),
        "{result}"
    );

    // A job that fails: its result names the cause.
    let failing = jars_run(
        &jar,
        &["-d"],
        &["--count", "100", "--rate", "0", "--fail-after", "5"],
    );
    ok(&[
        "wait", "job", &failing.0, "--state", "FAILED", "--for", "2m",
    ]);
    let result = ok(&["jobs", "result", &failing.0]);
    let row = result.lines().nth(1).unwrap_or_default();
    assert!(
        row.contains("FAILED") && row.contains("RuntimeException"),
        "{result}"
    );

    // An unknown jar is not found; a malformed id is refused before sending.
    fails(
        &[
            "jars",
            "run",
            "0a1b2c3d-0000-0000-0000-000000000000_none.jar",
        ],
        3,
    );
    fails(&["jars", "run", "../x.jar"], 6);
    fails(&["jars", "run", "-p", "0", &jar.0], 6);
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn datasets_list_is_the_servers_json_and_unknown_ones_are_not_found() {
    let table = ok(&["datasets", "list"]);
    assert!(table.starts_with("ID   COMPLETE"), "{table}");
    assert_same_document(&ok(&["datasets", "ls", "-o", "json"]), &server("/datasets"));
    // Flink would accept the deletion of a dataset it does not have, and delete nothing.
    let stderr = fails(
        &["datasets", "delete", "0123456789abcdef0123456789abcdef"],
        3,
    );
    assert!(
        stderr.contains("no dataset 0123456789abcdef0123456789abcdef"),
        "{stderr}"
    );
    fails(&["datasets", "delete", "not-a-dataset"], 6);
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn job_resources_of_unknown_jobs_exit_3() {
    let unknown = "00000000000000000000000000000000";
    for args in [
        vec!["jobs", "result", unknown],
        vec!["jobs", "checkpoint-config", unknown],
        vec!["jobs", "checkpoint", unknown, "1"],
        vec!["jobs", "checkpoint", unknown, "1", "--vertex", "x"],
    ] {
        fails(&args, 3);
    }
    fails(&["jobs", "result", "not-a-job"], 6);
}

/// The new verbs refuse bad input before any request: with nothing listening at the URL, a
/// request would exit 1, so exit 6 shows that none was sent.
#[test]
fn bad_input_exits_6_before_any_request() {
    let job = "0123456789abcdef0123456789abcdef";
    for args in [
        &["jobs", "result", "not-a-job"][..],
        &["jobs", "checkpoint-config", "x"],
        &["jobs", "checkpoint", job, "latest"],
        &["jobs", "checkpoint", job, "4.2"],
        &["jars", "run", "../x.jar"],
        &["jars", "run", "-p", "0", "a.jar"],
        &["jars", "run", "-D", "no-equals-sign", "a.jar"],
        &["datasets", "delete", "not-a-dataset"],
    ] {
        refused_offline(args);
    }
}

#[test]
fn every_new_verb_has_examples() {
    for verb in [
        &["jobs", "list"][..],
        &["jobs", "result"],
        &["jobs", "checkpoint"],
        &["jobs", "checkpoint-config"],
        &["jars", "run"],
        &["datasets", "list"],
        &["datasets", "delete"],
    ] {
        let output = common::command(&[verb, &["--help"]].concat())
            .output()
            .expect("flinkctl runs");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Examples:\n  flinkctl"), "{verb:?}: {help}");
    }
}
