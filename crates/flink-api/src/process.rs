//! `ClusterProcess`: the JobManager or one TaskManager, for endpoints both of them have.

use crate::TaskManagerId;
use crate::endpoint::encode_segment;

/// A process of the cluster that serves logs, thread dumps, profiles and metrics.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClusterProcess {
    /// The JobManager (`/jobmanager/…`).
    JobManager,
    /// One TaskManager (`/taskmanagers/:taskmanagerid/…`).
    TaskManager(TaskManagerId),
}

impl ClusterProcess {
    /// The path prefix of this process's endpoints, percent-encoded.
    pub fn path_prefix(&self) -> String {
        match self {
            Self::JobManager => "/jobmanager".to_owned(),
            Self::TaskManager(id) => format!("/taskmanagers/{}", encode_segment(id.as_str())),
        }
    }
}

impl From<TaskManagerId> for ClusterProcess {
    fn from(id: TaskManagerId) -> Self {
        Self::TaskManager(id)
    }
}
