//! `flinkctl stop JOB`: stop a job with a savepoint, as `flink stop` does (POST /jobs/ID/stop).

use flink_client::prelude::StopOptions;

use super::savepoint::{Kind, finish};
use super::{Ctx, verb};
use crate::exit::Failure;

/// `flinkctl stop`'s arguments.
// The doc comments are the `--help` text.
#[allow(clippy::doc_markdown)]
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl stop 5e20cb6b0f357591171dfcca2eea09de\n",
    "  flinkctl stop 5e20…09de --savepointPath s3://bucket/savepoints --type native\n",
    "  TRIGGER=$(flinkctl stop 5e20…09de --detached); flinkctl wait savepoint 5e20…09de \"$TRIGGER\"",
))]
pub(crate) struct Args {
    /// The job's id.
    pub(crate) job: String,
    /// Where to write the savepoint (default: the cluster's state.savepoints.dir).
    #[arg(short = 'p', long = "savepointPath", value_name = "DIR")]
    pub(crate) savepoint_path: Option<String>,
    /// Fire every event-time timer before stopping (for jobs that will not be resumed).
    #[arg(short, long)]
    pub(crate) drain: bool,
    /// The savepoint's format (`NATIVE` as Flink spells it, too).
    #[arg(short = 't', long = "type", ignore_case = true, value_name = "TYPE")]
    pub(crate) kind: Option<Kind>,
    /// Print the trigger id and return (then `flinkctl wait savepoint JOB TRIGGER`).
    #[arg(long)]
    pub(crate) detached: bool,
}

/// Stops the job; prints the savepoint's location, or the trigger id when detached.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let job = verb::live_job(ctx, &args.job, "stop").await?;
    let mut options = StopOptions::new().drain(args.drain);
    if let Some(dir) = &args.savepoint_path {
        options = options.target_directory(dir.clone());
    }
    if let Some(kind) = args.kind {
        options = options.format(kind.into());
    }
    let operation = ctx
        .call(ctx.client.stop_with_savepoint(job, options))
        .await?;
    finish(ctx, &operation, args.detached, "stopping").await
}
