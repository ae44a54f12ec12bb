//! `cargo xtask bench`: runs the benchmarks of `bench/` and checks each against its target.
//!
//! Speed comes from criterion (`target/criterion/GROUP/NAME/new/`: the median time, and the
//! bytes per iteration for rates); memory from the `memory` benchmark, which measures the peak
//! of resident memory around each transfer. The targets are in [`TARGETS`], their reasons in
//! `docs/benchmarks.md`; they leave room for a busy 2-core machine.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::paths::target_dir;
use crate::test::cargo;

/// `cargo xtask bench` options.
#[derive(clap::Args)]
pub(crate) struct BenchArgs {
    /// Only check the targets, from the last run's results.
    #[arg(long)]
    no_run: bool,
}

/// What a benchmark must reach.
#[derive(Clone, Copy, Debug)]
enum Limit {
    /// At least this many MiB per second (criterion throughput, or the memory benchmark's).
    MinMibPerSecond(f64),
    /// A median time of at most this many microseconds.
    MaxMicros(f64),
    /// Resident memory grows by at most this many MiB during the benchmark.
    MaxGrowthMib(f64),
}

/// One benchmark's target: its id (`GROUP/NAME` for criterion, the scenario for memory).
struct Target {
    id: &'static str,
    limit: Limit,
}

/// The targets, in the order they are reported.
const TARGETS: &[Target] = &[
    Target {
        id: "decode/overview",
        limit: Limit::MinMibPerSecond(150.0),
    },
    Target {
        id: "decode/jobs_overview_1000_jobs",
        limit: Limit::MinMibPerSecond(150.0),
    },
    Target {
        id: "decode/job_details_100_vertices",
        limit: Limit::MinMibPerSecond(150.0),
    },
    Target {
        id: "decode/checkpoints",
        limit: Limit::MinMibPerSecond(150.0),
    },
    Target {
        id: "decode/taskmanager_thread_dump",
        limit: Limit::MinMibPerSecond(500.0),
    },
    Target {
        id: "round_trip/overview",
        limit: Limit::MaxMicros(250.0),
    },
    Target {
        id: "round_trip/overview_64_concurrent",
        limit: Limit::MaxMicros(5000.0),
    },
    Target {
        id: "upload_jar_256_mib",
        limit: Limit::MaxGrowthMib(16.0),
    },
    Target {
        id: "upload_jar_256_mib",
        limit: Limit::MinMibPerSecond(500.0),
    },
    Target {
        id: "stream_log_256_mib",
        limit: Limit::MaxGrowthMib(16.0),
    },
    Target {
        id: "stream_log_256_mib",
        limit: Limit::MinMibPerSecond(1000.0),
    },
];

/// Runs the benchmarks (unless `--no-run`) and fails when one misses its target.
pub(crate) fn run(args: &BenchArgs) -> Result<()> {
    let target_dir = target_dir();
    let memory_out = target_dir.join("bench").join("memory.jsonl");
    if !args.no_run {
        cargo(
            &[
                "bench",
                "-p",
                "flink-bench",
                "--bench",
                "decode",
                "--bench",
                "round_trip",
            ],
            &[],
        )?;
        std::fs::create_dir_all(target_dir.join("bench"))?;
        let out = (
            "FLINK_BENCH_OUT".to_owned(),
            memory_out.display().to_string(),
        );
        cargo(&["bench", "-p", "flink-bench", "--bench", "memory"], &[out])?;
    }
    let memory = read_memory(&memory_out)?;
    let mut report = String::new();
    let mut missed = 0;
    writeln!(
        report,
        "{:<36} {:>14} {:>16}  result",
        "benchmark", "measured", "target"
    )?;
    for target in TARGETS {
        let measured = measure(&target_dir.join("criterion"), &memory, target)?;
        let (shown, wanted, met) = judge(target.limit, measured);
        if !met {
            missed += 1;
        }
        let verdict = if met { "ok" } else { "MISSED" };
        writeln!(
            report,
            "{:<36} {shown:>14} {wanted:>16}  {verdict}",
            target.id
        )?;
    }
    print!("{report}");
    if missed > 0 {
        bail!("{missed} of {} benchmark targets missed", TARGETS.len());
    }
    Ok(())
}

/// The value `target` is judged on: MiB/s, µs or MiB.
fn measure(criterion: &Path, memory: &[Value], target: &Target) -> Result<f64> {
    let scenario = || {
        memory
            .iter()
            .find(|result| result["name"] == target.id)
            .with_context(|| format!("the memory benchmark reported no `{}`", target.id))
    };
    let number = |value: &Value, what: &str| {
        value
            .as_f64()
            .with_context(|| format!("`{}`: no number for {what}", target.id))
    };
    match target.limit {
        Limit::MaxGrowthMib(_) => number(&scenario()?["peak_growth_mib"], "peak_growth_mib"),
        Limit::MinMibPerSecond(_) if !target.id.contains('/') => {
            number(&scenario()?["mib_per_second"], "mib_per_second")
        }
        Limit::MinMibPerSecond(_) | Limit::MaxMicros(_) => {
            let dir = criterion.join(target.id).join("new");
            let estimates = read_json(&dir.join("estimates.json"))?;
            let nanos = number(&estimates["median"]["point_estimate"], "the median")?;
            if matches!(target.limit, Limit::MaxMicros(_)) {
                return Ok(nanos / 1000.0);
            }
            let benchmark = read_json(&dir.join("benchmark.json"))?;
            let bytes = number(&benchmark["throughput"]["Bytes"], "the bytes per iteration")?;
            Ok(bytes / (1024.0 * 1024.0) / (nanos / 1e9))
        }
    }
}

/// The measured value and the target as text, and whether the target is met.
fn judge(limit: Limit, measured: f64) -> (String, String, bool) {
    match limit {
        Limit::MinMibPerSecond(least) => (
            format!("{measured:.0} MiB/s"),
            format!(">= {least:.0} MiB/s"),
            measured >= least,
        ),
        Limit::MaxMicros(most) => (
            format!("{measured:.1} µs"),
            format!("<= {most:.0} µs"),
            measured <= most,
        ),
        Limit::MaxGrowthMib(most) => (
            format!("+{measured:.1} MiB"),
            format!("<= +{most:.0} MiB"),
            measured <= most,
        ),
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading {} (run `cargo xtask bench` without --no-run first)",
            path.display()
        )
    })?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The memory benchmark's results: one JSON object per line.
fn read_memory(path: &Path) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading {} (run `cargo xtask bench` without --no-run first)",
            path.display()
        )
    })?;
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line).with_context(|| format!("{}: {line}", path.display()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_say_what_they_want_and_judge_both_ways() {
        assert_eq!(
            judge(Limit::MinMibPerSecond(150.0), 356.2),
            ("356 MiB/s".to_owned(), ">= 150 MiB/s".to_owned(), true)
        );
        assert!(!judge(Limit::MaxMicros(250.0), 251.0).2);
        assert!(judge(Limit::MaxGrowthMib(16.0), 1.7).2);
    }

    #[test]
    fn every_target_names_a_benchmark_once_per_limit() {
        for (index, target) in TARGETS.iter().enumerate() {
            let twin = TARGETS[..index].iter().any(|other| {
                other.id == target.id
                    && std::mem::discriminant(&other.limit) == std::mem::discriminant(&target.limit)
            });
            assert!(!twin, "{} has two targets of one kind", target.id);
        }
    }
}
