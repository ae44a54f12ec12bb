//! `flinkctl config`: the web UI's configuration (`GET /config`).

use flink_client::api::cluster::GetDashboardConfig;
use flink_client::models::cluster::DashboardConfiguration;

use super::Ctx;
use crate::exit::Failure;
use crate::output::Rows;

/// Prints the configuration.
pub(crate) async fn run(ctx: &Ctx) -> Result<(), Failure> {
    ctx.show(GetDashboardConfig, rows).await
}

#[allow(clippy::needless_pass_by_value)] // the shape `Ctx::show` hands over
fn rows(config: DashboardConfiguration) -> Rows {
    let mut rows = Rows::new(&[
        "VERSION",
        "REVISION",
        "TIMEZONE",
        "WEB SUBMIT",
        "WEB CANCEL",
    ])
    .wide(&["WEB RESCALE", "WEB HISTORY", "REFRESH MS"]);
    let features = &config.features;
    rows.push([
        config.flink_version.clone(),
        config.flink_revision.clone(),
        config.timezone_name.clone(),
        features.web_submit.to_string(),
        features.web_cancel.to_string(),
        feature(features.web_rescale),
        feature(features.web_history),
        config.refresh_interval.to_string(),
    ]);
    rows
}

/// A feature flag that older Flink versions do not report: `-` when absent.
fn feature(value: Option<bool>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| value.to_string())
}
