//! `flinkctl wait …`: wait for a ready cluster, a job state, the next checkpoint, or a
//! savepoint by its trigger id. The deadline is `--for`, else the global `--timeout`; passing it exits with 4.

use std::time::Duration;

use clap::Subcommand;
use flink_client::api::{JobId, TriggerId};
use flink_client::models::jobs::state::JobState;
use flink_client::operation::Savepoint;
use flink_client::prelude::Operation;

use super::{Ctx, encode, savepoint, verb};
use crate::cli::parse_duration;
use crate::exit::Failure;
use crate::progress;

/// The waits.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Wait until the cluster answers with TaskManagers and free slots (after a deploy).
    #[command(after_help = concat!(
        "Examples:\n",
        "  flinkctl wait cluster\n",
        "  flinkctl wait cluster --taskmanagers 3 --slots 12 --for 5m && flinkctl run job.jar -p 12\n",
        "\n",
        "A JobManager that does not answer yet (connection refused, timeout, 503 while a leader\n",
        "is elected) is waited for; past the deadline flinkctl exits with 4 and says what it saw.",
    ))]
    Cluster {
        /// How many TaskManagers must have registered.
        #[arg(long, default_value_t = 1, value_name = "N")]
        taskmanagers: u32,
        /// How many free slots they must have between them.
        #[arg(long, default_value_t = 1, value_name = "N")]
        slots: u32,
        /// How long to wait at most (default: --timeout, else 10m).
        #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
        wait_for: Option<Duration>,
    },
    /// Wait until a job is in one of the given states, and print the state.
    #[command(after_help = concat!(
        "Examples:\n",
        "  flinkctl wait job 5e20cb6b0f357591171dfcca2eea09de --state RUNNING\n",
        "  flinkctl wait job 5e20…09de --state FINISHED,CANCELED --for 10m",
    ))]
    Job {
        /// The job's id.
        job: String,
        /// The states to wait for, comma-separated (RUNNING, FINISHED, CANCELED, FAILED, …).
        #[arg(long, value_delimiter = ',', required = true, value_name = "STATE")]
        state: Vec<String>,
        /// How long to wait at most (default: --timeout, else 10m).
        #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
        wait_for: Option<Duration>,
    },
    /// Wait until a job completes a checkpoint newer than its latest, and print its id.
    #[command(
        after_help = "Examples:\n  flinkctl wait checkpoint 5e20cb6b0f357591171dfcca2eea09de --for 2m"
    )]
    Checkpoint {
        /// The job's id.
        job: String,
        /// How long to wait at most (default: --timeout, else 10m).
        #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
        wait_for: Option<Duration>,
    },
    /// Wait for a savepoint or stop started with --detached, and print its location.
    #[command(after_help = concat!(
        "Examples:\n",
        "  TRIGGER=$(flinkctl savepoint 5e20…09de --detached)\n",
        "  flinkctl wait savepoint 5e20…09de \"$TRIGGER\" --for 5m",
    ))]
    Savepoint {
        /// The job's id.
        job: String,
        /// The trigger id `savepoint --detached` or `stop --detached` printed.
        trigger: String,
        /// How long to wait at most (default: --timeout, else 10m).
        #[arg(long = "for", value_name = "DURATION", value_parser = parse_duration)]
        wait_for: Option<Duration>,
    },
}

/// Parses job states; names Flink does not have are refused.
pub(crate) fn parse_states(names: &[String]) -> Result<Vec<JobState>, Failure> {
    names
        .iter()
        .map(|name| {
            let state: JobState = name
                .trim()
                .to_ascii_uppercase()
                .parse()
                .unwrap_or_else(|never| match never {});
            if let JobState::Unknown(other) = &state {
                Err(Failure::InvalidInput(format!(
                    "--state {other}: not a job state (RUNNING, FINISHED, CANCELED, FAILED, …)"
                )))
            } else {
                Ok(state)
            }
        })
        .collect()
}

/// Runs a wait.
pub(crate) async fn run(ctx: &Ctx, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Cluster {
            taskmanagers,
            slots,
            wait_for,
        } => {
            let deadline = verb::deadline(ctx, *wait_for);
            let waiting = ctx.client.wait_for_cluster(*taskmanagers, *slots, deadline);
            let ready = progress::spin(ctx, "waiting for the cluster", waiting).await?;
            let json = encode(&ready)?;
            verb::print(
                ctx,
                &format!(
                    "{} TaskManagers, {} of {} slots free",
                    ready.taskmanagers, ready.slots_available, ready.slots_total
                ),
                &json,
            )
        }
        Command::Job {
            job,
            state,
            wait_for,
        } => {
            let job: JobId = job.parse()?;
            let states = parse_states(state)?;
            let deadline = verb::deadline(ctx, *wait_for);
            let waiting = ctx.client.wait_for_job_state(&job, &states, deadline);
            let reached = progress::spin(ctx, &format!("waiting for job {job}"), waiting).await?;
            verb::print_named(
                ctx,
                reached.as_str(),
                job.as_str(),
                &serde_json::json!({ "jid": job.as_str(), "state": reached.as_str() }),
            )
        }
        Command::Checkpoint { job, wait_for } => {
            let job: JobId = job.parse()?;
            let deadline = verb::deadline(ctx, *wait_for);
            let waiting = ctx.client.wait_for_next_checkpoint(job.clone(), deadline);
            let message = format!("waiting for a checkpoint of job {job}");
            let checkpoint = progress::spin(ctx, &message, waiting).await?;
            verb::print(
                ctx,
                &checkpoint.id.to_string(),
                &serde_json::json!({ "checkpoint-id": checkpoint.id }),
            )
        }
        Command::Savepoint {
            job,
            trigger,
            wait_for,
        } => {
            let job: JobId = job.parse()?;
            let trigger: TriggerId = trigger.parse()?;
            let operation = Operation::<Savepoint>::resume(&ctx.client, job, trigger);
            savepoint::wait(ctx, &operation, *wait_for, "waiting for the savepoint of").await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_flinks_names() {
        let names = ["running".to_owned(), " FINISHED".to_owned()];
        assert_eq!(
            parse_states(&names).unwrap(),
            [JobState::Running, JobState::Finished]
        );
        assert!(matches!(
            parse_states(&["DONE".to_owned()]),
            Err(Failure::InvalidInput(_))
        ));
    }
}
