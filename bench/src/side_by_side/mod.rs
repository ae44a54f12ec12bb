//! The side-by-side benchmark: every case made by flink-rs and by the floor (a bare
//! hyper-util client, [`crate::floor`]) in one run, alternating, against one loopback server in
//! a process of its own; curl as a reference where installed. `cargo xtask bench` runs it and
//! checks the ratios against their budgets (`docs/benchmarks.md`).
//!
//! The benchmark binary plays three roles: the benchmark, the server
//! ([`SERVE_ROLE`]) and a transfer process ([`transfer::TRANSFER_ROLE`]).

pub mod calls;
pub mod measure;
pub mod processes;
pub mod report;
pub mod transfer;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use calls::{CASES, Case, Clients, Side};
use measure::{Sample, batch, calibrate, median};
use report::{CaseResult, Measured, Ratios, Results};
use transfer::{Transfer, TransferOrder};

/// The environment variable that makes the benchmark binary the loopback server.
pub const SERVE_ROLE: &str = "FLINK_BENCH_SERVE";

/// The environment variable naming the `flinkctl` binary to time against curl.
pub const FLINKCTL: &str = "FLINK_BENCH_FLINKCTL";

/// The environment variable naming the file the results are written to (JSON).
pub const OUT: &str = "FLINK_BENCH_OUT";

/// The environment variable that limits the run to some cases (names, comma-separated).
pub const ONLY: &str = "FLINK_BENCH_ONLY";

/// How many batches each side of a JSON case runs; the medians count.
const ROUNDS: usize = 21;

/// How long one batch of a JSON case lasts.
const BATCH: Duration = Duration::from_millis(100);

/// How many times each side of a transfer runs, each in a fresh process.
const TRANSFER_ROUNDS: usize = 7;

/// The benchmark binary's `main`: the role its environment gives it.
pub fn main() {
    if let Ok(order) = std::env::var(transfer::TRANSFER_ROLE) {
        report::print_line(&transfer::run_order(&order));
    } else if std::env::var_os(SERVE_ROLE).is_some() {
        crate::server::serve_until_stdin_closes().expect("the loopback server runs");
    } else {
        run();
    }
}

/// Runs every case and reports.
fn run() {
    let (mut server, url) = start_server();
    let scratch = std::env::temp_dir().join(format!("flink-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    let curl = processes::curl_installed();
    let mut results = Results::new(curl);
    let only = std::env::var(ONLY).unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|case| case.trim() == name);
    let names = CASES.iter().map(|case| case.name).chain([
        Transfer::Log.name(),
        Transfer::Upload.name(),
        "flinkctl_overview",
    ]);
    for name in names.filter(|name| !wanted(name)) {
        results.note(&format!("{name}: not run, {ONLY} names other cases"));
    }

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let clients = Clients::new(&url);
    for case in CASES.into_iter().filter(|case| wanted(case.name)) {
        let mut result = runtime.block_on(json_case(&clients, case));
        if curl {
            let each = processes::curl_json(
                &url,
                &case.call.path_and_query(),
                case.concurrency,
                &scratch,
            );
            result.curl = Some(Measured::wall(each).into());
        }
        results.push(result);
    }
    drop(runtime);

    let jar = transfer::sparse_jar(&scratch);
    for transfer in [Transfer::Log, Transfer::Upload]
        .into_iter()
        .filter(|transfer| wanted(transfer.name()))
    {
        let mut result = transfer_case(transfer, &url, &jar);
        if curl {
            let wall = match transfer {
                Transfer::Log => processes::curl_log(&url, &scratch),
                Transfer::Upload => processes::curl_upload(&url, &jar, &scratch),
            };
            result.curl = Some(Measured::wall(wall).into());
        }
        results.push(result);
    }

    match std::env::var_os(FLINKCTL) {
        _ if !wanted("flinkctl_overview") => {}
        Some(flinkctl) if curl => {
            let (flinkctl, curl) =
                processes::flinkctl_and_curl_overview(Path::new(&flinkctl), &url, &scratch);
            results.push(CaseResult::process("flinkctl_overview", flinkctl, curl));
        }
        Some(_) => results.note("flinkctl_overview: not measured, curl is not installed"),
        None => results.note(&format!(
            "flinkctl_overview: not measured, {FLINKCTL} is not set"
        )),
    }

    let _ = std::fs::remove_dir_all(&scratch);
    stop_server(&mut server);
    results.finish(std::env::var_os(OUT).map(PathBuf::from).as_deref());
}

/// One JSON case: both sides in turns, the first side of each round alternating.
async fn json_case(clients: &Clients, case: Case) -> CaseResult {
    // Both sides warm up (connections, caches, flink-rs's version lookup) and run batches of
    // one size, the floor's calibration.
    let count = calibrate(BATCH, || clients.operation(Side::Floor, case)).await;
    calibrate(BATCH, || clients.operation(Side::FlinkRs, case)).await;
    let mut floor = Vec::with_capacity(ROUNDS);
    let mut flink_rs = Vec::with_capacity(ROUNDS);
    for round in 0..ROUNDS {
        let order = if round % 2 == 0 {
            [Side::Floor, Side::FlinkRs]
        } else {
            [Side::FlinkRs, Side::Floor]
        };
        for side in order {
            let sample = batch(count, || clients.operation(side, case)).await;
            match side {
                Side::Floor => floor.push(sample),
                Side::FlinkRs => flink_rs.push(sample),
            }
        }
    }
    let operation = match case.concurrency {
        1 => "one call".to_owned(),
        n => format!("{n} calls at once"),
    };
    CaseResult::compared(
        case.name,
        operation,
        &summary(&flink_rs),
        &summary(&floor),
        paired_ratios(&flink_rs, &floor),
    )
}

/// The medians of flink-rs's time and CPU over the floor's in the same round: each round's
/// two batches run back to back, so a change of the machine's pace between rounds (another
/// process, the CPU's clock) cancels out.
fn paired_ratios(flink_rs: &[Sample], floor: &[Sample]) -> Ratios {
    let median_of = |ratio: fn(&Sample, &Sample) -> f64| {
        let mut ratios: Vec<f64> = flink_rs
            .iter()
            .zip(floor)
            .map(|(ours, theirs)| ratio(ours, theirs))
            .collect();
        ratios.sort_by(f64::total_cmp);
        ratios.get(ratios.len() / 2).copied().unwrap_or(f64::NAN)
    };
    Ratios {
        time: median_of(|ours, theirs| ours.wall.as_secs_f64() / theirs.wall.as_secs_f64()),
        cpu: median_of(|ours, theirs| ours.cpu.as_secs_f64() / theirs.cpu.as_secs_f64()),
    }
}

/// The medians of a side's samples.
fn summary(samples: &[Sample]) -> Measured {
    let walls: Vec<Duration> = samples.iter().map(|sample| sample.wall).collect();
    let cpus: Vec<Duration> = samples.iter().map(|sample| sample.cpu).collect();
    Measured {
        wall: median(&walls),
        cpu: Some(median(&cpus)),
        peak_kib: None,
        growth_kib: None,
    }
}

/// One transfer: each side [`TRANSFER_ROUNDS`] times in fresh processes, in ABBA order.
fn transfer_case(transfer: Transfer, url: &str, jar: &Path) -> CaseResult {
    let (mut floor, mut flink_rs) = (Vec::new(), Vec::new());
    for round in 0..TRANSFER_ROUNDS * 2 {
        let side = if matches!(round % 4, 0 | 3) {
            Side::Floor
        } else {
            Side::FlinkRs
        };
        let order = TransferOrder {
            transfer,
            side,
            url: url.to_owned(),
            jar: jar.to_owned(),
        };
        let cost = transfer::in_child_process(&order);
        match side {
            Side::Floor => floor.push(cost),
            Side::FlinkRs => flink_rs.push(cost),
        }
    }
    let times = |costs: &[transfer::TransferCost]| -> Vec<Sample> {
        costs.iter().map(|cost| cost.time).collect()
    };
    let measured = |costs: &[transfer::TransferCost]| Measured {
        peak_kib: costs.iter().map(|cost| cost.peak_kib).max(),
        growth_kib: costs
            .iter()
            .map(|cost| cost.peak_kib.saturating_sub(cost.before_kib))
            .max(),
        ..summary(&times(costs))
    };
    CaseResult::compared(
        transfer.name(),
        "one transfer".to_owned(),
        &measured(&flink_rs),
        &measured(&floor),
        paired_ratios(&times(&flink_rs), &times(&floor)),
    )
}

/// Starts the server process; it and its URL.
fn start_server() -> (Child, String) {
    let exe = std::env::current_exe().expect("the benchmark binary's path");
    let mut server = Command::new(exe)
        .env(SERVE_ROLE, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process starts");
    let stdout = server.stdout.take().expect("the server's stdout");
    let mut url = String::new();
    BufReader::new(stdout)
        .read_line(&mut url)
        .expect("the server prints its URL");
    (server, url.trim().to_owned())
}

/// Closes the server's stdin, which ends it.
fn stop_server(server: &mut Child) {
    drop(server.stdin.take());
    let _ = server.wait();
}
