//! `jobs list`: every job the cluster knows, with names and times (GET /jobs/overview), or
//! only ids and states (GET /jobs).

use flink_client::api::jobs::{GetJobsOverview, ListJobs};
use flink_client::models::jobs::state::JobIdsWithStatus;

use crate::commands::{Ctx, list};
use crate::exit::Failure;
use crate::output::Rows;

/// Lists every job, ended ones included: as `flinkctl list -a`, or only ids and states.
pub(super) async fn show(ctx: &Ctx, ids: bool) -> Result<(), Failure> {
    if ids {
        ctx.show(ListJobs, id_rows).await
    } else {
        ctx.show(GetJobsOverview, |overview| list::rows(overview.jobs))
            .await
    }
}

/// One row per job: its id and state, in Flink's order.
fn id_rows(list: JobIdsWithStatus) -> Rows {
    let mut rows = Rows::new(&["ID", "STATE"]);
    for job in list.jobs {
        rows.push([job.id, job.status.to_string()]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_states() {
        let list: JobIdsWithStatus = serde_json::from_value(serde_json::json!({
            "jobs": [{"id": "e81730c90bc591e49d6c04e3b6480941", "status": "RUNNING"},
                     {"id": "0123456789abcdef0123456789abcdef", "status": "FINISHED"}]
        }))
        .unwrap();
        assert_eq!(
            id_rows(list).render(false, false),
            "ID                                 STATE\n\
             e81730c90bc591e49d6c04e3b6480941   RUNNING\n\
             0123456789abcdef0123456789abcdef   FINISHED\n"
        );
    }
}
