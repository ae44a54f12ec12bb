//! `flinkctl rescale JOB -p N`: run a job with another parallelism, on the adaptive scheduler
//! (PUT /jobs/ID/resource-requirements), without a savepoint or a restart by hand.

use std::num::NonZeroU32;
use std::time::Duration;

use super::run::check_parallelism;
use super::{Ctx, encode, verb};
use crate::cli::parse_duration;
use crate::exit::Failure;
use crate::progress;

/// `flinkctl rescale`'s arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl rescale 5e20cb6b0f357591171dfcca2eea09de -p 4\n",
    "  flinkctl rescale 5e20cb6b0f357591171dfcca2eea09de -p 2 --detached\n",
    "\n",
    "Every vertex may then run up to N tasks (lower bounds above N drop to N). Flink rescales\n",
    "once it has the slots; without --detached flinkctl waits until every vertex runs N tasks\n",
    "(--for, else --timeout, else 10m). Needs the adaptive scheduler (`jobmanager.scheduler:\n",
    "adaptive`): on the default one flinkctl exits with 5. `flinkctl jobs rescales JOB` lists\n",
    "what the scheduler did (Flink 2.3+).",
))]
pub(crate) struct Args {
    /// The job's id.
    job: String,
    /// The new parallelism of every vertex (at least 1).
    #[arg(short, long, value_name = "N", allow_negative_numbers = true)]
    parallelism: i64,
    /// Return once Flink has the new requirements, without waiting for the rescale.
    #[arg(long)]
    detached: bool,
    /// How long to wait for the rescale.
    #[arg(long = "for", value_parser = parse_duration, value_name = "DURATION")]
    wait_for: Option<Duration>,
}

/// Sets the requirements; waits until the job runs with them unless detached.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    // At least 1 once checked, so never `None`.
    let parallelism = check_parallelism(Some(args.parallelism))?
        .and_then(|value| u32::try_from(value).ok())
        .and_then(NonZeroU32::new)
        .unwrap_or(NonZeroU32::MIN);
    let job = verb::existing_job(ctx, &args.job).await?;
    let requirements = ctx.call(ctx.client.rescale(&job, parallelism)).await?;
    // The PUT answers nothing: `-o json` prints the requirements sent.
    let json = encode(&requirements)?;
    if args.detached {
        return verb::print(
            ctx,
            &format!("job {job}: asked for {parallelism} tasks per vertex"),
            &json,
        );
    }
    let waiting =
        ctx.client
            .wait_for_parallelism(&job, parallelism, verb::deadline(ctx, args.wait_for));
    progress::spin(
        ctx,
        &format!("rescaling job {job} to {parallelism}"),
        waiting,
    )
    .await?;
    verb::print(
        ctx,
        &format!("job {job} runs {parallelism} tasks per vertex"),
        &json,
    )
}
