//! `flinkctl checkpoint JOB [--full]`: take a checkpoint now, as `flink checkpoint` does.

use flink_client::models::jobs::checkpoints::CheckpointType;

use super::{Ctx, verb};
use crate::exit::Failure;

/// `flinkctl checkpoint`'s arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl checkpoint 5e20cb6b0f357591171dfcca2eea09de\n",
    "  flinkctl checkpoint 5e20cb6b0f357591171dfcca2eea09de --full",
))]
pub(crate) struct Args {
    /// The job's id.
    pub(crate) job: String,
    /// A full checkpoint, also when the state backend checkpoints incrementally.
    #[arg(long)]
    pub(crate) full: bool,
}

/// Triggers the checkpoint, waits for it (`--timeout`) and prints its id.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let job = verb::live_job(ctx, &args.job, "checkpoint").await?;
    let kind = if args.full {
        CheckpointType::Full
    } else {
        CheckpointType::Configured
    };
    let operation = ctx
        .call(ctx.client.trigger_checkpoint(job.clone(), kind))
        .await?;
    let doing = format!("checkpointing job {job}");
    let id = verb::finish_operation(ctx, &operation, None, &doing, None).await?;
    ctx.info(&format!("flinkctl: checkpoint {id} of job {job} completed"));
    verb::print(
        ctx,
        &id.to_string(),
        &serde_json::json!({ "checkpoint-id": id }),
    )
}
