//! Answers of the JobManager endpoints that only the JobManager has.

use serde::{Deserialize, Serialize};

use crate::Extra;

/// `GET /jobmanager/environment`: the JobManager's JVM and classpath.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentInfo {
    /// The JVM.
    pub jvm: JvmInfo,
    /// The classpath entries.
    pub classpath: Vec<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A JVM's version, architecture and options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JvmInfo {
    /// The JVM's name and version.
    pub version: String,
    /// The CPU architecture, e.g. `amd64`.
    pub arch: String,
    /// The JVM's command-line options.
    pub options: Vec<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
