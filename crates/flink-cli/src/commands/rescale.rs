//! `flinkctl rescale JOB -p N`: run a job with another parallelism, on the adaptive scheduler
//! (PUT /jobs/ID/resource-requirements), without a savepoint or a restart by hand.

use std::num::NonZeroU32;
use std::time::Duration;

use flink_client::api::{ApiError, JobId};
use flink_client::models::jobs::details::JobDetailsInfo;
use flink_client::models::jobs::state::{ExecutionState, JobState};
use flink_client::prelude::{ClusterApi, JobsApi, TaskManagersApi};

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
    "(--for, else --timeout, else 10m), or exits with 1 once the job holds every slot it can\n",
    "get and still runs fewer. Needs the adaptive scheduler (`jobmanager.scheduler:\n",
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
    let job = verb::live_job(ctx, &args.job, "rescale").await?;
    let requirements = ctx.call(ctx.client.rescale(&job, parallelism)).await?;
    // The PUT answers nothing: `-o json` prints the requirements sent.
    let json = encode(&requirements)?;
    if args.detached {
        return verb::print_named(
            ctx,
            &format!("job {job}: asked for {parallelism} tasks per vertex"),
            job.as_str(),
            &json,
        );
    }
    let waiting =
        ctx.client
            .wait_for_parallelism(&job, parallelism, verb::deadline(ctx, args.wait_for));
    // Whichever comes first: the rescale, or the job settling below it for want of slots.
    let rescaled = async {
        tokio::select! {
            result = waiting => result.map(drop).map_err(Failure::from),
            failure = short_of_slots(ctx, &job, parallelism) => Err(failure),
        }
    };
    progress::spin(
        ctx,
        &format!("rescaling job {job} to {parallelism}"),
        rescaled,
    )
    .await?;
    verb::print_named(
        ctx,
        &format!("job {job} runs {parallelism} tasks per vertex"),
        job.as_str(),
        &json,
    )
}

/// How often the cluster's slots are looked at while waiting for a rescale.
const SLOTS_POLL: Duration = Duration::from_secs(2);

/// Resolves, as the failure to report, once `job` runs below `parallelism` on every slot it
/// holds and the cluster has none free: Flink keeps the requirements but cannot meet them. A
/// look that fails is tried again (the wait for the rescale reports Flink's errors).
async fn short_of_slots(ctx: &Ctx, job: &JobId, parallelism: NonZeroU32) -> Failure {
    loop {
        if let Ok(slots) = slots(ctx, job).await
            && let Some(message) = lacking_slots(job, parallelism, &slots)
        {
            return Failure::Unmet(message);
        }
        tokio::time::sleep(SLOTS_POLL).await;
    }
}

/// What the cluster's slots are doing for a job.
#[derive(Debug, Default)]
struct Slots {
    /// Task slots of all TaskManagers.
    total: i32,
    /// Task slots allocated to no job.
    free: i32,
    /// Task slots allocated to the job (the adaptive scheduler takes them before it rescales).
    held: i32,
    /// The job's highest vertex parallelism, once it runs with all its tasks deployed.
    settled: Option<i32>,
}

/// The cluster's slots and the job's share of them (GET /overview, /taskmanagers/ID, /jobs/ID).
async fn slots(ctx: &Ctx, job: &JobId) -> Result<Slots, ApiError> {
    let overview = ctx.client.overview().await?;
    let mut held = 0;
    for taskmanager in ctx.client.taskmanagers().await?.taskmanagers {
        let details = ctx.client.taskmanager(taskmanager.id.parse()?).await?;
        let of_job = details
            .allocated_slots
            .iter()
            .filter(|slot| slot.job_id == job.as_str())
            .count();
        held += i32::try_from(of_job).unwrap_or(i32::MAX);
    }
    let details = ctx.client.job(job.clone()).await?;
    Ok(Slots {
        total: overview.slots_total,
        free: overview.slots_available,
        held,
        settled: settled_parallelism(&details),
    })
}

/// The highest parallelism of the job's vertices, once it runs with all its tasks deployed
/// (a source subtask without a split finishes at once, as in the library's wait).
fn settled_parallelism(details: &JobDetailsInfo) -> Option<i32> {
    let deployed = details.vertices.iter().all(|vertex| {
        vertex.task_count(&ExecutionState::Running) + vertex.task_count(&ExecutionState::Finished)
            == vertex.parallelism
    });
    if details.state != JobState::Running || !deployed {
        return None;
    }
    details
        .vertices
        .iter()
        .map(|vertex| vertex.parallelism)
        .max()
}

/// What to say when the job has settled below `parallelism` on every slot it holds, with no
/// slot free; `None` while it may still get further.
fn lacking_slots(job: &JobId, parallelism: NonZeroU32, slots: &Slots) -> Option<String> {
    let settled = slots.settled?;
    let below = i64::from(settled) < i64::from(parallelism.get());
    if !below || settled != slots.held || slots.free > 0 {
        return None;
    }
    let total = slots.total;
    Some(format!(
        "job {job} runs {settled} tasks per vertex, not {parallelism}: the cluster has {total} task slots and none free; add TaskManagers (or taskmanager.numberOfTaskSlots) and Flink rescales to {parallelism}, or rescale to at most {settled}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_settled_on_all_its_slots_below_what_it_asked_for_lacks_slots() {
        let job: JobId = "e81730c90bc591e49d6c04e3b6480941".parse().unwrap();
        let nine = NonZeroU32::new(9).unwrap();
        let settled = |held, free, settled| Slots {
            total: 4,
            free,
            held,
            settled,
        };
        assert_eq!(
            lacking_slots(&job, nine, &settled(4, 0, Some(4))).unwrap(),
            "job e81730c90bc591e49d6c04e3b6480941 runs 4 tasks per vertex, not 9: the cluster has 4 task slots and none free; add TaskManagers (or taskmanager.numberOfTaskSlots) and Flink rescales to 9, or rescale to at most 4"
        );
        // Another job holds a slot: this one settles at 3.
        assert!(lacking_slots(&job, nine, &settled(3, 0, Some(3))).is_some());
        // Rescaling, holding slots it does not use yet, a slot free, or there: wait on.
        assert_eq!(lacking_slots(&job, nine, &settled(4, 0, None)), None);
        assert_eq!(lacking_slots(&job, nine, &settled(4, 0, Some(1))), None);
        assert_eq!(lacking_slots(&job, nine, &settled(3, 1, Some(3))), None);
        let four = NonZeroU32::new(4).unwrap();
        assert_eq!(lacking_slots(&job, four, &settled(4, 0, Some(4))), None);
    }
}
