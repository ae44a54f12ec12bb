//! Issue 10, points 3 and 8: `--timeout` bounds the whole command (but not each refresh of
//! one that runs until quit), and a command that timed out after its trigger reached Flink
//! prints the trigger id, so the operation can be awaited again.

use std::time::{Duration, Instant};

use flink_client::prelude::*;
use flink_fault_proxy::{Answer, Fault, FaultProxy, Route, Rule};
use http::{Method, StatusCode};

use crate::common;
use crate::common::fault_proxy::Standalone;
use crate::common::process::{Limits, watch};
use crate::common::test_job::{TEST_JOB_CLASS, TestJob, test_jar};
use crate::proxied::{Proxied, job_name};
use crate::savepoint_dir::SavepointDir;

/// `--timeout 3s` ends a command within a few seconds with exit 4 when the server never
/// answers: a typed call, and `api`, which streams.
#[test]
fn the_timeout_bounds_a_command_whose_server_never_answers() {
    let silent = Standalone::start([Rule::new(Route::any(), Fault::NeverAnswer)]);
    // Side by side: each takes its three seconds.
    std::thread::scope(|scope| {
        for args in [&["overview"][..], &["api", "GET", "/overview"]] {
            let silent = &silent;
            scope.spawn(move || {
                let mut all = vec!["--timeout", "3s"];
                all.extend_from_slice(args);
                let watched = watch(
                    silent.flinkctl(&all),
                    Limits::new(Duration::from_secs(60), 1024),
                );
                assert_eq!(watched.code(), Some(4), "{args:?}: {}", watched.describe());
                assert!(
                    watched.took < Duration::from_secs(10),
                    "{args:?}: {}",
                    watched.describe()
                );
            });
        }
    });
    let overview = Route::exact(Method::GET, "/overview");
    assert!(
        silent.proxy.received(&overview) >= 2,
        "both commands asked, and got no answer"
    );
}

/// `--timeout` limits each refresh of a command that runs until quit, not the command.
#[test]
fn the_timeout_does_not_end_a_followed_log() {
    let log = Route::exact(Method::GET, "/jobmanager/log");
    let answer = Answer::new(StatusCode::OK, "text/plain", "2024-05-01 INFO started\n");
    let server = Standalone::start([
        Rule::new(log.clone(), Fault::Respond(answer)),
        Rule::new(Route::any(), Fault::NeverAnswer),
    ]);
    let watched = watch(
        server.flinkctl(&["--timeout", "1s", "jobmanager", "log", "--follow"]),
        Limits::new(Duration::from_secs(3), 1024),
    );
    assert_eq!(watched.status, None, "{}", watched.describe());
    assert_eq!(watched.stdout, "2024-05-01 INFO started\n");
    assert!(
        server.proxy.received(&log) >= 2,
        "it asked for the log again; {}",
        watched.describe()
    );
}

/// The jar of each run request the proxy received.
fn jars_run(proxy: &FaultProxy) -> Vec<JarId> {
    proxy
        .exchanges()
        .iter()
        .filter_map(|exchange| {
            let jar = exchange.path.strip_prefix("/jars/")?.strip_suffix("/run")?;
            jar.parse().ok()
        })
        .collect()
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn run_with_a_timeout_exits_4_while_the_run_request_is_held_up() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    let run = Route::matching(Method::POST, |path| {
        path.starts_with("/jars/") && path.ends_with("/run")
    });
    proxied.proxy.add(Rule::new(
        run.clone(),
        Fault::Delay(Duration::from_secs(20)),
    ));
    let name = job_name("run-timeout");
    let jar = test_jar();
    let jar = jar.to_str().expect("a UTF-8 path");
    let args = [
        "--timeout",
        "5s",
        "run",
        "-c",
        TEST_JOB_CLASS,
        "-p",
        "1",
        jar,
        "--rate",
        "10",
        "--name",
        &name,
    ];
    let watched = watch(
        proxied.flinkctl(&args),
        Limits::new(Duration::from_secs(60), 1024),
    );
    // The run request was on its way and arrives after the delay (as on a slow link): flinkctl
    // sent it once, and the job it starts is the only one.
    let started = proxied.jobs_started(&name);
    // Flink lists the job a moment before its answer to the run request is back at the proxy.
    let answered = Instant::now() + Duration::from_secs(10);
    while proxied.proxy.forwarded(&run) == 0 && Instant::now() < answered {
        std::thread::sleep(Duration::from_millis(50));
    }
    let forwarded = proxied.proxy.forwarded(&run);
    proxied.clean_up(&name, &jars_run(&proxied.proxy));
    assert_eq!(watched.code(), Some(4), "{}", watched.describe());
    assert!(
        watched.took < Duration::from_secs(15),
        "--timeout 5s must bound the run; {}",
        watched.describe()
    );
    assert_eq!(
        (forwarded, started),
        (1, 1),
        "run requests that reached Flink, and jobs named {name}"
    );
}

/// The trigger id of the status polls the proxy received.
fn polled_trigger(proxy: &FaultProxy, polls: &Route) -> String {
    let exchanges = proxy.exchanges();
    let poll = exchanges
        .iter()
        .find(|exchange| polls.matches(&exchange.method, &exchange.path))
        .expect("flinkctl polled the operation's status");
    let trigger = poll.path.rsplit('/').next().unwrap_or_default();
    trigger.to_owned()
}

/// `flinkctl --timeout 3s VERB JOB …` on a running job, with the status polls of its
/// savepoint held past the timeout: it exits 4 and prints the trigger id, and the savepoint
/// exists.
fn times_out_and_prints_the_trigger(proxied: &Proxied, job: &TestJob, verb: &str) {
    let dir = SavepointDir::new();
    let polls = Route::prefix(Method::GET, format!("/jobs/{}/savepoints/", job.id));
    proxied.proxy.add(Rule::new(
        polls.clone(),
        Fault::Delay(Duration::from_secs(60)),
    ));
    let id = job.id();
    let uri = dir.uri();
    let args = match verb {
        "stop" => ["--timeout", "3s", verb, &id, "--savepointPath", &uri].to_vec(),
        _ => ["--timeout", "3s", verb, &id, &uri].to_vec(),
    };
    let watched = watch(
        proxied.flinkctl(&args),
        Limits::new(Duration::from_secs(60), 1024),
    );
    assert_eq!(watched.code(), Some(4), "{}", watched.describe());
    // Flink took the savepoint: waiting for the trigger, directly, names it.
    let trigger = polled_trigger(&proxied.proxy, &polls);
    let location = common::ok(&["wait", "savepoint", &id, &trigger, "--for", "90s"]);
    let location = location.trim();
    let local = uri.trim_start_matches("file://");
    assert!(location.contains(local), "{location} is not in {uri}");
    assert_eq!(dir.savepoints().len(), 1, "savepoints in {uri}");
    // The check of the job, the trigger and the wait, each within 3 s at most.
    assert!(
        watched.took < Duration::from_secs(10),
        "--timeout 3s must bound each of the {verb}'s calls; {}",
        watched.describe()
    );
    // The trigger id alone may be in the timed-out request's path; what must be printed is
    // how to follow the operation.
    let follow = format!("flinkctl wait savepoint {id} {trigger}");
    assert!(
        watched.stderr.contains(&follow),
        "flinkctl must print `{follow}`, so that the {verb} can be followed; {}",
        watched.describe()
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn savepoint_with_a_timeout_exits_4_and_prints_the_trigger_id() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    times_out_and_prints_the_trigger(&proxied, &TestJob::start(), "savepoint");
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn stop_with_a_timeout_exits_4_and_prints_the_trigger_id() {
    let Some(proxied) = Proxied::start() else {
        return;
    };
    let job = TestJob::start();
    times_out_and_prints_the_trigger(&proxied, &job, "stop");
    let finished = job.runtime.block_on(job.client.wait_for_job_state(
        &job.id,
        &[JobState::Finished],
        Duration::from_secs(90),
    ));
    assert_eq!(
        finished.expect("the stopped job finishes"),
        JobState::Finished
    );
}
