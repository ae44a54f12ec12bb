//! Metrics endpoints: names and values per scope, and aggregates across TaskManagers.
//!
//! Long `get=` lists are split into several requests so that no URL grows past what Flink's
//! HTTP decoder accepts (4 KiB for the request line); the answers are concatenated.

use crate::endpoint::{Endpoint, JsonEndpoint, encode_segment};
use crate::{ApiError, TaskManagerId};
use flink_models::metrics::{AggregatedMetric, Metric};

/// At most this many bytes of metric names go into one request's `get=` parameter.
const MAX_NAMES_PER_REQUEST_BYTES: usize = 1500;

/// Where metrics are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetricScope {
    /// `GET /jobmanager/metrics`.
    JobManager,
    /// `GET /taskmanagers/:taskmanagerid/metrics`.
    TaskManager(TaskManagerId),
}

impl MetricScope {
    fn path(&self) -> String {
        match self {
            Self::JobManager => "/jobmanager/metrics".to_owned(),
            Self::TaskManager(id) => {
                format!("/taskmanagers/{}/metrics", encode_segment(id.as_str()))
            }
        }
    }
}

/// `GET …/metrics[?get=a,b]`: without names, the names available; with names, their values.
#[derive(Clone, Debug)]
pub struct GetMetrics {
    scope: MetricScope,
    names: Vec<String>,
}

impl GetMetrics {
    /// Lists the metric names available in a scope.
    pub fn names(scope: MetricScope) -> Self {
        Self {
            scope,
            names: Vec::new(),
        }
    }

    /// Reads the values of the given metrics, split into as many requests as the URL length needs.
    pub fn values<S: AsRef<str>>(scope: &MetricScope, names: &[S]) -> Result<Vec<Self>, ApiError> {
        Ok(split_names(names)?
            .into_iter()
            .map(|names| Self {
                scope: scope.clone(),
                names,
            })
            .collect())
    }
}

impl Endpoint for GetMetrics {
    const NAME: &'static str = "metrics.get";

    fn path(&self) -> String {
        self.scope.path()
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        if self.names.is_empty() {
            Vec::new()
        } else {
            vec![("get", self.names.join(","))]
        }
    }
}

impl JsonEndpoint for GetMetrics {
    type Output = Vec<Metric>;
}

/// How to combine one metric's values across several TaskManagers (or subtasks, or jobs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aggregation {
    /// The smallest value.
    Min,
    /// The largest value.
    Max,
    /// The sum of the values.
    Sum,
    /// The mean of the values.
    Avg,
    /// How unevenly the values are spread (0 = even, 100 = all on one).
    Skew,
}

impl Aggregation {
    /// Every aggregation Flink computes.
    pub const ALL: [Self; 5] = [Self::Min, Self::Max, Self::Sum, Self::Avg, Self::Skew];

    /// The wire name in `agg=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Min => "min",
            Self::Max => "max",
            Self::Sum => "sum",
            Self::Avg => "avg",
            Self::Skew => "skew",
        }
    }
}

/// Which set of components an aggregate spans.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AggregatedMetricScope {
    /// `GET /taskmanagers/metrics`: these TaskManagers, or all when the list is empty.
    TaskManagers(Vec<TaskManagerId>),
}

impl AggregatedMetricScope {
    fn path(&self) -> &'static str {
        match self {
            Self::TaskManagers(_) => "/taskmanagers/metrics",
        }
    }

    fn members(&self) -> Option<(&'static str, String)> {
        match self {
            Self::TaskManagers(ids) if !ids.is_empty() => Some((
                "taskmanagers",
                ids.iter()
                    .map(TaskManagerId::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
            )),
            Self::TaskManagers(_) => None,
        }
    }
}

/// `GET /taskmanagers/metrics?get=…&agg=…&taskmanagers=…`: metrics aggregated across components.
#[derive(Clone, Debug)]
pub struct GetAggregatedMetrics {
    scope: AggregatedMetricScope,
    names: Vec<String>,
    aggregations: Vec<Aggregation>,
}

impl GetAggregatedMetrics {
    /// Lists the metric names available for aggregation in a scope.
    pub fn names(scope: AggregatedMetricScope) -> Self {
        Self {
            scope,
            names: Vec::new(),
            aggregations: Vec::new(),
        }
    }

    /// Reads aggregates of the given metrics (all aggregations when `aggregations` is empty),
    /// split into as many requests as the URL length needs.
    pub fn values<S: AsRef<str>>(
        scope: &AggregatedMetricScope,
        names: &[S],
        aggregations: &[Aggregation],
    ) -> Result<Vec<Self>, ApiError> {
        Ok(split_names(names)?
            .into_iter()
            .map(|names| Self {
                scope: scope.clone(),
                names,
                aggregations: aggregations.to_vec(),
            })
            .collect())
    }
}

impl Endpoint for GetAggregatedMetrics {
    const NAME: &'static str = "metrics.aggregated";

    fn path(&self) -> String {
        self.scope.path().to_owned()
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if !self.names.is_empty() {
            query.push(("get", self.names.join(",")));
        }
        if !self.aggregations.is_empty() {
            let aggregations: Vec<&str> = self.aggregations.iter().map(|a| a.as_str()).collect();
            query.push(("agg", aggregations.join(",")));
        }
        query.extend(self.scope.members());
        query
    }
}

impl JsonEndpoint for GetAggregatedMetrics {
    type Output = Vec<AggregatedMetric>;
}

/// Validates metric names and groups them so each group's `get=` value stays short.
fn split_names<S: AsRef<str>>(names: &[S]) -> Result<Vec<Vec<String>>, ApiError> {
    if names.is_empty() {
        return Err(ApiError::invalid(
            "metric names",
            "",
            "name at least one metric; to see which exist, list the names first",
        ));
    }
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut group_len = 0;
    for name in names {
        let name = name.as_ref();
        if name.trim().is_empty() || name.contains(',') {
            return Err(ApiError::invalid(
                "metric name",
                name,
                "a metric name is non-empty and has no `,` (Flink splits `get=` on commas)",
            ));
        }
        let len = percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .len()
            + 1;
        match groups.last_mut() {
            Some(group) if group_len + len <= MAX_NAMES_PER_REQUEST_BYTES => {
                group.push(name.to_owned());
                group_len += len;
            }
            _ => {
                groups.push(vec![name.to_owned()]);
                group_len = len;
            }
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;

    #[test]
    fn few_names_make_one_request() {
        let requests = GetMetrics::values(
            &MetricScope::JobManager,
            &["Status.JVM.CPU.Load", "numRunningJobs"],
        )
        .unwrap();
        assert_eq!(requests.len(), 1);
        let request = build_request(&requests[0]).unwrap();
        assert_eq!(
            request.uri(),
            "/jobmanager/metrics?get=Status.JVM.CPU.Load,numRunningJobs"
        );
    }

    #[test]
    fn long_lists_are_split_and_keep_every_name_once_in_order() {
        let names: Vec<String> = (0..400)
            .map(|i| format!("0.Source__gen.numRecordsOutPerSecond{i}"))
            .collect();
        let requests = GetMetrics::values(&MetricScope::JobManager, &names).unwrap();
        assert!(requests.len() > 1);
        let mut seen = Vec::new();
        for request in &requests {
            let uri = build_request(request).unwrap().uri().to_string();
            assert!(uri.len() < 2048, "{} bytes", uri.len());
            seen.extend(request.names.iter().cloned());
        }
        assert_eq!(seen, names);
    }

    #[test]
    fn bad_names_are_rejected() {
        assert!(
            GetMetrics::values::<&str>(&MetricScope::JobManager, &[])
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            GetMetrics::values(&MetricScope::JobManager, &["a,b"])
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            GetMetrics::values(&MetricScope::JobManager, &[" "])
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn aggregated_query_names_aggregations_and_members() {
        let tm: TaskManagerId = "127.0.0.1:1-a".parse().unwrap();
        let requests = GetAggregatedMetrics::values(
            &AggregatedMetricScope::TaskManagers(vec![tm]),
            &["Status.JVM.Memory.Heap.Used"],
            &[Aggregation::Min, Aggregation::Max],
        )
        .unwrap();
        let request = build_request(&requests[0]).unwrap();
        assert_eq!(
            request.uri(),
            "/taskmanagers/metrics?get=Status.JVM.Memory.Heap.Used&agg=min,max&taskmanagers=127.0.0.1%3A1-a"
        );
    }

    #[test]
    fn names_listing_has_no_query() {
        let request = build_request(&GetMetrics::names(MetricScope::TaskManager(
            "x".parse().unwrap(),
        )))
        .unwrap();
        assert_eq!(request.uri(), "/taskmanagers/x/metrics");
    }
}
