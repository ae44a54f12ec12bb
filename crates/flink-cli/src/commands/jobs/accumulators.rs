//! `jobs accumulators JOB [VERTEX]`: the user accumulators of a job, a vertex, each of its
//! subtasks, or one subtask's attempt; each form asks one endpoint, whose answer `-o json`
//! prints.

use flink_client::api::jobs::GetJobAccumulators;
use flink_client::api::jobs::subtasks::{
    AttemptNumber, GetSubtask, GetSubtaskAttemptAccumulators, GetSubtasksAccumulators, SubtaskIndex,
};
use flink_client::api::jobs::vertices::GetVertexAccumulators;
use flink_client::api::{Execute, JobId};
use flink_client::models::jobs::result::UserTaskAccumulator;
use flink_client::models::jobs::subtasks::SubtasksAllAccumulatorsInfo;

use super::vertex::{find, parse_optional};
use crate::commands::Ctx;
use crate::exit::Failure;
use crate::output::Rows;

/// The arguments of `jobs accumulators`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The job's id.
    job: String,
    /// A vertex id or name: its accumulators instead of the job's.
    vertex: Option<String>,
    /// Each subtask's accumulators (of VERTEX).
    #[arg(long, requires = "vertex", conflicts_with = "subtask")]
    subtasks: bool,
    /// One subtask's accumulators (of VERTEX), of its current attempt or of --attempt.
    #[arg(long, value_name = "INDEX", requires = "vertex")]
    subtask: Option<String>,
    /// The attempt of --subtask (the current one when omitted).
    #[arg(long, value_name = "N", requires = "subtask")]
    attempt: Option<String>,
}

/// Runs `jobs accumulators`.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let job = args.job.parse::<JobId>()?;
    let subtask: Option<SubtaskIndex> = parse_optional(args.subtask.as_deref())?;
    let attempt: Option<AttemptNumber> = parse_optional(args.attempt.as_deref())?;
    let Some(wanted) = &args.vertex else {
        let endpoint = GetJobAccumulators {
            job,
            include_serialized_value: false,
        };
        return ctx
            .show(endpoint, |info| rows(info.user_task_accumulators))
            .await;
    };
    let (_, vertex) = find(ctx, &job, wanted).await?;
    if args.subtasks {
        return ctx
            .show(GetSubtasksAccumulators { job, vertex }, subtask_rows)
            .await;
    }
    let Some(subtask) = subtask else {
        return ctx
            .show(GetVertexAccumulators { job, vertex }, |info| {
                rows(info.user_accumulators)
            })
            .await;
    };
    let attempt = match attempt {
        Some(attempt) => attempt,
        None => current_attempt(ctx, &job, &vertex, subtask).await?,
    };
    let endpoint = GetSubtaskAttemptAccumulators {
        job,
        vertex,
        subtask,
        attempt,
    };
    ctx.show(endpoint, |info| rows(info.user_accumulators))
        .await
}

/// The number of the subtask's current attempt.
async fn current_attempt(
    ctx: &Ctx,
    job: &JobId,
    vertex: &flink_client::api::VertexId,
    subtask: SubtaskIndex,
) -> Result<AttemptNumber, Failure> {
    let endpoint = GetSubtask {
        job: job.clone(),
        vertex: vertex.clone(),
        subtask,
    };
    let details = ctx.call(ctx.client.execute(endpoint)).await?;
    Ok(AttemptNumber::try_from(details.attempt)?)
}

/// One row per accumulator.
fn rows(accumulators: Vec<UserTaskAccumulator>) -> Rows {
    let mut rows = Rows::new(&["NAME", "TYPE", "VALUE"]);
    for accumulator in accumulators {
        rows.push([accumulator.name, accumulator.kind, accumulator.value]);
    }
    rows
}

/// One row per accumulator of each subtask; a subtask without any has a row of dashes.
fn subtask_rows(info: SubtasksAllAccumulatorsInfo) -> Rows {
    let mut rows = Rows::new(&["SUBTASK", "ATTEMPT", "NAME", "TYPE", "VALUE"]).wide(&["ENDPOINT"]);
    for subtask in info.subtasks {
        let index = subtask.subtask.to_string();
        let attempt = subtask.attempt.to_string();
        let endpoint = subtask
            .endpoint
            .or(subtask.host)
            .unwrap_or_else(|| "-".to_owned());
        let accumulators: Vec<[String; 3]> = if subtask.user_accumulators.is_empty() {
            vec![["-".to_owned(), "-".to_owned(), "-".to_owned()]]
        } else {
            subtask
                .user_accumulators
                .into_iter()
                .map(|a| [a.name, a.kind, a.value])
                .collect()
        };
        for [name, kind, value] in accumulators {
            rows.push([
                index.clone(),
                attempt.clone(),
                name,
                kind,
                value,
                endpoint.clone(),
            ]);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtasks_without_accumulators_still_have_a_row() {
        let info: SubtasksAllAccumulatorsInfo = serde_json::from_value(serde_json::json!({
            "id": "cbc357ccb763df2852fee8c4fc7d55f2", "parallelism": 2,
            "subtasks": [
                {"subtask": 0, "attempt": 0, "endpoint": "127.0.0.1:40001",
                 "user-accumulators": [{"name": "seen", "type": "LongCounter", "value": "42"}]},
                {"subtask": 1, "attempt": 3, "host": "localhost", "user-accumulators": []}
            ]
        }))
        .unwrap();
        let text = subtask_rows(info).render(true, false);
        assert_eq!(
            text,
            "SUBTASK   ATTEMPT   NAME   TYPE          VALUE   ENDPOINT\n\
             0         0         seen   LongCounter   42      127.0.0.1:40001\n\
             1         3         -      -             -       localhost\n"
        );
    }
}
