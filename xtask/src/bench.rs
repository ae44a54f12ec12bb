//! `cargo xtask bench`: runs the side-by-side benchmark of `bench/` and checks its ratios.
//!
//! The benchmark (`bench/benches/side_by_side.rs`) makes every case with flink-rs and with a
//! bare hyper-util client (the floor) in one run, alternating, and times `flinkctl overview`
//! against curl; it writes `target/bench/side_by_side.json`. Only ratios measured in one run
//! mean something on a shared machine, so the budgets are ratios ([`budgets`]); their reasons
//! are in `docs/benchmarks.md`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::paths::target_dir;
use crate::test::cargo;

/// `cargo xtask bench` options.
#[derive(clap::Args)]
pub(crate) struct BenchArgs {
    /// Only check the budgets, from the last run's results.
    #[arg(long)]
    no_run: bool,
    /// Run only these cases (comma-separated names, as the report shows them); the budgets
    /// of the others are skipped.
    #[arg(long, value_name = "CASES")]
    only: Option<String>,
}

/// What a case must reach.
#[derive(Clone, Copy, Debug)]
enum Budget {
    /// flink-rs's median time at most this many times the floor's.
    TimeOfFloor(f64),
    /// flink-rs's median CPU time at most this many times the floor's.
    CpuOfFloor(f64),
    /// The highest resident memory of flink-rs's process at most this many MiB.
    PeakMib(f64),
    /// flink-rs's (flinkctl's) median time at most this many times curl's.
    TimeOfCurl(f64),
}

/// One budget of one case.
struct Check {
    case: &'static str,
    budget: Budget,
}

/// The cases compared with the floor, in the order the benchmark runs them.
const COMPARED: [&str; 8] = [
    "overview",
    "overview_8_concurrent",
    "overview_64_concurrent",
    "taskmanager_metrics",
    "job_details_200_vertices",
    "checkpoints_history_100",
    "log_1_gib",
    "upload_256_mib",
];

/// The streamed transfers, whose memory is budgeted too.
const TRANSFERS: [&str; 2] = ["log_1_gib", "upload_256_mib"];

/// Every budget, in the order they are reported: no slower than the floor and at most 5 %
/// more CPU in every case, streamed transfers in 8 MiB, and `flinkctl overview` at most
/// half again as long as curl.
fn budgets() -> Vec<Check> {
    let mut checks: Vec<Check> = COMPARED
        .into_iter()
        .flat_map(|case| {
            [
                Check {
                    case,
                    budget: Budget::TimeOfFloor(1.0),
                },
                Check {
                    case,
                    budget: Budget::CpuOfFloor(1.05),
                },
            ]
        })
        .collect();
    checks.extend(TRANSFERS.map(|case| Check {
        case,
        budget: Budget::PeakMib(8.0),
    }));
    checks.push(Check {
        case: "flinkctl_overview",
        budget: Budget::TimeOfCurl(1.5),
    });
    checks
}

/// Runs the benchmark (unless `--no-run`) and fails when a budget is missed.
pub(crate) fn run(args: &BenchArgs) -> Result<()> {
    let target_dir = target_dir();
    let out = target_dir.join("bench").join("side_by_side.json");
    if !args.no_run {
        // flinkctl as users get it: the release profile the benchmark is built with too.
        cargo(
            &["build", "--release", "-p", "flink-cli", "--bin", "flinkctl"],
            &[],
        )?;
        std::fs::create_dir_all(target_dir.join("bench"))?;
        let flinkctl = target_dir.join("release").join("flinkctl");
        let mut env = vec![
            ("FLINK_BENCH_OUT".to_owned(), out.display().to_string()),
            (
                "FLINK_BENCH_FLINKCTL".to_owned(),
                flinkctl.display().to_string(),
            ),
        ];
        if let Some(only) = &args.only {
            env.push(("FLINK_BENCH_ONLY".to_owned(), only.clone()));
        }
        cargo(
            &["bench", "-p", "flink-bench", "--bench", "side_by_side"],
            &env,
        )?;
    }
    let results = read_json(&out)?;
    let (report, missed) = judge_all(&results)?;
    print!("{report}");
    if missed > 0 {
        bail!("{missed} of {} budgets missed", budgets().len());
    }
    Ok(())
}

/// The report of every budget, and how many were missed. A budget whose case was not measured
/// for a reason the run notes (`--only`, curl not installed) is reported as skipped.
fn judge_all(results: &Value) -> Result<(String, usize)> {
    let mut report = String::new();
    writeln!(
        report,
        "machine: {}",
        results["machine"].as_str().unwrap_or("unknown")
    )?;
    writeln!(
        report,
        "{:<26} {:<22} {:>10} {:>10}  result",
        "case", "budget", "measured", "allowed"
    )?;
    let mut missed = 0;
    for check in budgets() {
        let case = results["cases"]
            .as_array()
            .and_then(|cases| cases.iter().find(|case| case["name"] == check.case));
        let (what, allowed) = describe(check.budget);
        let Some(case) = case else {
            // Skipped only for a reason the run gave (`--only`, curl not installed); a case
            // that is simply absent (renamed, say) misses its budget.
            let reason = results["notes"].as_array().and_then(|notes| {
                notes.iter().filter_map(Value::as_str).find_map(|note| {
                    note.strip_prefix(check.case)?
                        .strip_prefix(':')
                        .map(str::trim)
                })
            });
            let verdict = if let Some(reason) = reason {
                format!("skipped ({reason})")
            } else {
                missed += 1;
                "MISSED (not measured)".to_owned()
            };
            writeln!(
                report,
                "{:<26} {what:<22} {:>10} {allowed:>10}  {verdict}",
                check.case, "-"
            )?;
            continue;
        };
        let measured = measure(case, check.budget)
            .with_context(|| format!("the results of `{}`", check.case))?;
        let met = measured <= limit(check.budget);
        if !met {
            missed += 1;
        }
        let shown = match check.budget {
            Budget::PeakMib(_) => format!("{measured:.1} MiB"),
            _ => format!("x{measured:.3}"),
        };
        let verdict = if met { "ok" } else { "MISSED" };
        writeln!(
            report,
            "{:<26} {what:<22} {shown:>10} {allowed:>10}  {verdict}",
            check.case
        )?;
    }
    Ok((report, missed))
}

fn describe(budget: Budget) -> (&'static str, String) {
    match budget {
        Budget::TimeOfFloor(most) => ("time / floor's", format!("x{most:.2}")),
        Budget::CpuOfFloor(most) => ("CPU / floor's", format!("x{most:.2}")),
        Budget::PeakMib(most) => ("peak resident memory", format!("{most:.0} MiB")),
        Budget::TimeOfCurl(most) => ("time / curl's", format!("x{most:.2}")),
    }
}

fn limit(budget: Budget) -> f64 {
    match budget {
        Budget::TimeOfFloor(most)
        | Budget::CpuOfFloor(most)
        | Budget::PeakMib(most)
        | Budget::TimeOfCurl(most) => most,
    }
}

/// The value a budget judges: a ratio, or MiB.
fn measure(case: &Value, budget: Budget) -> Result<f64> {
    let number = |side: &str, field: &str| {
        case[side][field]
            .as_f64()
            .with_context(|| format!("no `{side}.{field}`"))
    };
    // The medians of the rounds' ratios (each round runs both sides back to back).
    let ratio = |field: &str| {
        case[field]
            .as_f64()
            .with_context(|| format!("no `{field}`"))
    };
    Ok(match budget {
        Budget::TimeOfFloor(_) => ratio("time_ratio")?,
        Budget::CpuOfFloor(_) => ratio("cpu_ratio")?,
        Budget::PeakMib(_) => number("flink_rs", "peak_rss_mib")?,
        Budget::TimeOfCurl(_) => number("flink_rs", "wall_us")? / number("curl", "wall_us")?,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn results(time: f64, peak: f64) -> Value {
        json!({
            "machine": "2 CPUs, a test",
            "cases": [
                {"name": "overview", "time_ratio": time, "cpu_ratio": 1.0, "flink_rs": {"wall_us": 100.0 * time, "cpu_us": 50.0}, "floor": {"wall_us": 100.0, "cpu_us": 50.0}},
                {"name": "log_1_gib", "time_ratio": 1.0, "cpu_ratio": 0.9, "flink_rs": {"wall_us": 1e5, "cpu_us": 9e4, "peak_rss_mib": peak}, "floor": {"wall_us": 1e5, "cpu_us": 1e5}},
                {"name": "flinkctl_overview", "flink_rs": {"wall_us": 3000.0}, "curl": {"wall_us": 2500.0}},
            ],
            "notes": COMPARED
                .iter()
                .filter(|case| !["overview", "log_1_gib"].contains(case))
                .map(|case| format!("{case}: not measured"))
                .collect::<Vec<_>>(),
        })
    }

    #[test]
    fn budgets_judge_ratios_and_skip_cases_not_measured() {
        let (report, missed) = judge_all(&results(1.0, 6.0)).unwrap();
        assert_eq!(missed, 0, "{report}");
        assert!(report.contains("overview_8_concurrent"), "{report}");
        assert!(report.contains("skipped (not measured)"), "{report}");
        assert!(report.contains("x1.200"), "flinkctl over curl: {report}");

        let (report, missed) = judge_all(&results(1.01, 9.0)).unwrap();
        assert_eq!(missed, 2, "{report}");
        assert_eq!(report.matches("MISSED").count(), 2, "{report}");
        // A case absent without a note (renamed, say) misses its two budgets.
        let mut unnoted = results(1.0, 6.0);
        unnoted["notes"] = json!([]);
        let (report, missed) = judge_all(&unnoted).unwrap();
        assert_eq!(
            missed, 13,
            "6 cases times 2, and the upload's memory: {report}"
        );
        assert!(report.contains("MISSED (not measured)"), "{report}");
    }

    #[test]
    fn every_compared_case_has_a_time_and_a_cpu_budget_and_transfers_a_memory_one() {
        for case in COMPARED {
            let kinds: Vec<_> = budgets()
                .into_iter()
                .filter(|check| check.case == case)
                .map(|check| std::mem::discriminant(&check.budget))
                .collect();
            let transfers = usize::from(TRANSFERS.contains(&case));
            assert_eq!(kinds.len(), 2 + transfers, "{case}");
        }
        assert!(
            budgets()
                .iter()
                .any(|check| check.case == "flinkctl_overview")
        );
    }
}
