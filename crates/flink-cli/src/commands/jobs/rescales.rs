//! `flinkctl jobs rescales JOB [RESCALE]`: what the adaptive scheduler did (Flink 2.3+).

use flink_client::api::JobId;
use flink_client::api::jobs::rescales::{GetRescaleDetails, GetRescalesHistory};
use flink_client::models::jobs::rescales::JobRescaleDetails;

use crate::commands::Ctx;
use crate::exit::Failure;
use crate::output::{Rows, timestamp};

/// The job's rescales, newest first, or one rescale's vertices before and after.
pub(super) async fn show(ctx: &Ctx, job: JobId, rescale: Option<&str>) -> Result<(), Failure> {
    match rescale {
        None => ctx.show(GetRescalesHistory { job }, rescale_rows).await,
        Some(rescale) => {
            let endpoint = GetRescaleDetails {
                job,
                rescale: rescale.parse()?,
            };
            ctx.show(endpoint, rescale_vertex_rows).await
        }
    }
}

#[allow(clippy::needless_pass_by_value)] // the shape `Ctx::show` takes
fn rescale_rows(history: Vec<JobRescaleDetails>) -> Rows {
    let mut rows =
        Rows::new(&["ID", "STARTED", "ENDED", "STATE", "CAUSE"]).wide(&["REASON", "ATTEMPT"]);
    let or_dash = |text: Option<String>| text.unwrap_or_else(|| "-".to_owned());
    for rescale in &history {
        rows.push([
            rescale.rescale_uuid.clone(),
            timestamp(rescale.start_timestamp_in_millis),
            timestamp(
                rescale
                    .end_timestamp_in_millis
                    .into_value()
                    .unwrap_or_default(),
            ),
            or_dash(rescale.terminal_state.value().map(ToString::to_string)),
            or_dash(rescale.trigger_cause.value().map(ToString::to_string)),
            or_dash(rescale.terminated_reason.value().map(ToString::to_string)),
            rescale.rescale_attempt_id.to_string(),
        ]);
    }
    rows
}

fn rescale_vertex_rows(rescale: JobRescaleDetails) -> Rows {
    let mut rows = Rows::new(&["VERTEX", "BEFORE", "AFTER", "DESIRED"])
        .wide(&["SUFFICIENT", "SLOT SHARING GROUP"]);
    let count = |value: Option<i32>| value.map_or_else(|| "-".to_owned(), |v| v.to_string());
    for vertex in rescale.vertices.into_values() {
        rows.push([
            vertex.job_vertex_name,
            count(vertex.pre_rescale_parallelism.into_value()),
            count(vertex.post_rescale_parallelism.into_value()),
            vertex.desired_parallelism.to_string(),
            vertex.sufficient_parallelism.to_string(),
            vertex.slot_sharing_group_name,
        ]);
    }
    rows
}
