//! `cargo xtask demo`: what a newcomer runs first. Starts a local Flink, runs the quick-start
//! example against it, and stops Flink again unless asked to keep it.

use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Args;

use crate::flink::{self, UpArgs};
use crate::paths::workspace_root;

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

    println!("==> running the quick-start example (examples/quickstart.rs) against it");
    let example = Instant::now();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args([
            "run",
            "-q",
            "-p",
            "flink-examples",
            "--example",
            "quickstart",
        ])
        .current_dir(workspace_root())
        .envs(cluster.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .status();
    println!("    finished after {:.1}s", example.elapsed().as_secs_f64());

    if args.keep {
        println!(
            "==> Flink keeps running at {}; stop it with `cargo xtask flink down --port {DEMO_PORT}`",
            cluster.var("FLINK_REST_URL").unwrap_or_default()
        );
    } else {
        println!("==> stopping Flink");
        flink::down(Some(DEMO_PORT))?;
    }
    match status {
        Ok(status) if status.success() => {
            println!("==> demo done in {:.1}s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Ok(status) => bail!("the quick-start example failed ({status})"),
        Err(error) => bail!("could not run cargo: {error}"),
    }
}
