//! `flinkctl list [-r] [-s] [-a]`: the jobs, as `flink list` shows them (GET /jobs/overview).

use flink_client::api::jobs::GetJobsOverview;
use flink_client::models::jobs::overview::{JobOverview, MultipleJobsDetails};
use flink_client::models::jobs::state::JobState;

use super::{Ctx, decode};
use crate::exit::Failure;
use crate::output::{Rows, timestamp};

/// `flinkctl list`'s arguments: without any, running and scheduled jobs.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl list\n",
    "  flinkctl list -r\n",
    "  flinkctl list -a -o json",
))]
pub(crate) struct Args {
    /// Only running jobs (not yet ended, not waiting to be scheduled).
    #[arg(short, long)]
    pub(crate) running: bool,
    /// Only scheduled jobs (created, not yet running).
    #[arg(short, long)]
    pub(crate) scheduled: bool,
    /// All jobs, ended ones included.
    #[arg(short, long)]
    pub(crate) all: bool,
}

/// Which jobs a listing shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Filter {
    running: bool,
    scheduled: bool,
    ended: bool,
}

impl Filter {
    /// The filter of the flags, as `flink list` reads them.
    pub(crate) fn of(args: &Args) -> Self {
        if args.all {
            Self {
                running: true,
                scheduled: true,
                ended: true,
            }
        } else if args.running || args.scheduled {
            Self {
                running: args.running,
                scheduled: args.scheduled,
                ended: false,
            }
        } else {
            Self {
                running: true,
                scheduled: true,
                ended: false,
            }
        }
    }

    /// Whether a job in `state` is shown.
    pub(crate) fn shows(self, state: &JobState) -> bool {
        if matches!(state, JobState::Created | JobState::Initializing) {
            self.scheduled
        } else if state.is_terminal() {
            self.ended
        } else {
            self.running
        }
    }
}

/// Lists the jobs: the server's JSON (jobs filtered, each as sent) or a table.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let filter = Filter::of(args);
    let mut json = ctx.json(GetJobsOverview).await?;
    if let Some(jobs) = json
        .get_mut("jobs")
        .and_then(serde_json::Value::as_array_mut)
    {
        jobs.retain(|job| {
            let state: JobState = job
                .get("state")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .parse()
                .unwrap_or_else(|never| match never {});
            filter.shows(&state)
        });
    }
    ctx.printer.print(&mut std::io::stdout().lock(), &json, || {
        decode::<MultipleJobsDetails>(&json).map(|details| rows(details.jobs))
    })
}

/// One row per job, the newest first.
pub(crate) fn rows(mut jobs: Vec<JobOverview>) -> Rows {
    jobs.sort_by_key(|job| std::cmp::Reverse(job.start_time));
    let mut rows =
        Rows::new(&["ID", "NAME", "STATE", "START TIME", "DURATION"]).wide(&["END TIME", "TASKS"]);
    for job in jobs {
        let duration = u64::try_from(job.duration).map_or_else(
            |_| "-".to_owned(),
            |millis| {
                humantime::format_duration(std::time::Duration::from_secs(millis / 1000))
                    .to_string()
            },
        );
        rows.push([
            job.jid,
            job.name,
            job.state.to_string(),
            timestamp(job.start_time),
            duration,
            timestamp(job.end_time),
            job.tasks.total.to_string(),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(flags: [bool; 3]) -> Filter {
        Filter::of(&Args {
            running: flags[0],
            scheduled: flags[1],
            all: flags[2],
        })
    }

    #[test]
    fn the_filters_of_flink_list() {
        let default = filter([false, false, false]);
        assert!(default.shows(&JobState::Running) && default.shows(&JobState::Created));
        assert!(!default.shows(&JobState::Finished));
        let running = filter([true, false, false]);
        assert!(running.shows(&JobState::Restarting) && !running.shows(&JobState::Created));
        let scheduled = filter([false, true, false]);
        assert!(scheduled.shows(&JobState::Initializing) && !scheduled.shows(&JobState::Running));
        assert!(filter([false, false, true]).shows(&JobState::Canceled));
    }

    #[test]
    fn jobs_are_rows_newest_first() {
        let job = |jid: &str, start: i64| -> JobOverview {
            serde_json::from_value(serde_json::json!({
                "jid": jid, "name": "n", "start-time": start, "end-time": -1, "duration": 61_000,
                "state": "RUNNING", "last-modification": start,
                "tasks": {"running": 1, "canceling": 0, "canceled": 0, "total": 1, "created": 0,
                    "scheduled": 0, "deploying": 0, "reconciling": 0, "finished": 0,
                    "initializing": 0, "failed": 0}
            }))
            .unwrap()
        };
        let text = rows(vec![
            job("a1", 1_714_564_800_000),
            job("b2", 1_714_564_900_000),
        ])
        .render(false, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("ID   NAME   STATE"), "{text}");
        assert!(lines[1].starts_with("b2"), "{text}");
        assert!(
            lines[2].contains("RUNNING   2024-05-01T12:00:00Z   1m 1s"),
            "{text}"
        );
    }
}
