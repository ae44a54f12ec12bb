//! Rescaling a job on the adaptive scheduler: new parallelism bounds, then waiting until the
//! vertices run with them.

use std::num::NonZeroU32;
use std::time::Duration;

use flink_api::{ApiError, JobId, JobsApi};
use flink_models::jobs::details::JobDetailsInfo;
use flink_models::jobs::resources::JobResourceRequirements;
use flink_models::jobs::state::{ExecutionState, JobState};

use crate::FlinkClient;
use crate::wait::{Backoff, JOB_MAX_PAUSE, Poll, ended_elsewhere, poll_until};

impl FlinkClient {
    /// Asks the adaptive scheduler to run every vertex of `job` with up to `parallelism` tasks
    /// (`PUT /jobs/:jobid/resource-requirements`), and returns the requirements it sent.
    ///
    /// Each vertex's upper bound becomes `parallelism`; a lower bound above it is lowered to
    /// it, the others are kept (the job keeps running with fewer slots down to them). Flink
    /// rescales once it has the slots, so this returns before the job has changed: follow it
    /// with [`FlinkClient::wait_for_parallelism`]. On the default scheduler the call fails with
    /// [`ApiError::Disabled`] naming the setting it needs.
    pub async fn rescale(
        &self,
        job: &JobId,
        parallelism: NonZeroU32,
    ) -> Result<JobResourceRequirements, ApiError> {
        let target = i32::try_from(parallelism.get()).unwrap_or(i32::MAX);
        let mut requirements = self.job_resource_requirements(job.clone()).await?;
        for vertex in requirements.vertices.values_mut() {
            let bounds = &mut vertex.parallelism;
            bounds.upper_bound = target;
            bounds.lower_bound = bounds.lower_bound.min(target);
        }
        self.set_job_resource_requirements(job.clone(), requirements.clone())
            .await?;
        Ok(requirements)
    }

    /// Polls `GET /jobs/:jobid` until every vertex has `parallelism` tasks, all `RUNNING` (or
    /// `FINISHED`, as a source subtask without a split does at once), and returns those
    /// details.
    ///
    /// Fails at once when the job ends, and with [`ApiError::WaitTimedOut`] after `deadline`,
    /// saying each vertex's parallelism then (the cluster may lack the slots).
    pub async fn wait_for_parallelism(
        &self,
        job: &JobId,
        parallelism: NonZeroU32,
        deadline: Duration,
    ) -> Result<JobDetailsInfo, ApiError> {
        let target = i64::from(parallelism.get());
        let client = self.polling();
        poll_until(
            || format!("every vertex of job {job} to run {parallelism} tasks"),
            Backoff::new(deadline, JOB_MAX_PAUSE),
            || async {
                let details = client.job(job.clone()).await?;
                if details.state.is_terminal() {
                    let wanted = format!("{parallelism} tasks per vertex");
                    return Err(ended_elsewhere(job, &details.state, &wanted));
                }
                // A task may finish at once when it gets no input (a source subtask beyond the
                // source's splits): deployed counts as done.
                let rescaled = !details.vertices.is_empty()
                    && details.vertices.iter().all(|vertex| {
                        let deployed = vertex.task_count(&ExecutionState::Running)
                            + vertex.task_count(&ExecutionState::Finished);
                        i64::from(vertex.parallelism) == target && deployed == vertex.parallelism
                    });
                if rescaled && details.state == JobState::Running {
                    return Ok(Poll::Ready(details));
                }
                let seen: Vec<String> = details
                    .vertices
                    .iter()
                    .map(|vertex| format!("{} at {}", vertex.name, vertex.parallelism))
                    .collect();
                Ok(Poll::Pending(format!(
                    "job {}, {}",
                    details.state,
                    seen.join(", ")
                )))
            },
        )
        .await
    }
}
