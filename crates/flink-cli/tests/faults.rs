//! `flinkctl` as a process against servers that misbehave: endless answers (memory stays
//! bounded) and answers that never come (`--timeout` bounds the whole command).

mod common;

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{command, fake};

const MIB: u64 = 1024 * 1024;
const JOB: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const TRIGGER: &str = "0123456789abcdef0123456789abcdef";

/// `flinkctl --url URL ARGS`, with no cluster of the environment.
fn against(url: &str, args: &[&str]) -> Command {
    let mut command = command(&["--url", url]);
    command
        .args(args)
        .env_remove("FLINK_REST_URL")
        .env_remove("FLINK_REST_FAILOVER_URLS");
    command
}

/// The resident memory of a running process, from `/proc`.
fn resident_bytes(child: &Child) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// How a watched process ended.
struct Watched {
    /// Its exit status, unless it was killed.
    status: Option<ExitStatus>,
    /// The most resident memory seen.
    peak: u64,
    /// How many bytes it wrote to standard output.
    printed: u64,
    /// Its standard error.
    stderr: String,
}

/// Runs `command`, counting its output and sampling its memory, until it exits, prints
/// `enough` bytes, uses more than `too_much` memory or runs for a minute; kills it unless it
/// exited.
fn watch(mut command: Command, enough: u64, too_much: u64) -> Watched {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("flinkctl runs");
    let printed = Arc::new(AtomicU64::new(0));
    let mut stdout = child.stdout.take().expect("piped");
    let counter = Arc::clone(&printed);
    std::thread::spawn(move || {
        let mut buffer = vec![0; 1 << 16];
        while let Ok(read) = stdout.read(&mut buffer) {
            if read == 0 {
                break;
            }
            counter.fetch_add(read as u64, Ordering::Relaxed);
        }
    });
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child's status") {
            break Some(status);
        }
        peak = peak.max(resident_bytes(&child).unwrap_or(0));
        if printed.load(Ordering::Relaxed) >= enough
            || peak > too_much
            || started.elapsed() > Duration::from_secs(60)
        {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Watched {
        status,
        peak,
        printed: printed.load(Ordering::Relaxed),
        stderr: errors.join().expect("stderr is read"),
    }
}

/// An endless log is printed as it arrives: hundreds of MiB go through a process that stays
/// small.
#[test]
fn an_endless_answer_is_streamed_in_bounded_memory() {
    let url = fake::endless(
        "text/plain",
        b"",
        b"2024-05-01 INFO a line of an endless log\n",
    );
    let watched = watch(
        against(&url, &["api", "GET", "/jobmanager/log"]),
        256 * MIB,
        128 * MIB,
    );
    assert!(
        watched.printed >= 256 * MIB,
        "printed {} MiB, peak {} MiB, exit {:?}: {}",
        watched.printed / MIB,
        watched.peak / MIB,
        watched.status,
        watched.stderr
    );
    assert!(watched.peak <= 128 * MIB, "peak {} MiB", watched.peak / MIB);
}

/// An answer that must be parsed (JSON, or any answer with `-o json|yaml`) is read up to the
/// typed calls' limit, then refused with a way out (`--raw`).
#[test]
fn an_endless_document_is_refused_at_the_limit() {
    let json = fake::endless("application/json", b"[", b"1,");
    let text = fake::endless("text/plain", b"", b"line\n");
    for (url, output) in [(&json, "table"), (&text, "yaml")] {
        let watched = watch(
            against(url, &["api", "GET", "/jobs/overview", "-o", output]),
            u64::MAX,
            512 * MIB,
        );
        assert_eq!(
            watched.status.and_then(|status| status.code()),
            Some(1),
            "peak {} MiB: {}",
            watched.peak / MIB,
            watched.stderr
        );
        assert!(
            watched.stderr.contains("64 MiB") && watched.stderr.contains("--raw"),
            "{}",
            watched.stderr
        );
        assert_eq!(watched.printed, 0);
    }
}

/// `--timeout 3s` ends every command within a few seconds with exit 4, whatever the server
/// leaves unanswered: the first call, the wait for a savepoint after its trigger, or the run
/// of an uploaded jar (whose own limit is ten minutes).
#[test]
fn the_timeout_bounds_the_whole_command() {
    static STOP: &[(&str, &str)] = &[
        (
            "GET /jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/status",
            r#"{"status":"RUNNING"}"#,
        ),
        (
            "POST /jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/stop",
            r#"{"request-id":"0123456789abcdef0123456789abcdef"}"#,
        ),
    ];
    static RUN: &[(&str, &str)] = &[(
        "POST /jars/upload",
        r#"{"filename":"/tmp/flink-web/flink-web-upload/0f1e2d3c_job.jar","status":"success"}"#,
    )];
    let jar = std::env::temp_dir().join(format!("flinkctl-faults-{}.jar", std::process::id()));
    std::fs::write(&jar, b"PK\x03\x04 not really a jar").expect("a jar file");
    let jar = jar.to_str().expect("a UTF-8 path").to_owned();
    let silent = fake::scripted(&[]);
    let stop = fake::scripted(STOP);
    let run = fake::scripted(RUN);
    let cases = [
        (&silent, &["overview"][..]),
        (&silent, &["api", "GET", "/overview"]),
        (&stop, &["stop", JOB]),
        (&stop, &["savepoint", JOB]),
        (&run, &["run", &jar]),
    ];
    // Side by side: each takes its three seconds.
    std::thread::scope(|scope| {
        for (url, args) in cases {
            scope.spawn(move || {
                let mut all = vec!["--timeout", "3s"];
                all.extend_from_slice(args);
                let started = Instant::now();
                let watched = watch(against(url, &all), u64::MAX, u64::MAX);
                let took = started.elapsed();
                assert_eq!(
                    watched.status.and_then(|status| status.code()),
                    Some(4),
                    "{args:?} after {took:?}: {}",
                    watched.stderr
                );
                assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
            });
        }
    });
    let _ = std::fs::remove_file(&jar);
}

/// `--timeout` limits each refresh of a command that runs until quit, not the command.
#[test]
fn the_timeout_does_not_end_a_followed_log() {
    static LOG: &[(&str, &str)] = &[("GET /jobmanager/log", "2024-05-01 INFO started")];
    let url = fake::scripted(LOG);
    let mut child = against(&url, &["--timeout", "1s", "jobmanager", "log", "--follow"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("flinkctl runs");
    std::thread::sleep(Duration::from_secs(3));
    let status = child.try_wait().expect("the child's status");
    let _ = child.kill();
    let output = child.wait_with_output().expect("flinkctl ends");
    assert_eq!(status, None, "{}", String::from_utf8_lossy(&output.stderr));
}

/// A savepoint or stop whose wait runs out of time says which trigger goes on in Flink, and
/// how to wait for it again.
#[test]
fn a_timed_out_savepoint_names_its_trigger() {
    static STOP: &[(&str, &str)] = &[
        (
            "GET /jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/status",
            r#"{"status":"RUNNING"}"#,
        ),
        (
            "POST /jobs/a1b2c3d4e5f60718293a4b5c6d7e8f90/",
            r#"{"request-id":"0123456789abcdef0123456789abcdef"}"#,
        ),
    ];
    let url = fake::scripted(STOP);
    for verb in ["stop", "savepoint"] {
        let output = against(&url, &["--timeout", "2s", verb, JOB])
            .output()
            .expect("flinkctl runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(4), "{verb}: {stderr}");
        assert!(
            stderr.contains(&format!("flinkctl wait savepoint {JOB} {TRIGGER}")),
            "{verb}: {stderr}"
        );
    }
}
