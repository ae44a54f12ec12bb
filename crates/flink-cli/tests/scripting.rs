//! What scripts read of `flinkctl` (`-o name`, `--no-headers`) as a process against a real
//! Flink cluster running the test job.
//!
//! Ignored by a plain `cargo test`; `cargo xtask test` runs them with `FLINK_REST_URL`, the TLS
//! variables and `FLINK_TEST_JAR` set.

mod common;
use common::test_job::TestJob;
use common::{json, ok};

/// Whether `text` is a job id (32 hexadecimal digits).
fn is_job_id(text: &str) -> bool {
    text.len() == 32 && text.chars().all(|c| c.is_ascii_hexdigit())
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn names_are_ids_that_other_commands_take() {
    let job = TestJob::start();
    let id = job.id();
    let names = ok(&["list", "-a", "-o", "name"]);
    let ids: Vec<&str> = names.lines().collect();
    assert!(ids.contains(&id.as_str()), "{names}");
    assert!(ids.iter().all(|name| is_job_id(name)), "{names}");
    // Other tests' jobs come and go: the newest few are enough.
    for name in ids.iter().take(5) {
        assert_eq!(
            ok(&["jobs", "get", name, "-o", "name"]),
            format!("{name}\n")
        );
        let details = json(&ok(&["jobs", "get", name, "-o", "json"]));
        assert_eq!(details["jid"], *name, "{details}");
    }
    // The TaskManagers' ids, as `taskmanagers get` takes them.
    let taskmanagers = ok(&["taskmanagers", "list", "-o", "name"]);
    let first = taskmanagers.lines().next().expect("a TaskManager");
    let details = json(&ok(&["taskmanagers", "get", first, "-o", "json"]));
    assert_eq!(details["id"], first, "{details}");
    // A verb's name is the id of what it acted on.
    assert_eq!(ok(&["cancel", &id, "-o", "name"]), format!("{id}\n"));
    assert_eq!(
        ok(&[
            "wait", "job", &id, "--state", "CANCELED", "--for", "1m", "-o", "name"
        ]),
        format!("{id}\n")
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn tables_without_headers_are_only_rows() {
    let job = TestJob::start();
    let id = job.id();
    let table = ok(&["jobs", "get", &id]);
    assert!(table.starts_with("ID "), "{table}");
    let rows = ok(&["jobs", "get", &id, "--no-headers", "-o", "wide"]);
    assert_eq!(rows.lines().count(), 1, "{rows}");
    assert!(rows.starts_with(&id) && rows.contains("RUNNING"), "{rows}");
    // As many lines as the server lists TaskManagers, each starting with its id.
    let listed = json(&ok(&["taskmanagers", "list", "-o", "json"]));
    let ids: Vec<&str> = listed["taskmanagers"]
        .as_array()
        .expect("taskmanagers")
        .iter()
        .map(|tm| tm["id"].as_str().expect("id"))
        .collect();
    let rows = ok(&["--no-headers", "taskmanagers", "list"]);
    let firsts: Vec<&str> = rows
        .lines()
        .map(|line| line.split_whitespace().next().unwrap_or_default())
        .collect();
    assert_eq!(firsts.len(), ids.len(), "{rows}");
    assert!(firsts.iter().all(|first| ids.contains(first)), "{rows}");
    let running = ok(&["list", "-r", "--no-headers"]);
    assert!(
        running
            .lines()
            .all(|line| is_job_id(line.split_whitespace().next().unwrap_or_default())),
        "{running}"
    );
    assert!(running.contains(&id), "{running}");
}
