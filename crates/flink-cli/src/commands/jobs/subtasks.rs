//! A vertex's subtasks: `jobs vertex` (their current attempts), `jobs subtask` (one attempt),
//! `jobs subtask-times` and `jobs vertex-taskmanagers`.

use std::time::Duration;

use flink_client::api::JobId;
use flink_client::api::jobs::subtasks::{
    AttemptNumber, GetSubtask, GetSubtaskAttempt, SubtaskIndex,
};
use flink_client::api::jobs::vertices::{GetJobVertex, GetSubtaskTimes, GetVertexTaskManagers};
use flink_client::models::jobs::details::IoMetrics;
use flink_client::models::jobs::state::ExecutionState;
use flink_client::models::jobs::vertices::{
    JobVertexDetailsInfo, JobVertexTaskManagersInfo, SubtaskExecutionAttemptDetailsInfo,
    SubtaskTimeInfo, SubtasksTimesInfo,
};

use super::millis;
use super::vertex::{find, parse_optional};
use crate::commands::Ctx;
use crate::exit::Failure;
use crate::output::{Rows, bytes, timestamp};

/// `jobs vertex JOB VERTEX`: the current attempt of each subtask.
pub(crate) async fn vertex(ctx: &Ctx, job: JobId, wanted: &str) -> Result<(), Failure> {
    let (_, vertex) = find(ctx, &job, wanted).await?;
    ctx.show(
        GetJobVertex { job, vertex },
        |info: JobVertexDetailsInfo| attempt_rows(info.subtasks),
    )
    .await
}

/// `jobs subtask JOB VERTEX INDEX [--attempt N]`: the subtask's current attempt, or attempt N.
pub(crate) async fn subtask(
    ctx: &Ctx,
    job: JobId,
    wanted: &str,
    index: &str,
    attempt: Option<&str>,
) -> Result<(), Failure> {
    let subtask = index.parse::<SubtaskIndex>()?;
    let attempt: Option<AttemptNumber> = parse_optional(attempt)?;
    let (_, vertex) = find(ctx, &job, wanted).await?;
    let rows = |attempt| attempt_rows(vec![attempt]);
    match attempt {
        None => {
            let endpoint = GetSubtask {
                job,
                vertex,
                subtask,
            };
            ctx.show(endpoint, rows).await
        }
        Some(attempt) => {
            let endpoint = GetSubtaskAttempt {
                job,
                vertex,
                subtask,
                attempt,
            };
            ctx.show(endpoint, rows).await
        }
    }
}

/// Where a subtask runs: its TaskManager's data address (`host` before Flink 1.19).
fn endpoint(endpoint: Option<String>, host: Option<String>) -> String {
    endpoint.or(host).unwrap_or_else(|| "-".to_owned())
}

/// One row per attempt, speculative attempts next to the current one.
fn attempt_rows(attempts: Vec<SubtaskExecutionAttemptDetailsInfo>) -> Rows {
    let mut rows = Rows::new(&[
        "SUBTASK",
        "STATUS",
        "ATTEMPT",
        "ENDPOINT",
        "DURATION",
        "RECORDS IN",
        "RECORDS OUT",
    ])
    .wide(&["BYTES IN", "BYTES OUT", "STARTED", "ENDED", "TASKMANAGER"]);
    let mut pending = attempts;
    pending.reverse();
    while let Some(mut attempt) = pending.pop() {
        let others = attempt.other_concurrent_attempts.take().unwrap_or_default();
        pending.extend(others.into_iter().rev());
        let [records_in, records_out, bytes_in, bytes_out] = io(&attempt.metrics);
        rows.push([
            attempt.subtask.to_string(),
            attempt.status.to_string(),
            attempt.attempt.to_string(),
            endpoint(attempt.endpoint, attempt.host),
            millis(attempt.duration),
            records_in,
            records_out,
            bytes_in,
            bytes_out,
            timestamp(attempt.start_time),
            timestamp(attempt.end_time),
            attempt.taskmanager_id,
        ]);
    }
    rows
}

/// Records in and out, bytes in and out, for people.
fn io(metrics: &IoMetrics) -> [String; 4] {
    [
        metrics.read_records.to_string(),
        metrics.write_records.to_string(),
        bytes(metrics.read_bytes),
        bytes(metrics.write_bytes),
    ]
}

/// `jobs subtask-times JOB VERTEX`.
pub(crate) async fn times(ctx: &Ctx, job: JobId, wanted: &str) -> Result<(), Failure> {
    let (_, vertex) = find(ctx, &job, wanted).await?;
    ctx.show(GetSubtaskTimes { job, vertex }, time_rows).await
}

/// The states of the table's columns after CREATED, in the order a task goes through them;
/// the wide ones last.
const LATER_STATES: [ExecutionState; 9] = [
    ExecutionState::Scheduled,
    ExecutionState::Deploying,
    ExecutionState::Initializing,
    ExecutionState::Running,
    ExecutionState::Finished,
    ExecutionState::Canceled,
    ExecutionState::Failed,
    ExecutionState::Canceling,
    ExecutionState::Reconciling,
];

/// When each subtask was created, and when it entered each later state, counted from then.
fn time_rows(info: SubtasksTimesInfo) -> Rows {
    let mut rows = Rows::new(&[
        "SUBTASK",
        "DURATION",
        "CREATED",
        "SCHEDULED",
        "DEPLOYING",
        "INITIALIZING",
        "RUNNING",
        "FINISHED",
        "CANCELED",
        "FAILED",
    ])
    .wide(&["CANCELING", "RECONCILING", "ENDPOINT"]);
    for subtask in info.subtasks {
        rows.push(time_row(subtask));
    }
    rows
}

fn time_row(subtask: SubtaskTimeInfo) -> Vec<String> {
    let entered =
        |state: &ExecutionState| subtask.timestamps.get(state).copied().filter(|&ms| ms > 0);
    let created = entered(&ExecutionState::Created);
    let mut row = vec![
        subtask.subtask.to_string(),
        millis(subtask.duration),
        created.map_or_else(|| "-".to_owned(), timestamp),
    ];
    row.extend(
        LATER_STATES
            .iter()
            .map(|state| match (created, entered(state)) {
                (Some(created), Some(at)) => since(at - created),
                (None, Some(at)) => timestamp(at),
                (_, None) => "-".to_owned(),
            }),
    );
    row.push(endpoint(subtask.endpoint, subtask.host));
    row
}

/// Milliseconds after an earlier moment, to the millisecond: `+1s 250ms`.
fn since(ms: i64) -> String {
    let ms = u64::try_from(ms).unwrap_or_default();
    format!("+{}", humantime::format_duration(Duration::from_millis(ms)))
}

/// `jobs vertex-taskmanagers JOB VERTEX`.
pub(crate) async fn taskmanagers(ctx: &Ctx, job: JobId, wanted: &str) -> Result<(), Failure> {
    let (_, vertex) = find(ctx, &job, wanted).await?;
    ctx.show(GetVertexTaskManagers { job, vertex }, taskmanager_rows)
        .await
}

/// One row per TaskManager running subtasks of the vertex.
fn taskmanager_rows(info: JobVertexTaskManagersInfo) -> Rows {
    let mut rows = Rows::new(&[
        "TASKMANAGER",
        "STATUS",
        "SUBTASKS",
        "DURATION",
        "RECORDS IN",
        "RECORDS OUT",
    ])
    .wide(&["BYTES IN", "BYTES OUT", "STARTED", "ENDED", "ENDPOINT"]);
    for tm in info.taskmanagers {
        let counts: Vec<String> = tm
            .status_counts
            .iter()
            .filter(|&(_, &count)| count > 0)
            .map(|(state, count)| format!("{count} {state}"))
            .collect();
        let [records_in, records_out, bytes_in, bytes_out] = io(&tm.metrics);
        rows.push([
            tm.taskmanager_id,
            tm.status.to_string(),
            counts.join(", "),
            millis(tm.duration),
            records_in,
            records_out,
            bytes_in,
            bytes_out,
            timestamp(tm.start_time),
            timestamp(tm.end_time),
            endpoint(tm.endpoint, tm.host),
        ]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attempt(subtask: i32, attempt: i32, status: &str) -> serde_json::Value {
        json!({
            "subtask": subtask, "status": status, "attempt": attempt,
            "endpoint": "127.0.0.1:40001", "start-time": 1_714_564_800_000_i64, "end-time": -1,
            "duration": 61_000, "taskmanager-id": "127.0.0.1:40001-a1b2c3",
            "metrics": {
                "read-bytes": 2048, "read-bytes-complete": true, "write-bytes": 0,
                "write-bytes-complete": true, "read-records": 12, "read-records-complete": true,
                "write-records": 7, "write-records-complete": true
            }
        })
    }

    #[test]
    fn vertex_rows_are_subtasks_and_their_speculative_attempts() {
        let mut first = attempt(0, 1, "RUNNING");
        first["other-concurrent-attempts"] = json!([attempt(0, 2, "DEPLOYING")]);
        let info: JobVertexDetailsInfo = serde_json::from_value(json!({
            "id": "cbc357ccb763df2852fee8c4fc7d55f2", "name": "count-per-key",
            "parallelism": 2, "maxParallelism": 128, "now": 1_714_564_861_000_i64,
            "subtasks": [first, attempt(1, 0, "RUNNING")]
        }))
        .unwrap();
        let text = attempt_rows(info.subtasks.clone()).render(false, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "SUBTASK   STATUS      ATTEMPT   ENDPOINT          DURATION   RECORDS IN   RECORDS OUT"
        );
        assert_eq!(
            lines[1],
            "0         RUNNING     1         127.0.0.1:40001   1m 1s      12           7"
        );
        assert!(lines[2].starts_with("0         DEPLOYING   2"), "{text}");
        assert!(lines[3].starts_with("1         RUNNING     0"), "{text}");
        let wide = attempt_rows(info.subtasks).render(true, false);
        for cell in ["2.0 KiB", "2024-05-01T12:00:00Z", "127.0.0.1:40001-a1b2c3"] {
            assert!(wide.contains(cell), "{cell}: {wide}");
        }
    }

    #[test]
    fn subtask_times_count_from_creation() {
        let info: SubtasksTimesInfo = serde_json::from_value(json!({
            "id": "cbc357ccb763df2852fee8c4fc7d55f2", "name": "count-per-key",
            "now": 1_714_564_861_000_i64,
            "subtasks": [{
                "subtask": 0, "host": "localhost", "duration": 5000,
                "timestamps": {
                    "CREATED": 1_714_564_800_000_i64, "SCHEDULED": 1_714_564_800_010_i64,
                    "DEPLOYING": 1_714_564_800_250_i64, "INITIALIZING": 1_714_564_801_000_i64,
                    "RUNNING": 1_714_564_801_500_i64, "FINISHED": 0, "CANCELING": 0,
                    "CANCELED": 0, "FAILED": 0, "RECONCILING": 0
                }
            }]
        }))
        .unwrap();
        let text = time_rows(info).render(true, false);
        let row: Vec<&str> = text
            .lines()
            .nth(1)
            .unwrap()
            .split("   ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(
            row,
            [
                "0",
                "5s",
                "2024-05-01T12:00:00Z",
                "+10ms",
                "+250ms",
                "+1s",
                "+1s 500ms",
                "-",
                "-",
                "-",
                "-",
                "-",
                "localhost"
            ]
        );
    }

    #[test]
    fn vertex_taskmanagers_count_subtasks_per_state() {
        let mut tm = attempt(0, 0, "RUNNING");
        tm["status-counts"] = json!({"CREATED": 0, "RUNNING": 2, "FAILED": 1});
        let info: JobVertexTaskManagersInfo = serde_json::from_value(json!({
            "id": "cbc357ccb763df2852fee8c4fc7d55f2", "name": "count-per-key",
            "now": 1_714_564_861_000_i64, "taskmanagers": [tm]
        }))
        .unwrap();
        let text = taskmanager_rows(info).render(false, false);
        let row = text.lines().nth(1).unwrap();
        assert!(
            row.starts_with("127.0.0.1:40001-a1b2c3   RUNNING   2 RUNNING, 1 FAILED   1m 1s"),
            "{text}"
        );
    }
}
