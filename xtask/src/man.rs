//! `cargo xtask man`: flinkctl's man pages (`flinkctl.1` and one page per subcommand), made
//! from its clap definitions by `flinkctl generate-man`. [`pages`] is what a release ships.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Result, bail};
use clap::Args;

use crate::paths::target_dir;
use crate::test::cargo_command;
use crate::tools::run_checked;

/// Arguments of `cargo xtask man`.
#[derive(Args)]
pub(crate) struct ManArgs {
    /// Where to write the pages [default: target/man].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: &ManArgs) -> Result<()> {
    let out = args.out.clone().unwrap_or_else(|| target_dir().join("man"));
    let pages = pages(&out)?;
    eprintln!("xtask: {} man pages in {}", pages.len(), out.display());
    println!("{}", out.display());
    Ok(())
}

/// Builds flinkctl for this machine and writes its man pages to `out` (created if missing);
/// the pages written. The pages are the same for every target and profile.
pub(crate) fn pages(out: &Path) -> Result<Vec<PathBuf>> {
    let out = std::path::absolute(out)?;
    let mut command = flinkctl();
    command.arg("generate-man").arg(&out);
    let output = run_checked(&mut command, "flinkctl generate-man")?;
    let pages: Vec<PathBuf> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(PathBuf::from)
        .collect();
    if !pages.iter().any(|page| page.ends_with("flinkctl.1")) {
        bail!(
            "flinkctl generate-man wrote no flinkctl.1 to {}",
            out.display()
        );
    }
    Ok(pages)
}

/// `flinkctl` of this workspace, built for this machine if needed (`cargo run`), with cargo's
/// progress showing while it builds; add its arguments.
pub(crate) fn flinkctl() -> Command {
    let mut command = cargo_command(
        &[
            "run",
            "--quiet",
            "-p",
            "flink-cli",
            "--bin",
            "flinkctl",
            "--",
        ],
        &[],
    );
    command.stderr(Stdio::inherit());
    command
}
