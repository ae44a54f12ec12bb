//! `flinkctl datasets …`: the intermediate results a session cluster keeps between jobs
//! (cluster datasets): list them, delete one.

use clap::Subcommand;
use flink_client::api::cluster::ListDataSets;
use flink_client::api::{ClusterApi, DataSetId};
use flink_client::models::cluster::DataSetList;

use super::{Ctx, verb};
use crate::exit::Failure;
use crate::output::Rows;

/// The datasets' subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The cluster's datasets (GET /datasets).
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  flinkctl datasets list\n  flinkctl datasets list -o json"
    )]
    List,
    /// Delete a dataset and wait until Flink has (DELETE /datasets/ID).
    #[command(
        visible_alias = "rm",
        after_help = "Examples:\n  flinkctl datasets delete 4f2bb4b5d19a4e51ab3fb5a2d4b3a5f1 --timeout 1m\n\nAn id the cluster does not list exits with 3 (Flink would accept it and delete nothing)."
    )]
    Delete {
        /// The dataset's id (the ID column of `datasets list`).
        id: String,
    },
}

/// Runs a datasets subcommand.
pub(crate) async fn run(ctx: &Ctx, command: &Command) -> Result<(), Failure> {
    match command {
        Command::List => ctx.show(ListDataSets, rows).await,
        Command::Delete { id } => delete(ctx, id).await,
    }
}

/// Triggers the deletion of a dataset the cluster lists, waits for it within `--timeout` and
/// says what was deleted.
async fn delete(ctx: &Ctx, id: &str) -> Result<(), Failure> {
    let dataset: DataSetId = id.parse()?;
    // Flink accepts the deletion of a dataset it does not have, and deletes nothing.
    let listed = ctx.call(ctx.client.datasets()).await?;
    if !listed
        .data_sets
        .iter()
        .any(|known| known.id.eq_ignore_ascii_case(dataset.as_str()))
    {
        return Err(Failure::NotFound(format!(
            "the cluster has no dataset {dataset}; `flinkctl datasets list` shows its datasets"
        )));
    }
    let operation = ctx
        .call(ctx.client.delete_dataset_operation(dataset.clone()))
        .await?;
    let doing = format!("deleting dataset {dataset}");
    verb::finish_operation(ctx, &operation, None, &doing, None).await?;
    verb::print(
        ctx,
        &format!("deleted dataset {dataset}"),
        &serde_json::json!({ "deleted": dataset.as_str() }),
    )
}

/// One row per dataset.
fn rows(list: DataSetList) -> Rows {
    let mut rows = Rows::new(&["ID", "COMPLETE"]);
    for dataset in list.data_sets {
        rows.push([dataset.id, dataset.is_complete.to_string()]);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datasets_are_rows_with_their_id_first() {
        let list: DataSetList = serde_json::from_value(serde_json::json!({
            "dataSets": [{"id": "4f2bb4b5d19a4e51ab3fb5a2d4b3a5f1", "isComplete": true}]
        }))
        .unwrap();
        assert_eq!(
            rows(list).render(false, false),
            "ID                                 COMPLETE\n4f2bb4b5d19a4e51ab3fb5a2d4b3a5f1   true\n"
        );
        assert_eq!(
            rows(DataSetList::default()).render(false, false),
            "ID   COMPLETE\n"
        );
    }
}
