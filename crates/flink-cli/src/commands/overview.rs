//! `flinkctl overview`: the cluster at a glance (`GET /overview`).

use flink_client::api::cluster::GetOverview;
use flink_client::models::cluster::ClusterOverview;

use super::Ctx;
use crate::exit::Failure;
use crate::output::Rows;

/// Prints the overview.
pub(crate) async fn run(ctx: &Ctx) -> Result<(), Failure> {
    ctx.show(GetOverview, rows).await
}

/// One row: version, TaskManagers, slots and jobs.
fn rows(overview: ClusterOverview) -> Rows {
    let mut rows = Rows::new(&[
        "VERSION",
        "TASKMANAGERS",
        "SLOTS",
        "AVAILABLE",
        "RUNNING",
        "FINISHED",
        "CANCELLED",
        "FAILED",
    ])
    .wide(&["COMMIT", "BLOCKED TMS"]);
    let optional = |value: Option<i32>| value.map_or_else(|| "-".to_owned(), |v| v.to_string());
    rows.push([
        overview.flink_version,
        overview.taskmanagers.to_string(),
        overview.slots_total.to_string(),
        overview.slots_available.to_string(),
        overview.jobs_running.to_string(),
        overview.jobs_finished.to_string(),
        overview.jobs_cancelled.to_string(),
        overview.jobs_failed.to_string(),
        overview.flink_commit,
        optional(overview.taskmanagers_blocked),
    ]);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overview_is_one_row() {
        let overview: ClusterOverview = serde_json::from_value(serde_json::json!({
            "taskmanagers": 1, "slots-total": 8, "slots-available": 6, "jobs-running": 1,
            "jobs-finished": 2, "jobs-cancelled": 0, "jobs-failed": 0,
            "flink-version": "2.3.0", "flink-commit": "abc1234"
        }))
        .unwrap();
        let text = rows(overview).render(true, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("VERSION   TASKMANAGERS"), "{text}");
        assert!(lines[1].starts_with("2.3.0     1"), "{text}");
        assert!(lines[1].ends_with("abc1234   -"), "{text}");
    }
}
