//! `cargo xtask fixtures`: records real answers of a local Flink as the JSON fixtures the
//! model tests decode (`crates/flink-models/tests/fixtures/VERSION/NAME.json`).

use std::fs;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::flink::{self, UpArgs, http};
use crate::paths::workspace_root;

/// Port of the cluster the fixtures are recorded from.
const FIXTURE_PORT: u16 = 18090;

/// Arguments of `cargo xtask fixtures`.
#[derive(Args)]
pub(crate) struct FixturesArgs {
    /// Flink versions to record.
    #[arg(long, value_delimiter = ',', default_value = "2.3.0,1.20.5")]
    versions: Vec<String>,
}

pub(crate) fn run(args: &FixturesArgs) -> Result<()> {
    for version in &args.versions {
        flink::up(&UpArgs::plain(version, FIXTURE_PORT))?;
        let recorded = record(version);
        flink::down(Some(FIXTURE_PORT))?;
        recorded?;
    }
    Ok(())
}

fn record(version: &str) -> Result<()> {
    let dir = workspace_root()
        .join("crates/flink-models/tests/fixtures")
        .join(version);
    fs::create_dir_all(&dir)?;
    let get = |path: &str| -> Result<serde_json::Value> {
        let body = http::get(FIXTURE_PORT, path)?;
        serde_json::from_str(&body).with_context(|| format!("GET {path} is not JSON: {body}"))
    };
    // Metrics appear once Flink's metric fetcher has run (a few seconds after the first ask).
    let deadline = Instant::now() + Duration::from_secs(30);
    while get("/jobmanager/metrics")?
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        if Instant::now() > deadline {
            bail!("no JobManager metrics after 30 s");
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let taskmanager = get("/taskmanagers")?["taskmanagers"][0]["id"]
        .as_str()
        .context("no TaskManager registered")?
        .to_owned();
    let tm = format!("/taskmanagers/{}", taskmanager.replace(':', "%3A"));
    // The `skew` aggregation came with Flink 1.20.
    let aggregations = if flink::is_older_than(version, 1, 20) {
        "min,max,avg,sum"
    } else {
        "min,max,avg,sum,skew"
    };
    let mut paths = vec![
        ("overview", "/overview".to_owned()),
        ("dashboard_config", "/config".to_owned()),
        ("datasets", "/datasets".to_owned()),
        ("jobmanager_config", "/jobmanager/config".to_owned()),
        (
            "jobmanager_environment",
            "/jobmanager/environment".to_owned(),
        ),
        ("jobmanager_logs", "/jobmanager/logs".to_owned()),
        (
            "jobmanager_thread_dump",
            "/jobmanager/thread-dump".to_owned(),
        ),
        ("jobmanager_metric_names", "/jobmanager/metrics".to_owned()),
        (
            "jobmanager_metrics",
            "/jobmanager/metrics?get=numRegisteredTaskManagers,Status.JVM.CPU.Load".to_owned(),
        ),
        ("taskmanagers", "/taskmanagers".to_owned()),
        ("taskmanager_details", tm.clone()),
        ("taskmanager_logs", format!("{tm}/logs")),
        (
            "taskmanager_metrics",
            format!("{tm}/metrics?get=Status.JVM.Memory.Heap.Used"),
        ),
        (
            "taskmanagers_metrics",
            format!("/taskmanagers/metrics?get=Status.JVM.Memory.Heap.Used&agg={aggregations}"),
        ),
    ];
    if flink::is_older_than(version, 1, 16) {
        // Flink 1.15 has no such endpoint.
        paths.retain(|(name, _)| *name != "jobmanager_environment");
    }
    let count = paths.len();
    for (name, path) in paths {
        let mut value = get(&path)?;
        // Keep fixtures small: a few threads, a few configuration entries and metric names.
        if let Some(threads) = value
            .get_mut("threadInfos")
            .and_then(serde_json::Value::as_array_mut)
        {
            threads.truncate(3);
        }
        if let Some(items) = value.as_array_mut() {
            items.truncate(12);
        }
        let text = serde_json::to_string_pretty(&value)? + "\n";
        fs::write(dir.join(format!("{name}.json")), text)?;
    }
    eprintln!(
        "xtask: recorded {count} fixtures of Flink {version} in {}",
        dir.display()
    );
    Ok(())
}
