//! `flinkctl version`: this flinkctl's version and the cluster's (`GET /config`).

use flink_client::api::cluster::GetDashboardConfig;
use flink_client::prelude::*;
use serde_json::json;

use super::Ctx;
use crate::exit::Failure;
use crate::output::Rows;

/// This flinkctl's version.
pub(crate) const CLIENT: &str = env!("CARGO_PKG_VERSION");

/// Prints both versions: one row each, or one document with `-o json|yaml`.
pub(crate) async fn run(ctx: &Ctx) -> Result<(), Failure> {
    let config = ctx.call(ctx.client.execute(GetDashboardConfig)).await?;
    let document = json!({
        "flinkctl": CLIENT,
        "flink": config.flink_version,
        "flink-revision": config.flink_revision,
    });
    ctx.printer
        .print(&mut std::io::stdout().lock(), &document, || {
            Ok(rows(&config.flink_version, &config.flink_revision))
        })
}

/// A row for flinkctl and one for the cluster.
fn rows(flink: &str, revision: &str) -> Rows {
    let mut rows = Rows::new(&["COMPONENT", "VERSION", "REVISION"]);
    rows.push(["flinkctl".to_owned(), CLIENT.to_owned(), "-".to_owned()]);
    rows.push(["Flink".to_owned(), flink.to_owned(), revision.to_owned()]);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_for_each_side() {
        let text = rows("2.3.0", "c0f8d1a @ 2026-01-01").render(false, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[1].starts_with("flinkctl") && lines[1].contains(CLIENT),
            "{text}"
        );
        assert!(
            lines[2].starts_with("Flink") && lines[2].contains("2.3.0"),
            "{text}"
        );
    }
}
