//! `flinkctl cancel JOB`: cancel a job, as `flink cancel` does (PATCH /jobs/ID).

use flink_client::api::JobId;
use flink_client::api::jobs::CancelJob;

use super::{Ctx, verb};
use crate::exit::Failure;

/// `flinkctl cancel`'s arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  flinkctl cancel 5e20cb6b0f357591171dfcca2eea09de")]
pub(crate) struct Args {
    /// The job's id.
    pub(crate) job: String,
}

/// Cancels the job; prints the server's answer with `-o json|yaml`.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let job: JobId = args.job.parse()?;
    let json = ctx.json(CancelJob::new(job.clone())).await?;
    verb::print(ctx, &format!("cancelled job {job}"), &json)
}
