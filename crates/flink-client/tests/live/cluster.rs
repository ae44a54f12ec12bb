//! Live tests of `/overview`, `/config` and `/datasets`.

use flink_client::prelude::*;

use crate::{client, expected_version};

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn overview_reports_taskmanagers_slots_and_the_expected_version() {
    let overview = client().overview().await.unwrap();
    assert!(overview.taskmanagers >= 1, "{overview:?}");
    assert!(
        overview.slots_total >= overview.slots_available,
        "{overview:?}"
    );
    assert!(overview.slots_total >= 1, "{overview:?}");
    if let Some(expected) = expected_version() {
        assert_eq!(overview.flink_version, expected);
    }
    assert!(!overview.flink_commit.is_empty());
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn dashboard_config_names_the_version_and_features() {
    let client = client();
    let config = client.dashboard_config().await.unwrap();
    let overview = client.overview().await.unwrap();
    assert_eq!(config.flink_version, overview.flink_version);
    assert!(
        config.features.web_submit,
        "the local cluster allows jar submission"
    );
    assert!(config.refresh_interval > 0);
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn datasets_of_a_fresh_cluster_decode() {
    let datasets = client().datasets().await.unwrap();
    // A session cluster without batch jobs keeps no datasets; the answer still decodes.
    for dataset in &datasets.data_sets {
        assert!(!dataset.id.is_empty());
    }
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn deleting_an_unknown_dataset_reports_its_outcome() {
    let client = client();
    let dataset: DataSetId = "00000000000000000000000000000042".parse().unwrap();
    let trigger = client.delete_dataset(dataset).await.unwrap();
    let trigger: TriggerId = trigger.request_id.parse().unwrap();
    if !crate::flink_at_least(&client, 1, 16).await {
        // Flink 1.15 never completes deleting a dataset it does not know: the operation stays
        // in progress (seen on 1.15.4; 1.16 completes it at once).
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let status = client.dataset_delete_status(trigger).await.unwrap();
        assert_eq!(
            status.status.id,
            flink_client::models::common::OperationState::InProgress
        );
        return;
    }
    let result = crate::eventually(
        "the dataset deletion to finish",
        std::time::Duration::from_secs(20),
        || {
            let client = client.clone();
            let trigger = trigger.clone();
            async move {
                let status = client.dataset_delete_status(trigger).await.unwrap();
                (status.status.id == flink_client::models::common::OperationState::Completed)
                    .then_some(status)
            }
        },
    )
    .await;
    // Flink treats deleting a dataset it does not know as done: no failure cause.
    let outcome = result
        .operation
        .into_value()
        .expect("a completed operation carries its outcome");
    assert!(outcome.failure_cause.is_none(), "{outcome:?}");
}

#[tokio::test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
async fn status_of_an_unknown_dataset_deletion_is_not_found() {
    let trigger: TriggerId = "0000000000000000000000000000abcd".parse().unwrap();
    let error = client().dataset_delete_status(trigger).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("GET /datasets/delete/0000000000000000000000000000abcd"),
        "{error}"
    );
}
