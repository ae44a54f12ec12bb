//! What the `flink`-style verbs share: the deadline of a wait, and printing one result either
//! as a line or as a small document.

use std::time::Duration;

use flink_client::api::JobId;
use flink_client::prelude::JobsApi;

use super::Ctx;
use crate::exit::Failure;
use crate::output::{document, write};

/// How long a wait lasts when neither `--for` nor `--timeout` is given.
pub(crate) const DEFAULT_WAIT: Duration = Duration::from_secs(600);

/// The deadline of a wait: `--for`, else the global `--timeout`, else [`DEFAULT_WAIT`].
pub(crate) fn deadline(ctx: &Ctx, wait_for: Option<Duration>) -> Duration {
    wait_for.or(ctx.timeout).unwrap_or(DEFAULT_WAIT)
}

/// Prints `line` in tables, or `json` with `--output json|yaml`.
pub(crate) fn print(ctx: &Ctx, line: &str, json: &serde_json::Value) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    if ctx.printer.is_document() {
        write(&mut out, document(ctx.printer.format, json)?.as_bytes())
    } else {
        write(&mut out, format!("{line}\n").as_bytes())
    }
}

/// The job of `text`, checked to exist (GET /jobs/ID/status), so that an operation on an
/// unknown job exits with 3 rather than failing later inside the operation.
pub(crate) async fn existing_job(ctx: &Ctx, text: &str) -> Result<JobId, Failure> {
    let job: JobId = text.parse()?;
    ctx.call(ctx.client.job_status(job.clone())).await?;
    Ok(job)
}
