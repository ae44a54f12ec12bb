//! Whole processes: `flinkctl overview` against `curl`, and curl as a reference for every
//! case (where it is installed).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::measure::median;

/// How often each process runs; the median counts.
const PROCESS_RUNS: usize = 21;

/// How many calls one curl process makes for a JSON case: enough that its start-up cost fades.
const CURL_CALLS: usize = 256;

/// Whether `curl` can be run.
pub fn curl_installed() -> bool {
    Command::new("curl")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// A command with an empty environment but `PATH`, and `HOME` in `home`: no user's
/// configuration (flinkctl contexts, `.curlrc`) or proxy changes what is measured.
fn bare(program: &Path, home: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

/// Runs `command` to its end; how long it took. Panics when it fails.
fn time(command: &mut Command) -> Duration {
    let started = Instant::now();
    let status = command.status().expect("the process starts");
    let took = started.elapsed();
    assert!(status.success(), "{command:?} failed: {status}");
    took
}

/// The median wall time of `flinkctl --url URL overview` and of
/// `curl -s URL/overview`, run alternately.
pub fn flinkctl_and_curl_overview(flinkctl: &Path, url: &str, home: &Path) -> (Duration, Duration) {
    let curl = PathBuf::from("curl");
    let mut flinkctl_runs = Vec::with_capacity(PROCESS_RUNS);
    let mut curl_runs = Vec::with_capacity(PROCESS_RUNS);
    let flinkctl_once = || time(bare(flinkctl, home).args(["--url", url, "overview"]));
    let curl_once = || time(bare(&curl, home).args(["-s", &format!("{url}/overview")]));
    for round in 0..PROCESS_RUNS {
        if round % 2 == 0 {
            flinkctl_runs.push(flinkctl_once());
            curl_runs.push(curl_once());
        } else {
            curl_runs.push(curl_once());
            flinkctl_runs.push(flinkctl_once());
        }
    }
    (median(&flinkctl_runs), median(&curl_runs))
}

/// The median wall time of three runs of curl with `args` (its reference needs no more).
fn curl(home: &Path, args: &[&str], quiet_stderr: bool) -> Duration {
    let runs: Vec<Duration> = (0..3)
        .map(|_| {
            let mut command = bare(Path::new("curl"), home);
            command.arg("-s").args(args);
            if quiet_stderr {
                command.stderr(Stdio::null());
            }
            time(&mut command)
        })
        .collect();
    median(&runs)
}

/// curl's wall time per operation of a JSON case: one process making `CURL_CALLS` calls
/// over one connection, or `concurrency` at a time over as many.
pub fn curl_json(url: &str, path_and_query: &str, concurrency: usize, home: &Path) -> Duration {
    let target = format!("{url}{path_and_query}");
    let limit = concurrency.to_string();
    let mut args = Vec::with_capacity(CURL_CALLS + 3);
    if concurrency > 1 {
        args.extend(["--parallel", "--parallel-max", &limit]);
    }
    args.extend(std::iter::repeat_n(target.as_str(), CURL_CALLS));
    // `-s` does not silence the progress meter of parallel transfers.
    let whole = curl(home, &args, concurrency > 1);
    whole / u32::try_from(CURL_CALLS / concurrency).unwrap_or(1)
}

/// curl's wall time to read the 1 GiB log.
pub fn curl_log(url: &str, home: &Path) -> Duration {
    curl(home, &[&format!("{url}/jobmanager/log")], false)
}

/// curl's wall time to upload `jar` as Flink's web form does (without `Expect: 100-continue`,
/// which Flink does not answer).
pub fn curl_upload(url: &str, jar: &Path, home: &Path) -> Duration {
    let form = format!("jarfile=@{}", jar.display());
    let target = format!("{url}/jars/upload");
    curl(home, &["-H", "Expect:", "-F", &form, &target], false)
}
