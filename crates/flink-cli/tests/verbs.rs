//! The `flink`-style verbs of `flinkctl` (`run`, `list`, `info`, `cancel`, `stop`, `savepoint`,
//! `checkpoint`, `wait`) as a process against a real Flink cluster.
//!
//! Ignored by a plain `cargo test`; they need `FLINK_REST_URL` (and the TLS variables, which
//! are passed through) and `FLINK_TEST_JAR`, the test job of `cargo xtask testjob`. Every test
//! ends the jobs it starts, also when it fails.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

mod common;
#[path = "../../flink-client/tests/common/savepoint_dir.rs"]
mod savepoint_dir;
use common::{command, eventually, fails, flink_at_least, flinkctl, json, ok_since};
use savepoint_dir::SavepointDir;
use serde_json::Value;

const CLASS: &str = "flinklocal.TestJob";

/// `flinkctl ARGS`, which must succeed; its standard output, trimmed.
fn ok(args: &[&str]) -> String {
    common::ok(args).trim().to_owned()
}

fn jar() -> String {
    std::env::var("FLINK_TEST_JAR")
        .expect("FLINK_TEST_JAR names the test job's jar: run `cargo xtask testjob`")
}

/// A job started by a test, cancelled when the test ends (whatever state it is in).
struct Job(String);

impl Drop for Job {
    fn drop(&mut self) {
        let _ = flinkctl(&["cancel", &self.0]);
    }
}

/// `flinkctl run` of the test job with `extra` flags and `args`, checked to print a job id.
fn run(extra: &[&str], args: &[&str]) -> Job {
    let jar = jar();
    let mut all = vec!["run", "-c", CLASS, "-p", "1"];
    all.extend_from_slice(extra);
    all.push(&jar);
    all.extend_from_slice(args);
    let id = ok(&all);
    assert!(
        id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "not a job id: {id:?}"
    );
    Job(id)
}

/// A directory for savepoints that the (local) cluster can write.
fn savepoint_dir(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("flinkctl-verbs-{name}-{}", std::process::id()));
    format!("file://{}", dir.display())
}

/// The local file of a `file:` location.
fn local(location: &str) -> PathBuf {
    let path = location.strip_prefix("file://").unwrap_or(location);
    PathBuf::from(path.strip_prefix("file:").unwrap_or(path))
}

/// Whether the savepoint at `location` is below `dir`.
fn below(location: &str, dir: &str) -> bool {
    local(location).starts_with(local(dir))
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn run_waits_list_shows_it_and_cancel_ends_it() {
    let job = run(&[], &["--rate", "10"]);
    // `run` returned once every task runs.
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "RUNNING", "--for", "5s"]),
        "RUNNING"
    );
    let running = ok(&["list", "-r"]);
    assert!(running.starts_with("ID"), "{running}");
    assert!(
        running.contains(&job.0) && running.contains("RUNNING"),
        "{running}"
    );
    assert!(!ok(&["list", "-s"]).contains(&job.0));
    let all = json(&ok(&["list", "-a", "-o", "json"]));
    assert!(
        all["jobs"]
            .as_array()
            .expect("jobs")
            .iter()
            .any(|j| j["jid"] == job.0.as_str()),
        "{all}"
    );
    // A state the job never reaches within the deadline: exit 4.
    let stderr = fails(
        &["wait", "job", &job.0, "--state", "FINISHED", "--for", "1s"],
        4,
    );
    assert!(stderr.contains("FINISHED"), "{stderr}");
    assert_eq!(ok(&["cancel", &job.0]), format!("cancelled job {}", job.0));
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "CANCELED", "--for", "1m"]),
        "CANCELED"
    );
    let ended = ok(&["list", "-a"]);
    let line = ended
        .lines()
        .find(|line| line.starts_with(&job.0))
        .expect("listed");
    assert!(line.contains("CANCELED"), "{ended}");
    assert!(!ok(&["list"]).contains(&job.0));
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn run_detached_returns_at_once_and_wait_job_sees_it_finish() {
    // Configuration options in a run came with Flink 1.17; before, flinkctl refuses them.
    let configured = flink_at_least(1, 17);
    let flags: &[&str] = if configured {
        &["--detached", "-D", "pipeline.object-reuse=true"]
    } else {
        let jar = jar();
        let args = ["run", "-c", CLASS, "-D", "pipeline.object-reuse=true", &jar];
        assert!(ok_since(1, 17, &args).is_none());
        &["--detached"]
    };
    let job = run(flags, &["--count", "20"]);
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "FINISHED", "--for", "2m"]),
        "FINISHED"
    );
    let listed = json(&ok(&["list", "-a", "-o", "json"]));
    let entry = listed["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["jid"] == job.0.as_str())
        .cloned()
        .expect("listed");
    assert_eq!(entry["state"], "FINISHED");
    let config = json(&ok(&["api", "GET", &format!("/jobs/{}/config", job.0)]));
    assert_eq!(
        config["execution-config"]["object-reuse-mode"], configured,
        "-D reached the job: {config}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn an_attached_run_of_a_bounded_job_that_finishes_succeeds_with_its_id() {
    // Without --detached, `run` waits for the tasks to run; a job that finishes first is done.
    let job = run(&[], &["--count", "20", "--rate", "0"]);
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "FINISHED", "--for", "2m"]),
        "FINISHED"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn everything_after_the_jar_goes_to_the_program() {
    let jar = jar();
    let name = format!("flinkctl-program-args-{}", std::process::id());
    // Options before the jar are flinkctl's, the rest (`--name`) names the job.
    let job = Job(ok(&[
        "run", "-d", "-c", CLASS, "-p", "1", &jar, "--rate", "10", "--name", &name,
    ]));
    let details = json(&ok(&["api", "GET", &format!("/jobs/{}", job.0)]));
    assert_eq!(details["name"], name.as_str(), "{details}");
    // What follows the jar reaches the program verbatim, even where it spells one of
    // flinkctl's options: the test job knows no `-p` or `-s` and says so, where flinkctl would
    // have set the parallelism or restored from a savepoint.
    for option in [["-p", "1"], ["-s", "/some/input"]] {
        let mut args = vec!["run", "-d", "-c", CLASS, &jar];
        args.extend_from_slice(&option);
        args.extend_from_slice(&["--rate", "10", "--name", &name]);
        let output = flinkctl(&args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        for id in stdout.split_whitespace() {
            let _ = flinkctl(&["cancel", id]);
        }
        assert!(!output.status.success(), "{args:?} ran job {stdout}");
        let unknown = format!("Unknown argument: {}", option[0]);
        assert!(stderr.contains(&unknown), "{args:?}: {stderr}");
    }
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn info_prints_the_plan_of_a_jar() {
    let jar = jar();
    let table = ok(&["info", "-c", CLASS, "-p", "2", &jar, "--count", "20"]);
    let mut lines = table.lines();
    assert!(
        lines.next().expect("header").starts_with("VERTEX"),
        "{table}"
    );
    assert!(lines.count() >= 2, "{table}");
    let plan = json(&ok(&[
        "info", "-c", CLASS, "-o", "json", &jar, "--count", "20",
    ]));
    assert!(
        plan["plan"]["nodes"]
            .as_array()
            .is_some_and(|n| !n.is_empty()),
        "{plan}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn savepoints_checkpoints_and_stop() {
    let job = run(&[], &["--rate", "10"]);
    let dir = savepoint_dir("savepoint");
    // A savepoint, waited for: its location is printed and, on a local cluster, exists.
    let location = ok(&["savepoint", &job.0, &dir]);
    assert!(below(&location, &dir), "{location}");
    let path = local(&location);
    assert!(path.exists(), "{}", path.display());
    // Detached: the trigger id, then `wait savepoint` gives the location.
    let trigger = ok(&["savepoint", &job.0, &dir, "--type", "native", "--detached"]);
    assert!(!trigger.is_empty() && !trigger.contains(' '), "{trigger}");
    let second = ok(&["wait", "savepoint", &job.0, &trigger, "--for", "2m"]);
    assert!(below(&second, &dir) && second != location, "{second}");
    // Disposal removes the files.
    assert_eq!(
        ok(&["savepoint", "--dispose", &location]),
        format!("disposed of {location}")
    );
    assert!(!path.exists(), "{} still exists", path.display());
    // Checkpoints: triggered ones print their id; `wait checkpoint` sees a newer one.
    let waiter = command(&["wait", "checkpoint", &job.0, "--for", "2m"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("flinkctl runs");
    // Triggered checkpoints came with Flink 1.17; the waiter sees a scheduled one before.
    if let Some(first) = ok_since(1, 17, &["checkpoint", &job.0]) {
        let first: u64 = first.trim().parse().expect("a checkpoint id");
        let full: u64 = ok(&["checkpoint", &job.0, "--full"])
            .parse()
            .expect("a checkpoint id");
        assert!(full > first, "{first} then {full}");
    }
    let output = waiter.wait_with_output().expect("wait checkpoint ends");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let next: u64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("an id");
    assert!(next >= 1, "{next}");
    // Stop: the savepoint's location, and the job ends FINISHED.
    let stopped = ok(&["stop", &job.0, "--savepointPath", &dir]);
    assert!(below(&stopped, &dir), "{stopped}");
    assert!(local(&stopped).exists(), "{stopped}");
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "FINISHED", "--for", "1m"]),
        "FINISHED"
    );
    // Stopped again, or asked for a savepoint: the job has ended, which is not found (3).
    for again in [
        vec!["stop", &job.0, "--savepointPath", &dir],
        vec!["savepoint", &job.0, &dir],
    ] {
        let stderr = fails(&again, 3);
        assert!(stderr.contains("already ended (FINISHED)"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(local(&dir));
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn stop_drain_then_run_from_the_savepoint() {
    let job = run(&[], &["--rate", "10"]);
    let dir = savepoint_dir("drain");
    let savepoint = ok(&["stop", &job.0, "--drain", "--savepointPath", &dir]);
    assert!(below(&savepoint, &dir), "{savepoint}");
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "FINISHED", "--for", "1m"]),
        "FINISHED"
    );
    // The same job restores from it (`-s`, `--claim-mode`), as its checkpoint history says.
    let restored_from = |job: &Job| {
        let history = json(&ok(&["jobs", "checkpoints", &job.0, "-o", "json"]));
        let path = history["latest"]["restored"]["external_path"].as_str();
        local(path.unwrap_or_else(|| panic!("no restore in {history}")))
    };
    let restored = run(
        &["-s", &savepoint, "--claim-mode", "no_claim"],
        &["--rate", "10"],
    );
    assert_eq!(restored_from(&restored), local(&savepoint));
    drop(restored);
    // A job whose counter has another uid leaves the counter's state unclaimed: Flink refuses
    // the run as bad input (exit 6), saying which flag allows it: `-n`.
    let jar = jar();
    let renamed = ["--rate", "10", "--counter-uid", "count-per-key-renamed"];
    let mut refused = vec!["run", "-c", CLASS, "-p", "1", "-s", &savepoint, &jar];
    refused.extend_from_slice(&renamed);
    let stderr = fails(&refused, 6);
    assert!(stderr.contains("allowNonRestoredState"), "{stderr}");
    let allowed = run(&["-s", &savepoint, "-n"], &renamed);
    assert_eq!(restored_from(&allowed), local(&savepoint));
    drop(allowed);
    let _ = std::fs::remove_dir_all(local(&dir));
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn stop_detached_then_wait_savepoint() {
    let job = run(&[], &["--rate", "10"]);
    let dir = savepoint_dir("stop");
    let trigger = ok(&[
        "stop",
        &job.0,
        "--savepointPath",
        &dir,
        "--detached",
        "-o",
        "json",
    ]);
    let trigger = json(&trigger)["request-id"]
        .as_str()
        .expect("request-id")
        .to_owned();
    let location = json(&ok(&["wait", "savepoint", &job.0, &trigger, "-o", "json"]));
    assert!(
        location["location"]
            .as_str()
            .is_some_and(|l| below(l, &dir)),
        "{location}"
    );
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "FINISHED", "--for", "1m"]),
        "FINISHED"
    );
    let _ = std::fs::remove_dir_all(local(&dir));
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn cancel_with_a_savepoint_as_flink_cancel_s() {
    // `-s DIR JOB`: the savepoint is written into DIR, then the job is cancelled.
    let dir = SavepointDir::new();
    let job = run(&[], &["--rate", "10"]);
    let location = ok(&["cancel", "-s", &dir.uri(), &job.0]);
    assert!(below(&location, &dir.uri()), "{location}");
    assert_eq!(dir.savepoints(), vec![local(&location)]);
    assert!(local(&location).join("_metadata").is_file(), "{location}");
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "CANCELED", "--for", "1m"]),
        "CANCELED"
    );
    // Before 1.18 the statistics come from an execution graph the JobManager caches for
    // `web.refresh-interval`: the savepoint may show a few seconds late.
    let history = eventually(
        "the savepoint in the statistics",
        Duration::from_secs(20),
        || {
            let history = json(&ok(&["jobs", "checkpoints", &job.0, "-o", "json"]));
            (!history["latest"]["savepoint"].is_null()).then_some(history)
        },
    );
    assert_eq!(
        history["latest"]["savepoint"]["external_path"].as_str(),
        Some(location.as_str()),
        "{history}"
    );
    // Ended: cancelling it with a savepoint again is not found (3).
    let stderr = fails(&["cancel", "-s", &dir.uri(), &job.0], 3);
    assert!(stderr.contains("already ended (CANCELED)"), "{stderr}");
    // `-s JOB` alone, as `flink cancel -s JOB`: the cluster's state.savepoints.dir.
    let job = run(&[], &["--rate", "10"]);
    let printed = json(&ok(&["cancel", "-s", &job.0, "-o", "json"]));
    let location = printed["location"].as_str().expect("location").to_owned();
    assert!(local(&location).join("_metadata").is_file(), "{location}");
    assert_eq!(
        ok(&["wait", "job", &job.0, "--state", "CANCELED", "--for", "1m"]),
        "CANCELED"
    );
    ok(&["savepoint", "--dispose", &location]);
}

/// Whether the cluster runs jobs on the adaptive scheduler, as its configuration says.
fn adaptive_scheduler() -> bool {
    let config = json(&ok(&["jobmanager", "config", "-o", "json"]));
    config.as_array().is_some_and(|entries| {
        entries.iter().any(|entry| {
            entry["key"] == "jobmanager.scheduler"
                && entry["value"]
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case("adaptive"))
        })
    })
}

// Named for the adaptive-scheduler run of `cargo xtask test` (`/resource_requirements/`).
#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn rescale_sets_resource_requirements_and_jobs_rescales_lists_it() {
    let job = run(&[], &["--rate", "10"]);
    let before_2_3 = !flink_at_least(2, 3);
    // Flink before 2.3 has no rescale history; the default scheduler records none.
    let no_history = |needed: &str| {
        let stderr = fails(&["jobs", "rescales", &job.0], 5);
        assert!(stderr.contains(needed), "{stderr}");
    };
    if !flink_at_least(1, 18) {
        // Resource requirements came with Flink 1.18: flinkctl says so, whatever the scheduler.
        assert!(ok_since(1, 18, &["rescale", &job.0, "-p", "2", "--for", "2m"]).is_none());
        no_history("2.3");
        return;
    }
    if !adaptive_scheduler() {
        let stderr = fails(&["rescale", &job.0, "-p", "2"], 5);
        assert!(
            stderr.contains("jobmanager.scheduler: adaptive"),
            "{stderr}"
        );
        no_history(if before_2_3 {
            "2.3"
        } else {
            "jobmanager.scheduler: adaptive"
        });
        return;
    }
    assert_eq!(
        ok(&["rescale", &job.0, "-p", "2", "--for", "2m"]),
        format!("job {} runs 2 tasks per vertex", job.0)
    );
    let vertices = json(&ok(&["jobs", "vertices", &job.0, "-o", "json"]));
    let parallelism: Vec<&Value> = vertices["vertices"]
        .as_array()
        .map(|all| all.iter().map(|vertex| &vertex["parallelism"]).collect())
        .unwrap_or_default();
    assert!(
        !parallelism.is_empty() && parallelism.iter().all(|p| **p == 2),
        "{vertices}"
    );
    if before_2_3 {
        no_history("2.3");
        rescale_beyond_the_slots(&job);
        return;
    }
    let history = ok(&["jobs", "rescales", &job.0, "-o", "wide"]);
    let rescale = history
        .lines()
        .find(|line| line.contains("COMPLETED") && line.contains("UPDATE_REQUIREMENT"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap_or_else(|| panic!("no completed rescale to the new requirements in {history}"));
    // Its vertices went from 1 to 2 tasks.
    let vertices = ok(&["jobs", "rescales", &job.0, rescale]);
    let rows = common::rows(&vertices);
    assert!(
        !rows.is_empty() && rows.iter().all(|row| row[1..] == ["1", "2", "2"]),
        "{vertices}"
    );
    rescale_beyond_the_slots(&job);
}

/// A rescale of `job` beyond the cluster's slots: the job settles on the slots it can get and
/// flinkctl says that the cluster lacks slots (a failure, 1), not to wait longer (4).
fn rescale_beyond_the_slots(job: &Job) {
    let overview = json(&ok(&["overview", "-o", "json"]));
    let slots = overview["slots-total"].as_i64().expect("slots-total");
    let beyond = (slots + 1).to_string();
    let stderr = fails(&["rescale", &job.0, "-p", &beyond, "--for", "3m"], 1);
    assert!(
        stderr.contains(&format!("tasks per vertex, not {beyond}"))
            && stderr.contains(&format!("the cluster has {slots} task slots and none free")),
        "{stderr}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn unknown_jobs_exit_3_and_bad_input_exits_6() {
    fails(&["cancel", "0123456789abcdef0123456789abcdef"], 3);
    fails(&["savepoint", "0123456789abcdef0123456789abcdef"], 3);
    // Flink fails the disposal of a missing savepoint inside the operation, naming the path.
    let missing = format!("{}/savepoint-000000-000000000000", savepoint_dir("missing"));
    let stderr = fails(&["savepoint", "--dispose", &missing], 3);
    assert!(stderr.contains("savepoint-000000-000000000000"), "{stderr}");
    fails(&["cancel", "not-a-job"], 6);
    fails(&["stop", "xyz"], 6);
    fails(&["checkpoint", "123"], 6);
    fails(
        &[
            "wait",
            "job",
            "0123456789abcdef0123456789abcdef",
            "--state",
            "DONE",
        ],
        6,
    );
    let jar = jar();
    let stderr = fails(&["run", "-p", "0", &jar], 6);
    assert!(stderr.contains("parallelism"), "{stderr}");
    let stderr = fails(&["run", "-D", "no-equals-sign", &jar], 6);
    assert!(stderr.contains("key=value"), "{stderr}");
    fails(&["run", "/no/such/job.jar"], 6);
    fails(&["info", "-p", "-1", &jar], 6);
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn wait_cluster_sees_the_taskmanagers_and_times_out_on_too_many() {
    let ready = ok(&["wait", "cluster", "--for", "1m"]);
    let taskmanagers: u32 = ready
        .split(' ')
        .next()
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no count in {ready:?}"));
    assert!(taskmanagers >= 1 && ready.contains("slots free"), "{ready}");
    let overview = json(&ok(&["wait", "cluster", "-o", "json"]));
    assert!(
        overview["slots-available"].as_i64() >= Some(1),
        "{overview}"
    );
    let stderr = fails(
        &["wait", "cluster", "--taskmanagers", "99", "--for", "2s"],
        4,
    );
    assert!(
        stderr.contains("99 TaskManagers") && stderr.contains("slots free"),
        "{stderr}"
    );
}

/// With nothing listening, `wait cluster` keeps trying until its deadline (exit 4), and says
/// it never got an answer.
#[test]
fn wait_cluster_waits_for_a_jobmanager_that_does_not_answer() {
    let output = command(&[
        "--url",
        "http://127.0.0.1:9",
        "wait",
        "cluster",
        "--for",
        "2s",
    ])
    .env_remove("FLINK_REST_URL")
    .output()
    .expect("flinkctl runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("no answer yet"), "{stderr}");
}

/// Bad input is refused before any request: with nothing listening at the URL, a request
/// would exit 1, so exit 6 shows that none was sent.
#[test]
fn bad_input_exits_6_before_any_request() {
    let jar = std::env::current_exe().expect("the test binary");
    let jar = jar.to_str().expect("a UTF-8 path");
    for args in [
        &["cancel", "not-a-job"][..],
        &["stop", "abc"],
        &["savepoint", "abc"],
        &["checkpoint", "abc", "--full"],
        &["wait", "job", "abc", "--state", "RUNNING"],
        &[
            "wait",
            "job",
            "0123456789abcdef0123456789abcdef",
            "--state",
            "DONE",
        ],
        &[
            "wait",
            "savepoint",
            "0123456789abcdef0123456789abcdef",
            "not a trigger",
        ],
        &["run", "-p", "0", jar],
        &["run", "-D", "no-equals-sign", jar],
        &["run", "/no/such/job.jar"],
        &["info", "-p", "-3", jar],
        &["rescale", "0123456789abcdef0123456789abcdef", "-p", "0"],
        &["rescale", "not-a-job", "-p", "2"],
    ] {
        common::refused_offline(args);
    }
}

#[test]
fn every_verb_has_examples() {
    for verb in [
        "run",
        "list",
        "info",
        "cancel",
        "stop",
        "savepoint",
        "checkpoint",
        "rescale",
        "wait",
    ] {
        let output = command(&[verb, "--help"]).output().expect("flinkctl runs");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Examples:\n  "), "{verb}: {help}");
    }
}
