//! `GET /jobs/:jobid/config` and the log URLs of a job's JobManager and TaskManagers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Extra;

/// `GET /jobs/:jobid/config`: the job's execution configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobConfigInfo {
    /// The job's id.
    pub jid: String,
    /// The job's name.
    pub name: String,
    /// Its execution configuration; absent when Flink no longer has it (archived jobs).
    #[serde(
        rename = "execution-config",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub execution_config: Option<ExecutionConfigInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The execution settings of a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ExecutionConfigInfo {
    /// How data is exchanged, e.g. `PIPELINED` (Flink 1.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_mode: Option<String>,
    /// The restart strategy, described in words.
    pub restart_strategy: String,
    /// The job's default parallelism.
    pub job_parallelism: i32,
    /// Whether operators may reuse record objects.
    pub object_reuse_mode: bool,
    /// The job's global parameters, as the job set them.
    #[serde(default)]
    pub user_config: BTreeMap<String, String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs/:jobid/jobmanager/log-url` and `…/taskmanagers/:taskmanagerid/log-url`: where a
/// history server or log aggregator shows the logs of a process that ran the job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogUrlResponse {
    /// The URL, built from the cluster's `historyserver.log.*.url-pattern` options.
    pub url: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_of_both_versions_decodes() {
        let v1 = r#"{"jid":"d82f55b531ba4b14b12084365b53c7cb","name":"probe","execution-config":{"execution-mode":"PIPELINED","restart-strategy":"Cluster level default restart strategy","job-parallelism":2,"object-reuse-mode":false,"user-config":{"a":"b"}}}"#;
        let config: JobConfigInfo = serde_json::from_str(v1).unwrap();
        let execution = config.execution_config.as_ref().unwrap();
        assert_eq!(execution.job_parallelism, 2);
        assert_eq!(execution.user_config["a"], "b");
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            serde_json::from_str::<serde_json::Value>(v1).unwrap()
        );
        let v2 = r#"{"jid":"d7b2518b7cc9b04478ed2eb249c5b9a0","name":"probe","execution-config":{"restart-strategy":"x","job-parallelism":1,"object-reuse-mode":false,"user-config":{}}}"#;
        let config: JobConfigInfo = serde_json::from_str(v2).unwrap();
        assert!(config.execution_config.unwrap().execution_mode.is_none());
    }
}
