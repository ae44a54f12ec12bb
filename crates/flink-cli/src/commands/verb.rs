//! What the `flink`-style verbs share: the deadline of a wait, waiting for an asynchronous
//! operation, and printing one result either as a line or as a small document.

use std::time::Duration;

use flink_client::api::JobId;
use flink_client::models::jobs::state::JobState;
use flink_client::operation::OperationKind;
use flink_client::prelude::Operation;

use super::Ctx;
use crate::exit::{self, Failure};
use crate::progress;

/// How long a wait lasts when neither `--for` nor `--timeout` is given.
pub(crate) const DEFAULT_WAIT: Duration = Duration::from_secs(600);

/// The time limit of a wait: `--for`, cut to what is left of `--timeout`, else
/// [`DEFAULT_WAIT`]; so the library's wait ends with the command, with an error that says what
/// it saw.
pub(crate) fn deadline(ctx: &Ctx, wait_for: Option<Duration>) -> Duration {
    match (wait_for, ctx.time_left()) {
        (Some(wait_for), Some(left)) => wait_for.min(left),
        (wait_for, left) => wait_for.or(left).unwrap_or(DEFAULT_WAIT),
    }
}

/// Waits for an operation Flink accepted (`--for`, else `--timeout`), with a spinner saying
/// `doing`. When the time is up (exit 4), says that Flink goes on with it, with its ids, and
/// `resume`: the command that waits for it again, if there is one.
pub(crate) async fn finish_operation<K: OperationKind>(
    ctx: &Ctx,
    operation: &Operation<K>,
    wait_for: Option<Duration>,
    doing: &str,
    resume: Option<String>,
) -> Result<K::Output, Failure> {
    let waiting = operation.wait(deadline(ctx, wait_for));
    let waited = ctx.within(async { waiting.await.map_err(Failure::from) });
    let result = progress::spin(ctx, doing, waited).await;
    if let Err(failure) = &result
        && exit::code(failure) == exit::TIMEOUT
    {
        eprintln!("{}", going_on(&operation.description(), resume.as_deref()));
    }
    result
}

/// What is said of an operation whose wait ran out of time.
fn going_on(operation: &str, resume: Option<&str>) -> String {
    match resume {
        Some(command) => {
            format!(
                "flinkctl: the {operation} goes on in Flink; wait for it again with `{command}`"
            )
        }
        None => format!("flinkctl: the {operation} goes on in Flink"),
    }
}

/// Prints `line` in tables and with `-o name` (a line that is the result's id: a job id, a
/// location), or `json` with `--output json|yaml`.
pub(crate) fn print(ctx: &Ctx, line: &str, json: &serde_json::Value) -> Result<(), Failure> {
    print_named(ctx, line, line, json)
}

/// Prints `line` in tables, `name` (the id of what the verb acted on) with `-o name`, or
/// `json` with `--output json|yaml`.
pub(crate) fn print_named(
    ctx: &Ctx,
    line: &str,
    name: &str,
    json: &serde_json::Value,
) -> Result<(), Failure> {
    ctx.printer
        .print_one(&mut std::io::stdout().lock(), line, name, json)
}

/// The job of `text`, checked to exist and not to have ended (`FlinkClient::job_state`), so that
/// `doing` (`stop`, `rescale`, …) on an unknown or ended job exits with 3 and says why, rather
/// than failing later inside the operation with Flink's "Could not find Flink job".
pub(crate) async fn live_job(ctx: &Ctx, text: &str, doing: &str) -> Result<JobId, Failure> {
    let job: JobId = text.parse()?;
    let state = ctx.call(ctx.client.job_state(&job)).await?;
    if state.is_globally_terminal() {
        return Err(Failure::NotFound(ended(&job, &state, doing)));
    }
    Ok(job)
}

/// What is said of `doing` on a job that has already ended.
fn ended(job: &JobId, state: &JobState, doing: &str) -> String {
    format!(
        "cannot {doing} job {job}: it has already ended ({state}); `flinkctl jobs get {job}` shows how"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ended_job_is_named_with_its_state() {
        let job: JobId = "e81730c90bc591e49d6c04e3b6480941".parse().unwrap();
        assert_eq!(
            ended(&job, &JobState::Finished, "stop"),
            "cannot stop job e81730c90bc591e49d6c04e3b6480941: it has already ended (FINISHED); `flinkctl jobs get e81730c90bc591e49d6c04e3b6480941` shows how"
        );
    }

    #[test]
    fn a_timed_out_operation_names_its_ids_and_how_to_wait_again() {
        let text = going_on(
            "savepoint of job ab (trigger cd)",
            Some("flinkctl wait savepoint ab cd"),
        );
        assert_eq!(
            text,
            "flinkctl: the savepoint of job ab (trigger cd) goes on in Flink; wait for it again with `flinkctl wait savepoint ab cd`"
        );
        assert!(!going_on("checkpoint of job ab (trigger cd)", None).contains("wait for it"));
    }
}
