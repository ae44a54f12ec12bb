//! Answers of the cluster-wide endpoints: `/overview`, `/config`, `/datasets`.

use serde::{Deserialize, Serialize};

use crate::Extra;

/// `GET /overview`: the cluster at a glance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ClusterOverview {
    /// Registered TaskManagers.
    pub taskmanagers: i32,
    /// Task slots of all TaskManagers.
    pub slots_total: i32,
    /// Task slots not running anything.
    pub slots_available: i32,
    /// TaskManagers blocked from receiving new work (sent only when some are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taskmanagers_blocked: Option<i32>,
    /// Free slots on blocked TaskManagers (sent only when some are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots_free_and_blocked: Option<i32>,
    /// Jobs running now.
    pub jobs_running: i32,
    /// Jobs that finished.
    pub jobs_finished: i32,
    /// Jobs that were cancelled (Flink spells the key `jobs-cancelled`, the state `CANCELED`).
    pub jobs_cancelled: i32,
    /// Jobs that failed.
    pub jobs_failed: i32,
    /// The Flink version, e.g. `2.3.0`.
    pub flink_version: String,
    /// The short commit hash Flink was built from.
    pub flink_commit: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /config`: what the web dashboard needs to know about the cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DashboardConfiguration {
    /// How often the dashboard refreshes, in milliseconds.
    pub refresh_interval: i64,
    /// The JobManager's time zone name.
    pub timezone_name: String,
    /// The JobManager's time zone offset from UTC, in milliseconds.
    pub timezone_offset: i64,
    /// The Flink version, e.g. `1.20.5`.
    pub flink_version: String,
    /// The commit and build date Flink was built from.
    pub flink_revision: String,
    /// Which dashboard actions the cluster allows.
    pub features: DashboardFeatures,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Dashboard actions the cluster allows (`web.submit.enable`, `web.cancel.enable`, …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DashboardFeatures {
    /// Jars can be uploaded and run over REST.
    pub web_submit: bool,
    /// Jobs can be cancelled over REST.
    pub web_cancel: bool,
    /// Jobs can be rescaled from the dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_rescale: Option<bool>,
    /// The server is a HistoryServer rather than a live cluster (Flink 1.16 and newer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_history: Option<bool>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /datasets`: intermediate results the cluster keeps between jobs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSetList {
    /// The datasets.
    pub data_sets: Vec<DataSetEntry>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One cluster dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSetEntry {
    /// The dataset's id (32 hexadecimal characters).
    pub id: String,
    /// Whether every partition of the dataset is available.
    pub is_complete: bool,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboard_config_of_flink_1_15_has_no_history_flag() {
        let json = r#"{"refresh-interval":3000,"timezone-name":"Coordinated Universal Time","timezone-offset":0,"flink-version":"1.15.4","flink-revision":"fc679b6 @ 2023-03-08T18:49:43+01:00","features":{"web-submit":true,"web-cancel":true}}"#;
        let config: DashboardConfiguration = serde_json::from_str(json).unwrap();
        assert_eq!(config.features.web_history, None);
        assert_eq!(config.features.web_rescale, None);
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
