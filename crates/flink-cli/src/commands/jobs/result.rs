//! `jobs result JOB`: how a job ended, as its execution result says (GET
//! /jobs/ID/execution-result): its outcome, run time, failure cause and accumulators.

use flink_client::api::jobs::GetJobExecutionResult;
use flink_client::api::{JobId, root_cause};
use flink_client::models::jobs::result::JobExecutionResultResponseBody;

use super::millis;
use crate::commands::Ctx;
use crate::exit::Failure;
use crate::output::{Rows, timestamp};

/// Prints the job's execution result (`IN_PROGRESS` while it runs).
pub(super) async fn show(ctx: &Ctx, job: JobId) -> Result<(), Failure> {
    let id = job.to_string();
    let endpoint = GetJobExecutionResult { job };
    ctx.show(endpoint, |body| result_rows(&id, body)).await
}

/// One row: the job `id` asked for, whether it has ended, and how.
fn result_rows(id: &str, body: JobExecutionResultResponseBody) -> Rows {
    let mut rows = Rows::new(&["ID", "STATUS", "RESULT", "RUNTIME", "FAILURE"]).wide(&[
        "NAME",
        "STARTED",
        "ENDED",
        "ACCUMULATORS",
    ]);
    let dash = || "-".to_owned();
    let status = body.status.id.to_string();
    let Some(result) = body.job_execution_result else {
        rows.push([id.to_owned(), status, dash(), dash(), dash()]);
        return rows;
    };
    let failure = result.failure_cause.map_or_else(dash, |cause| {
        cause
            .stack_trace
            .as_deref()
            .map(root_cause)
            .or(cause.class)
            .unwrap_or_else(dash)
    });
    let accumulators: Vec<String> = result.accumulator_results.into_keys().collect();
    rows.push([
        result.id,
        status,
        result.application_status.to_string(),
        millis(result.net_runtime),
        failure,
        result.name.unwrap_or_else(dash),
        result.start_time.map_or_else(dash, timestamp),
        result.end_time.map_or_else(dash, timestamp),
        if accumulators.is_empty() {
            dash()
        } else {
            accumulators.join(", ")
        },
    ]);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(json: &str) -> Vec<String> {
        let body: JobExecutionResultResponseBody = serde_json::from_str(json).unwrap();
        result_rows("bb83d91017f8047f9ca01822062d7479", body)
            .render(true, false)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_running_job_is_in_progress() {
        let lines = rows(r#"{"status":{"id":"IN_PROGRESS"}}"#);
        assert!(lines[0].starts_with("ID "), "{lines:?}");
        assert_eq!(
            lines[1],
            "bb83d91017f8047f9ca01822062d7479   IN_PROGRESS   -        -         -"
        );
    }

    #[test]
    fn an_ended_job_shows_its_outcome_and_failure_cause() {
        let finished = rows(
            r#"{"status":{"id":"COMPLETED"},"job-execution-result":{"id":"bb83d91017f8047f9ca01822062d7479","name":"probe-bounded","application-status":"SUCCEEDED","accumulator-results":{"records":"rO0A","bytes":"rO0B"},"net-runtime":61000,"start-time":1714564800000,"end-time":1714564861000}}"#,
        );
        let row = &finished[1];
        for part in [
            "COMPLETED",
            "SUCCEEDED",
            "1m 1s",
            "probe-bounded",
            "2024-05-01T12:01:01Z",
            "bytes, records",
        ] {
            assert!(row.contains(part), "{part}: {row}");
        }
        let failed = rows(
            r#"{"status":{"id":"COMPLETED"},"job-execution-result":{"id":"892a6dcbaa4a9429879c62c101399ed3","application-status":"FAILED","accumulator-results":{},"net-runtime":586,"failure-cause":{"class":"org.apache.flink.runtime.JobException","stack-trace":"org.apache.flink.runtime.JobException: Recovery is suppressed\n\tat x.y(Z.java:1)\nCaused by: java.lang.RuntimeException: boom\n\tat a.b(C.java:2)"}}}"#,
        );
        let row = &failed[1];
        assert!(row.starts_with("892a6dcbaa4a9429879c62c101399ed3"), "{row}");
        assert!(
            row.contains("FAILED") && row.contains("java.lang.RuntimeException: boom"),
            "{row}"
        );
    }
}
