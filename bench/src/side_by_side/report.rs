//! The results: a table for people, JSON for `cargo xtask bench` (which judges them).

// A benchmark's report is its output.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

/// What one side of a case measured.
#[derive(Clone, Copy, Debug, Default)]
pub struct Measured {
    /// Median wall time of one operation.
    pub wall: Duration,
    /// Median CPU time of one operation, where measured.
    pub cpu: Option<Duration>,
    /// The highest resident memory of the process, in KiB (transfers).
    pub peak_kib: Option<u64>,
    /// The highest growth of resident memory during the transfer, in KiB (transfers).
    pub growth_kib: Option<u64>,
}

impl Measured {
    /// Only a wall time.
    pub fn wall(wall: Duration) -> Self {
        Self {
            wall,
            ..Self::default()
        }
    }
}

/// flink-rs over the floor, as the rounds' medians.
#[derive(Clone, Copy, Debug)]
pub struct Ratios {
    /// Of the wall time.
    pub time: f64,
    /// Of the CPU time.
    pub cpu: f64,
}

/// One case's results, as written to JSON.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    /// The case.
    pub name: String,
    /// What one operation is.
    pub operation: String,
    /// flink-rs (for `flinkctl_overview`: the flinkctl process).
    pub flink_rs: Side,
    /// The floor, for cases that have one.
    pub floor: Option<Side>,
    /// flink-rs's time over the floor's: the median of the rounds' ratios.
    pub time_ratio: Option<f64>,
    /// flink-rs's CPU time over the floor's: the median of the rounds' ratios.
    pub cpu_ratio: Option<f64>,
    /// curl, where installed.
    pub curl: Option<Side>,
}

/// One side's numbers in JSON.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Side {
    /// Median wall time of one operation, in µs.
    pub wall_us: f64,
    /// Median CPU time of one operation, in µs.
    pub cpu_us: Option<f64>,
    /// The highest resident memory of the process, in MiB.
    pub peak_rss_mib: Option<f64>,
    /// The highest growth of resident memory during the operation, in MiB.
    pub rss_growth_mib: Option<f64>,
}

impl From<Measured> for Side {
    fn from(measured: Measured) -> Self {
        #[allow(clippy::cast_precision_loss)] // a report
        let mib = |kib: u64| kib as f64 / 1024.0;
        Self {
            wall_us: micros(measured.wall),
            cpu_us: measured.cpu.map(micros),
            peak_rss_mib: measured.peak_kib.map(mib),
            rss_growth_mib: measured.growth_kib.map(mib),
        }
    }
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

impl CaseResult {
    /// A case measured on flink-rs and the floor; `operation` says what one operation is.
    pub fn compared(
        name: &str,
        operation: String,
        flink_rs: &Measured,
        floor: &Measured,
        ratios: Ratios,
    ) -> Self {
        Self {
            name: name.to_owned(),
            operation,
            flink_rs: (*flink_rs).into(),
            floor: Some((*floor).into()),
            time_ratio: Some(ratios.time),
            cpu_ratio: Some(ratios.cpu),
            curl: None,
        }
    }

    /// A process timed against curl.
    pub fn process(name: &str, flinkctl: Duration, curl: Duration) -> Self {
        Self {
            name: name.to_owned(),
            operation: "one process".to_owned(),
            flink_rs: Measured::wall(flinkctl).into(),
            floor: None,
            time_ratio: None,
            cpu_ratio: None,
            curl: Some(Measured::wall(curl).into()),
        }
    }
}

/// Every case's results, and notes on what was not measured.
#[derive(Debug, Serialize)]
pub struct Results {
    /// The machine, as `/proc` describes it.
    pub machine: String,
    /// Whether curl was installed.
    pub curl: bool,
    /// The cases.
    pub cases: Vec<CaseResult>,
    /// What was not measured, and why.
    pub notes: Vec<String>,
}

impl Results {
    /// No results yet.
    pub fn new(curl: bool) -> Self {
        Self {
            machine: machine(),
            curl,
            cases: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a case's results, and prints them.
    pub fn push(&mut self, result: CaseResult) {
        print_line(&row(&result));
        self.cases.push(result);
    }

    /// Adds a note, and prints it.
    pub fn note(&mut self, note: &str) {
        print_line(note);
        self.notes.push(note.to_owned());
    }

    /// Writes the results to `out` as JSON.
    pub fn finish(&self, out: Option<&Path>) {
        if let Some(out) = out {
            let json = serde_json::to_vec_pretty(self).expect("JSON");
            std::fs::write(out, json).expect("writing the results");
        }
    }
}

/// A line of output.
pub fn print_line(line: &str) {
    println!("{line}");
}

/// A case as one line: flink-rs, the floor, curl, the ratios.
fn row(result: &CaseResult) -> String {
    let mut line = format!(
        "{:<28} flink-rs {:>10.1} µs",
        result.name, result.flink_rs.wall_us
    );
    if let Some(floor) = result.floor {
        let _ = write!(line, "  floor {:>10.1} µs", floor.wall_us);
    }
    if let (Some(time), Some(cpu)) = (result.time_ratio, result.cpu_ratio) {
        let _ = write!(line, "  time x{time:.3}  cpu x{cpu:.3}");
    }
    if let Some(peak) = result.flink_rs.peak_rss_mib {
        let _ = write!(line, "  peak {peak:.1} MiB");
    }
    if let Some(curl) = result.curl {
        let _ = write!(line, "  curl {:>10.1} µs", curl.wall_us);
    }
    line
}

/// The processor and the number of CPUs, from `/proc/cpuinfo` (Linux).
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map_or("an unknown processor", |rest| {
            rest.trim_start_matches([' ', '\t', ':'])
        });
    let cpus = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!("{cpus} CPUs, {model}")
}
