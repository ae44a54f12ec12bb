//! `cargo xtask demo`: what a newcomer runs first. Starts a local Flink, runs the quick-start
//! example and a job's whole lifecycle (with the test job) against it, and stops Flink again
//! unless asked to keep it.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::flink::{self, UpArgs};
use crate::paths::workspace_root;
use crate::testjob;

/// Port of the demo cluster's REST API (and web UI).
const DEMO_PORT: u16 = 18080;

/// Arguments of `cargo xtask demo`.
#[derive(Args)]
pub(crate) struct DemoArgs {
    /// The Flink version to run.
    #[arg(long, default_value = "2.3.0")]
    version: String,
    /// Leave the cluster running afterwards (stop it with `cargo xtask flink down`).
    #[arg(long)]
    keep: bool,
}

pub(crate) fn run(args: &DemoArgs) -> Result<()> {
    let started = Instant::now();
    println!(
        "==> starting Flink {} on http://127.0.0.1:{DEMO_PORT} (first run downloads it from PyPI)",
        args.version
    );
    let cluster = flink::up(&UpArgs::plain(&args.version, DEMO_PORT))?;
    println!("    ready after {:.1}s", started.elapsed().as_secs_f64());

    let status = testjob::build(&args.version).and_then(|jar| {
        for (example, what) in [
            (
                "quickstart",
                "the quick-start example (examples/quickstart.rs)",
            ),
            (
                "lifecycle",
                "a job's lifecycle (examples/lifecycle.rs) with the test job",
            ),
        ] {
            println!("==> running {what}");
            let begin = Instant::now();
            let status = run_example(example, &cluster.env, &jar);
            println!("    finished after {:.1}s", begin.elapsed().as_secs_f64());
            status?;
        }
        println!("==> the same from a terminal, with flinkctl (crates/flink-cli)");
        let begin = Instant::now();
        let status = flinkctl_session(&cluster.env, &jar);
        println!("    finished after {:.1}s", begin.elapsed().as_secs_f64());
        status
    });

    if args.keep {
        println!(
            "==> Flink keeps running at {}; stop it with `cargo xtask flink down --port {DEMO_PORT}`",
            cluster.var("FLINK_REST_URL").unwrap_or_default()
        );
    } else {
        println!("==> stopping Flink");
        flink::down(Some(DEMO_PORT))?;
    }
    status?;
    println!("==> demo done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs part of a lifecycle with flinkctl, printing each command and what it printed.
fn flinkctl_session(env: &[(String, String)], jar: &Path) -> Result<()> {
    let jar = jar.display().to_string();
    let job = flinkctl(env, &["run", &jar, "--rate", "20"])?;
    let job = job.trim();
    for args in [
        vec!["list", "-r"],
        vec!["jobs", "plan", job],
        vec!["savepoint", job],
        vec!["stop", job],
        vec!["list", "-a"],
    ] {
        flinkctl(env, &args)?;
    }
    Ok(())
}

/// Runs `flinkctl ARGS` (built by cargo) against the cluster in `env`; returns its output.
fn flinkctl(env: &[(String, String)], args: &[&str]) -> Result<String> {
    println!("$ flinkctl {}", args.join(" "));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["run", "-q", "-p", "flink-cli", "--"])
        .args(args)
        .current_dir(workspace_root())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("could not run cargo")?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    if !output.status.success() {
        bail!("flinkctl {} failed ({})", args.join(" "), output.status);
    }
    Ok(stdout)
}

/// Runs one of the examples against the cluster described by `env`.
fn run_example(example: &str, env: &[(String, String)], jar: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["run", "-q", "-p", "flink-examples", "--example", example])
        .current_dir(workspace_root())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("FLINK_DEMO_JAR", jar)
        .status()
        .context("could not run cargo")?;
    if !status.success() {
        bail!("the {example} example failed ({status})");
    }
    Ok(())
}
