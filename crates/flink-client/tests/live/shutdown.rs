//! The one destructive live test: `DELETE /cluster`. `cargo xtask test` runs it alone, after
//! every other live test of a cluster has finished.

use std::time::Duration;

use flink_client::prelude::*;

use crate::{client, eventually};

#[tokio::test]
#[ignore = "needs a Flink cluster it may stop: run `cargo xtask test`"]
async fn shutdown_cluster_stops_the_jobmanager() {
    let client = client();
    client
        .overview()
        .await
        .expect("the cluster answers before the shutdown");
    client.shutdown_cluster().await.unwrap();
    let error = eventually(
        "the JobManager to stop answering",
        Duration::from_secs(30),
        || {
            let client = client.clone();
            async move { client.overview().await.err() }
        },
    )
    .await;
    assert!(
        matches!(error, ApiError::Transport { .. } | ApiError::Timeout { .. }),
        "{error:?}"
    );
}
