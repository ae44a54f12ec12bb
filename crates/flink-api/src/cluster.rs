//! Cluster-wide endpoints: overview, dashboard configuration, shutdown, cluster datasets.

use std::future::Future;

use http::Method;

use crate::endpoint::{Endpoint, Execute, JsonEndpoint, encode_segment};
use crate::{ApiError, DataSetId, TriggerId};
use flink_models::cluster::{ClusterOverview, DashboardConfiguration, DataSetList};
use flink_models::common::{AsyncOperationResult, Empty, OperationOutcome, TriggerResponse};

/// `GET /overview`: TaskManagers, slots, job counts and the Flink version.
#[derive(Clone, Copy, Debug, Default)]
pub struct GetOverview;

impl Endpoint for GetOverview {
    const NAME: &'static str = "cluster.overview";

    fn path(&self) -> String {
        "/overview".to_owned()
    }
}

impl JsonEndpoint for GetOverview {
    type Output = ClusterOverview;
}

/// `GET /config`: the web dashboard's configuration, including the Flink version and features.
#[derive(Clone, Copy, Debug, Default)]
pub struct GetDashboardConfig;

impl Endpoint for GetDashboardConfig {
    const NAME: &'static str = "cluster.config";

    fn path(&self) -> String {
        "/config".to_owned()
    }
}

impl JsonEndpoint for GetDashboardConfig {
    type Output = DashboardConfiguration;
}

/// `DELETE /cluster`: shuts the cluster down. The JobManager exits; standalone TaskManagers may not.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShutDownCluster;

impl Endpoint for ShutDownCluster {
    const NAME: &'static str = "cluster.shutdown";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> String {
        "/cluster".to_owned()
    }
}

impl JsonEndpoint for ShutDownCluster {
    type Output = Empty;
}

/// `GET /datasets`: intermediate results the cluster keeps between jobs.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListDataSets;

impl Endpoint for ListDataSets {
    const NAME: &'static str = "datasets.list";

    fn path(&self) -> String {
        "/datasets".to_owned()
    }
}

impl JsonEndpoint for ListDataSets {
    type Output = DataSetList;
}

/// `DELETE /datasets/:datasetid`: starts deleting a dataset; poll [`DataSetDeleteStatus`].
#[derive(Clone, Debug)]
pub struct DeleteDataSet {
    /// The dataset to delete.
    pub dataset: DataSetId,
}

impl Endpoint for DeleteDataSet {
    const NAME: &'static str = "datasets.delete";

    fn method(&self) -> Method {
        Method::DELETE
    }

    fn path(&self) -> String {
        format!("/datasets/{}", encode_segment(self.dataset.as_str()))
    }
}

impl JsonEndpoint for DeleteDataSet {
    type Output = TriggerResponse;
}

/// `GET /datasets/delete/:triggerid`: the state of a dataset deletion.
#[derive(Clone, Debug)]
pub struct DataSetDeleteStatus {
    /// The trigger id [`DeleteDataSet`] answered with.
    pub trigger: TriggerId,
}

impl Endpoint for DataSetDeleteStatus {
    const NAME: &'static str = "datasets.delete-status";

    fn path(&self) -> String {
        format!("/datasets/delete/{}", encode_segment(self.trigger.as_str()))
    }
}

impl JsonEndpoint for DataSetDeleteStatus {
    type Output = AsyncOperationResult<OperationOutcome>;
}

/// Cluster-wide calls. Implemented for every [`Execute`]; bring it into scope to call them.
pub trait ClusterApi: Execute + Sync {
    /// `GET /overview`.
    fn overview(&self) -> impl Future<Output = Result<ClusterOverview, ApiError>> + Send {
        self.execute(GetOverview)
    }

    /// `GET /config`.
    fn dashboard_config(
        &self,
    ) -> impl Future<Output = Result<DashboardConfiguration, ApiError>> + Send {
        self.execute(GetDashboardConfig)
    }

    /// `DELETE /cluster`: shuts the cluster down.
    fn shutdown_cluster(&self) -> impl Future<Output = Result<Empty, ApiError>> + Send {
        self.execute(ShutDownCluster)
    }

    /// `GET /datasets`.
    fn datasets(&self) -> impl Future<Output = Result<DataSetList, ApiError>> + Send {
        self.execute(ListDataSets)
    }

    /// `DELETE /datasets/:datasetid`: starts the deletion and returns its trigger.
    fn delete_dataset(
        &self,
        dataset: DataSetId,
    ) -> impl Future<Output = Result<TriggerResponse, ApiError>> + Send {
        self.execute(DeleteDataSet { dataset })
    }

    /// `GET /datasets/delete/:triggerid`.
    fn dataset_delete_status(
        &self,
        trigger: TriggerId,
    ) -> impl Future<Output = Result<AsyncOperationResult<OperationOutcome>, ApiError>> + Send {
        self.execute(DataSetDeleteStatus { trigger })
    }
}

impl<T: Execute + Sync + ?Sized> ClusterApi for T {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;

    #[test]
    fn cluster_requests() {
        let dataset: DataSetId = "0123456789abcdef0123456789ABCDEF".parse().unwrap();
        let cases: Vec<(http::Request<bytes::Bytes>, Method, &str)> = vec![
            (
                build_request(&GetOverview).unwrap(),
                Method::GET,
                "/overview",
            ),
            (
                build_request(&GetDashboardConfig).unwrap(),
                Method::GET,
                "/config",
            ),
            (
                build_request(&ShutDownCluster).unwrap(),
                Method::DELETE,
                "/cluster",
            ),
            (
                build_request(&ListDataSets).unwrap(),
                Method::GET,
                "/datasets",
            ),
            (
                build_request(&DeleteDataSet { dataset }).unwrap(),
                Method::DELETE,
                "/datasets/0123456789abcdef0123456789abcdef",
            ),
        ];
        for (request, method, path) in cases {
            assert_eq!(
                (request.method(), request.uri().to_string().as_str()),
                (&method, path)
            );
        }
    }
}
