//! Waiting for a cluster to be ready, and for jobs: a state, all tasks running, the final
//! result, the next checkpoint.
//!
//! Every wait here and [`Operation::wait`] polls with one backoff: the pause starts at 10 ms
//! and doubles up to a longest pause, so short waits end quickly and long ones stay cheap. Job
//! states change within a second, so job waits pause at most 1 s; checkpoints and asynchronous
//! operations take seconds, so they pause up to 2 s. A wait ends with [`ApiError::WaitTimedOut`]
//! at its deadline, with the last thing it saw.
//!
//! The deadline bounds the whole wait: each poll gets only the time that is left, whatever
//! the transport's attempt timeout and retries would allow, so a JobManager that stops
//! answering cannot stretch a 10 s wait to minutes. A poll that finds the JobManager
//! unreachable, timing out or without a leader (503) counts as "not yet": a wait rides through
//! a JobManager restart or a leader election until its own deadline.
//!
//! [`Operation::wait`]: crate::operation::Operation::wait

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use flink_api::jobs::checkpoints::GetCheckpointingStatistics;
use flink_api::{ApiError, ClusterApi, Execute, JobId, JobsApi};
use flink_models::cluster::ClusterOverview;
use flink_models::common::OperationState;
use flink_models::jobs::checkpoints::CheckpointStatistics;
use flink_models::jobs::details::JobDetailsInfo;
use flink_models::jobs::result::JobExecutionResult;
use flink_models::jobs::state::JobState;
use tokio::time::Instant;

use crate::FlinkClient;

// The public docs of this module and of `wait_for_next_checkpoint` state these three values:
// change them together.
/// The first pause between two polls.
const FIRST_DELAY: Duration = Duration::from_millis(10);
/// The longest pause between two polls of a job's state, tasks or result.
pub(crate) const JOB_MAX_PAUSE: Duration = Duration::from_secs(1);
/// The longest pause between two polls of a checkpoint or an asynchronous operation.
pub(crate) const OPERATION_MAX_PAUSE: Duration = Duration::from_secs(2);

/// Pauses between polls: 10 ms, doubling up to a longest pause, never past the deadline.
#[derive(Debug)]
pub(crate) struct Backoff {
    started: Instant,
    deadline: Instant,
    next: Duration,
    max: Duration,
}

impl Backoff {
    /// A backoff that gives up `limit` from now and pauses at most `max` between polls.
    pub(crate) fn new(limit: Duration, max: Duration) -> Self {
        let started = Instant::now();
        Self {
            started,
            deadline: started + limit,
            next: FIRST_DELAY,
            max,
        }
    }

    /// How long it has been waiting.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The time left until the deadline (zero once it has passed).
    fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Sleeps until the next poll. Returns `false`, without sleeping, once the deadline has
    /// passed; the last sleep is cut short so that one more poll happens right at the deadline.
    pub(crate) async fn pause(&mut self) -> bool {
        let now = Instant::now();
        if now >= self.deadline {
            return false;
        }
        let delay = self.next.min(self.deadline - now);
        self.next = (self.next * 2).min(self.max);
        tokio::time::sleep(delay).await;
        true
    }
}

/// What one poll found.
pub(crate) enum Poll<T> {
    /// The wait is over.
    Ready(T),
    /// Not yet; this is what was seen (for the timeout error).
    Pending(String),
}

/// Calls `attempt`, pausing as `backoff` says, until it is [`Poll::Ready`] or fails, or the
/// deadline passes ([`ApiError::WaitTimedOut`] naming `what` and the last state seen). Polls
/// at least once, the first time at once.
///
/// Each poll may take only the time left before the deadline. A poll that fails because the
/// JobManager cannot be reached, does not answer in time or has no leader
/// ([`is_transient`]) counts as pending: the wait goes on until its deadline.
pub(crate) async fn poll_until<T, F, Fut>(
    what: impl FnOnce() -> String,
    mut backoff: Backoff,
    mut attempt: F,
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, ApiError>>,
{
    let mut last_seen = None;
    loop {
        let limit = backoff.remaining();
        match tokio::time::timeout(limit, attempt()).await {
            Ok(Ok(Poll::Ready(value))) => return Ok(value),
            Ok(Ok(Poll::Pending(seen))) => last_seen = Some(seen),
            Ok(Err(error)) if is_transient(&error) => {
                last_seen = Some(format!("no answer yet ({error})"));
            }
            Ok(Err(error)) => return Err(error),
            Err(_elapsed) => {
                let seen = last_seen.map_or_else(String::new, |seen| format!("{seen}; "));
                last_seen = Some(format!(
                    "{seen}the last poll got no answer within the {limit:?} left"
                ));
            }
        }
        if !backoff.pause().await {
            return Err(ApiError::WaitTimedOut {
                what: what(),
                waited: backoff.elapsed(),
                last_seen: last_seen.unwrap_or_default(),
                job: None,
                trigger: None,
            });
        }
    }
}

/// Whether a failed poll says only that the JobManager is not answering right now: the
/// connection failed or broke, the call timed out, or there is no leader (503). A restart or a
/// leader election looks like this for seconds; anything else (a 404, bad input, a
/// misfitting answer) ends the wait at once.
fn is_transient(error: &ApiError) -> bool {
    matches!(error, ApiError::Transport { .. }) || error.is_timeout() || error.is_unavailable()
}

/// `RUNNING or FINISHED`.
fn describe_states(states: &[JobState]) -> String {
    let names: Vec<&str> = states.iter().map(JobState::as_str).collect();
    names.join(" or ")
}

/// The error for a job that ended in a state the wait did not ask for.
pub(crate) fn ended_elsewhere(job: &JobId, reached: &JobState, wanted: &str) -> ApiError {
    ApiError::OperationFailed {
        operation: format!("waiting for job {job} to reach {wanted}"),
        class: None,
        message: format!(
            "the job reached {reached}, a final state, so it will not get there; see GET /jobs/{job}/exceptions for why"
        ),
        stack_trace: None,
    }
}

impl FlinkClient {
    /// The job's state, from `GET /jobs/:jobid/status`, or on Flink 1.15, which lacks that
    /// endpoint, from the job's details (`GET /jobs/:jobid`).
    ///
    /// An unknown job is `is_not_found`, as with [`JobsApi::job_status`].
    pub async fn job_state(&self, job: &JobId) -> Result<JobState, ApiError> {
        match self.job_status(job.clone()).await {
            Ok(status) => Ok(status.status),
            // Refused before anything was sent: the server predates the endpoint.
            Err(error) if error.is_unsupported() => Ok(self.job(job.clone()).await?.state),
            Err(error) => Err(error),
        }
    }

    /// Polls `GET /jobs/:jobid/status` until the job is in one of `states`, and returns that
    /// state.
    ///
    /// Fails at once when the job reaches a final state that is not among `states` (so
    /// waiting for `RUNNING` on a job that failed does not sit out the deadline), when Flink
    /// does not know the job (`is_not_found`), and with [`ApiError::WaitTimedOut`] after
    /// `deadline`.
    pub async fn wait_for_job_state(
        &self,
        job: &JobId,
        states: &[JobState],
        deadline: Duration,
    ) -> Result<JobState, ApiError> {
        if states.is_empty() {
            return Err(ApiError::InvalidInput {
                what: "job states",
                value: "[]".to_owned(),
                reason: format!("waiting for job {job} needs at least one state to wait for"),
            });
        }
        let wanted = describe_states(states);
        let client = self.polling();
        poll_until(
            || format!("job {job} to reach {wanted}"),
            Backoff::new(deadline, JOB_MAX_PAUSE),
            || async {
                let state = client.job_state(job).await?;
                if states.contains(&state) {
                    Ok(Poll::Ready(state))
                } else if state.is_terminal() {
                    Err(ended_elsewhere(job, &state, &wanted))
                } else {
                    Ok(Poll::Pending(state.to_string()))
                }
            },
        )
        .await
    }

    /// Polls `GET /jobs/:jobid` until the job is `RUNNING` and every task of every vertex is
    /// `RUNNING`, and returns those details.
    ///
    /// A job in `RUNNING` may still be deploying tasks; this waits until the job really
    /// processes data. Fails like [`FlinkClient::wait_for_job_state`]. A task that has
    /// `FINISHED` while the job runs (a source subtask without input) keeps this from ever
    /// succeeding; check [`JobDetailsInfo::vertices`] with `eventually`-style polling then.
    pub async fn wait_until_all_tasks_running(
        &self,
        job: &JobId,
        deadline: Duration,
    ) -> Result<JobDetailsInfo, ApiError> {
        self.wait_for_tasks(job, deadline, false).await
    }

    /// Like [`FlinkClient::wait_until_all_tasks_running`], but a job that has already
    /// `FINISHED` (a bounded job, done before all its tasks were seen running) is success too:
    /// returns the details of the running or finished job; look at [`JobDetailsInfo::state`].
    pub async fn wait_until_all_tasks_running_or_finished(
        &self,
        job: &JobId,
        deadline: Duration,
    ) -> Result<JobDetailsInfo, ApiError> {
        self.wait_for_tasks(job, deadline, true).await
    }

    /// Polls `GET /jobs/:jobid` until every task runs (or, if `finished_is_success`, the job
    /// has `FINISHED`).
    async fn wait_for_tasks(
        &self,
        job: &JobId,
        deadline: Duration,
        finished_is_success: bool,
    ) -> Result<JobDetailsInfo, ApiError> {
        let (what, wanted) = if finished_is_success {
            ("run or finish", "all tasks RUNNING or the job FINISHED")
        } else {
            ("run", "all tasks RUNNING")
        };
        let client = self.polling();
        poll_until(
            || format!("all tasks of job {job} to {what}"),
            Backoff::new(deadline, JOB_MAX_PAUSE),
            || async {
                let details = client.job(job.clone()).await?;
                let running = details.state == JobState::Running && details.all_tasks_running();
                let finished = finished_is_success && details.state == JobState::Finished;
                if running || finished {
                    return Ok(Poll::Ready(details));
                }
                if details.state.is_terminal() {
                    return Err(ended_elsewhere(job, &details.state, wanted));
                }
                let (running, total) = details.running_tasks();
                Ok(Poll::Pending(format!(
                    "job {}, {running} of {total} tasks running",
                    details.state
                )))
            },
        )
        .await
    }

    /// Polls `GET /jobs/:jobid/execution-result` until the job has ended, and returns its
    /// result.
    ///
    /// A failed or cancelled job is a result too: look at its `application_status` and
    /// `failure_cause`. Waiting on a job that never ends (an unbounded stream) ends with
    /// [`ApiError::WaitTimedOut`].
    pub async fn wait_for_job_result(
        &self,
        job: &JobId,
        deadline: Duration,
    ) -> Result<JobExecutionResult, ApiError> {
        let client = self.polling();
        poll_until(
            || format!("the result of job {job}"),
            Backoff::new(deadline, JOB_MAX_PAUSE),
            || async {
                let body = client.job_execution_result(job.clone()).await?;
                match (body.status.id, body.job_execution_result) {
                    (OperationState::Completed, Some(result)) => Ok(Poll::Ready(result)),
                    (OperationState::Completed, None) => Err(ApiError::Decode {
                        request: format!("GET /jobs/{job}/execution-result"),
                        status: http::StatusCode::OK,
                        path: "job-execution-result".to_owned(),
                        message: "missing although the status is COMPLETED".to_owned(),
                        body_prefix: String::new(),
                    }),
                    (state, _) => Ok(Poll::Pending(format!("execution result {state}"))),
                }
            },
        )
        .await
    }

    /// Polls `GET /overview` until at least `taskmanagers` TaskManagers have registered, with
    /// at least `free_slots` free slots between them, and returns that overview.
    ///
    /// A JobManager that is still starting is waited for as well: a failed connection, a
    /// timeout or a 503 (no leader elected yet) counts as not ready rather than as an error,
    /// as in every wait, so a TLS mistake shows only as the last thing seen when the wait ends
    /// with [`ApiError::WaitTimedOut`] after `deadline`. Other errors (a 404 from a wrong URL
    /// path) end the wait at once.
    pub async fn wait_for_cluster(
        &self,
        taskmanagers: u32,
        free_slots: u32,
        deadline: Duration,
    ) -> Result<ClusterOverview, ApiError> {
        let client = self.polling();
        poll_until(
            || format!("{taskmanagers} TaskManagers with {free_slots} free slots"),
            Backoff::new(deadline, JOB_MAX_PAUSE),
            || async {
                let overview = client.overview().await?;
                let count = |value: i32| u32::try_from(value).unwrap_or(0);
                if count(overview.taskmanagers) >= taskmanagers
                    && count(overview.slots_available) >= free_slots
                {
                    return Ok(Poll::Ready(overview));
                }
                Ok(Poll::Pending(format!(
                    "{} TaskManagers, {} of {} slots free",
                    overview.taskmanagers, overview.slots_available, overview.slots_total
                )))
            },
        )
        .await
    }

    /// Waits until `job` completes a checkpoint newer than its latest completed one at the
    /// time of the call, and returns it; at most `timeout` in all.
    ///
    /// Reads `GET /jobs/:jobid/checkpoints` with the same backoff as [`Operation::wait`]
    /// (pauses of up to 2 s): the first read finds the latest checkpoint, later ones
    /// look for a newer one. Past the time limit the answer is [`ApiError::WaitTimedOut`] (is
    /// checkpointing enabled and the job running?).
    ///
    /// [`Operation::wait`]: crate::operation::Operation::wait
    pub async fn wait_for_next_checkpoint(
        &self,
        job: JobId,
        timeout: Duration,
    ) -> Result<CheckpointStatistics, ApiError> {
        // The id of the latest completed checkpoint at the first read (`None` inside: none yet).
        let baseline = OnceLock::<Option<u64>>::new();
        let client = self.polling();
        poll_until(
            || match baseline.get().copied().flatten() {
                Some(id) => format!("a checkpoint of job {job} newer than checkpoint {id}"),
                None => format!("the first completed checkpoint of job {job}"),
            },
            Backoff::new(timeout, OPERATION_MAX_PAUSE),
            || async {
                let stats = client
                    .execute(GetCheckpointingStatistics { job: job.clone() })
                    .await?;
                let latest = stats.latest.completed.into_value();
                let latest_id = latest.as_ref().map(|checkpoint| checkpoint.id);
                if let Some(&base) = baseline.get() {
                    if let Some(latest) = latest
                        && base.is_none_or(|base| latest.id > base)
                    {
                        return Ok(Poll::Ready(latest));
                    }
                } else {
                    baseline.get_or_init(|| latest_id);
                }
                Ok(Poll::Pending(describe_latest(
                    latest_id,
                    stats.counts.completed,
                )))
            },
        )
        .await
    }
}

/// What a checkpoint wait saw last: the latest completed checkpoint and the count.
fn describe_latest(latest: Option<u64>, completed: i64) -> String {
    match latest {
        Some(id) => format!("latest completed checkpoint {id}, {completed} completed in all"),
        None => format!("no completed checkpoint yet, {completed} completed in all"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn backoff_doubles_up_to_a_second_and_stops_at_the_deadline() {
        let mut backoff = Backoff::new(Duration::from_secs(3), JOB_MAX_PAUSE);
        let mut pauses = Vec::new();
        let mut last = Instant::now();
        while backoff.pause().await {
            let now = Instant::now();
            pauses.push(now - last);
            last = now;
        }
        assert_eq!(pauses[0], Duration::from_millis(10));
        assert_eq!(pauses[1], Duration::from_millis(20));
        assert!(pauses.iter().all(|p| *p <= JOB_MAX_PAUSE), "{pauses:?}");
        assert_eq!(backoff.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn poll_until_times_out_with_the_last_state() {
        let mut polls = 0;
        let error = poll_until(
            || "job x to reach RUNNING".to_owned(),
            Backoff::new(Duration::from_millis(100), JOB_MAX_PAUSE),
            || {
                polls += 1;
                let seen = format!("CREATED ({polls})");
                async move { Ok::<Poll<()>, ApiError>(Poll::Pending(seen)) }
            },
        )
        .await
        .unwrap_err();
        match &error {
            ApiError::WaitTimedOut {
                what, last_seen, ..
            } => {
                assert_eq!(what, "job x to reach RUNNING");
                assert!(last_seen.starts_with("CREATED"), "{last_seen}");
            }
            other => panic!("expected WaitTimedOut, got {other:?}"),
        }
        assert!(error.is_deadline());
        assert!(polls >= 4, "{polls}");
    }

    #[tokio::test(start_paused = true)]
    async fn poll_until_returns_a_ready_value_and_passes_errors_on() {
        let mut polls = 0;
        let value = poll_until(
            || "x".to_owned(),
            Backoff::new(Duration::from_secs(5), JOB_MAX_PAUSE),
            || {
                polls += 1;
                let ready = polls == 3;
                async move {
                    Ok::<_, ApiError>(if ready {
                        Poll::Ready(7)
                    } else {
                        Poll::Pending(String::new())
                    })
                }
            },
        )
        .await
        .unwrap();
        assert_eq!((value, polls), (7, 3));

        let error = poll_until(
            || "x".to_owned(),
            Backoff::new(Duration::ZERO, JOB_MAX_PAUSE),
            || async {
                Err::<Poll<()>, _>(ApiError::InvalidInput {
                    what: "x",
                    value: String::new(),
                    reason: String::new(),
                })
            },
        )
        .await
        .unwrap_err();
        assert!(error.is_invalid_input());
    }

    #[test]
    fn an_unexpected_final_state_names_job_state_and_wanted_states() {
        let job: JobId = "d7b2518b7cc9b04478ed2eb249c5b9a0".parse().unwrap();
        let wanted = describe_states(&[JobState::Running, JobState::Finished]);
        let text = ended_elsewhere(&job, &JobState::Failed, &wanted).to_string();
        assert!(
            text.contains(job.as_str())
                && text.contains("FAILED")
                && text.contains("RUNNING or FINISHED"),
            "{text}"
        );
    }
}
