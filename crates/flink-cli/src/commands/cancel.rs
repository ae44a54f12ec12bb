//! `flinkctl cancel JOB`: cancel a job, as `flink cancel` does (PATCH /jobs/ID); with
//! `-s [DIR]`, take a savepoint first and cancel the job once it is written (POST
//! /jobs/ID/savepoints with `cancel-job`, Flink's deprecated cancel with savepoint).

use flink_client::api::JobId;
use flink_client::api::jobs::CancelJob;

use super::{Ctx, savepoint, verb};
use crate::exit::Failure;

/// `flinkctl cancel`'s arguments.
// The doc comments are the `--help` text.
#[allow(clippy::doc_markdown)]
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl cancel 5e20cb6b0f357591171dfcca2eea09de\n",
    "  flinkctl cancel -s file:///savepoints 5e20cb6b0f357591171dfcca2eea09de\n",
    "  flinkctl cancel -s 5e20cb6b0f357591171dfcca2eea09de\n",
    "\n",
    "`-s JOB` alone takes JOB for the job, as `flink cancel -s` does. `flinkctl stop` is the\n",
    "better way to end a job with a savepoint: it stops the sources first.",
))]
pub(crate) struct Args {
    /// The job's id.
    #[arg(required_unless_present = "with_savepoint")]
    pub(crate) job: Option<String>,
    /// Take a savepoint into DIR (default: the cluster's state.savepoints.dir), then cancel
    /// the job; prints the savepoint's location.
    #[arg(
        short = 's',
        long = "withSavepoint",
        visible_alias = "with-savepoint",
        value_name = "DIR",
        num_args = 0..=1
    )]
    #[allow(
        clippy::option_option,
        reason = "clap's shape of a flag whose value may be left out: none, `-s`, `-s DIR`"
    )]
    pub(crate) with_savepoint: Option<Option<String>>,
}

/// What `cancel` is asked to do.
#[derive(Debug, PartialEq, Eq)]
enum Cancel<'a> {
    /// Cancel the job at once.
    Now(&'a str),
    /// Take a savepoint into the directory (else the cluster's default), then cancel.
    WithSavepoint(&'a str, Option<&'a str>),
}

impl<'a> Cancel<'a> {
    /// The arguments read as `flink cancel` reads them: without a job id, the value of `-s`
    /// is the job, not a directory.
    fn of(args: &'a Args) -> Result<Self, Failure> {
        let job = args.job.as_deref();
        match (job, &args.with_savepoint) {
            (Some(job), None) => Ok(Self::Now(job)),
            (Some(job), Some(dir)) => Ok(Self::WithSavepoint(job, dir.as_deref())),
            (None, Some(Some(job))) => Ok(Self::WithSavepoint(job, None)),
            (None, _) => Err(Failure::Usage(
                "cancel needs a job id: `flinkctl cancel JOB` or `flinkctl cancel -s [DIR] JOB`"
                    .to_owned(),
            )),
        }
    }
}

/// Cancels the job (with a savepoint first if asked, printing its location); prints the
/// server's answer with `-o json|yaml`.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    match Cancel::of(args)? {
        Cancel::Now(job) => {
            let job: JobId = job.parse()?;
            let json = ctx.json(CancelJob::new(job.clone())).await?;
            verb::print_named(ctx, &format!("cancelled job {job}"), job.as_str(), &json)
        }
        Cancel::WithSavepoint(job, dir) => {
            let job = verb::live_job(ctx, job, "cancel").await?;
            let options = savepoint::options(dir, None).cancel_job(true);
            let operation = ctx.call(ctx.client.trigger_savepoint(job, options)).await?;
            savepoint::finish(ctx, &operation, false, "cancelling").await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::parse;

    #[test]
    fn cancel_reads_its_arguments_as_flink_cancel_does() {
        let cases: [(&[&str], Cancel<'_>); 7] = [
            (&["j"], Cancel::Now("j")),
            (&["-s", "j"], Cancel::WithSavepoint("j", None)),
            (&["j", "-s"], Cancel::WithSavepoint("j", None)),
            (
                &["-s", "file:///sp", "j"],
                Cancel::WithSavepoint("j", Some("file:///sp")),
            ),
            (&["j", "-s", "/sp"], Cancel::WithSavepoint("j", Some("/sp"))),
            (
                &["--withSavepoint", "/sp", "j"],
                Cancel::WithSavepoint("j", Some("/sp")),
            ),
            (
                &["j", "--with-savepoint=/sp"],
                Cancel::WithSavepoint("j", Some("/sp")),
            ),
        ];
        for (args, expected) in cases {
            let read: Args = parse(args).unwrap();
            assert_eq!(Cancel::of(&read).unwrap(), expected, "{args:?}");
        }
    }

    #[test]
    fn cancel_without_a_job_is_bad_usage() {
        assert!(parse::<Args>(&[]).is_err());
        let read: Args = parse(&["-s"]).unwrap();
        let failure = Cancel::of(&read).unwrap_err();
        assert!(failure.to_string().contains("needs a job id"), "{failure}");
    }
}
