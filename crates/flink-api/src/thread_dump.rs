//! Thread dumps of the JobManager and TaskManagers.

use crate::ClusterProcess;
use crate::endpoint::{Endpoint, JsonEndpoint};
use flink_models::common::ThreadDump;

/// `GET /jobmanager/thread-dump` or `GET /taskmanagers/:taskmanagerid/thread-dump`.
#[derive(Clone, Debug)]
pub struct GetThreadDump {
    /// Whose threads.
    pub process: ClusterProcess,
}

impl Endpoint for GetThreadDump {
    const NAME: &'static str = "thread-dump";

    fn path(&self) -> String {
        format!("{}/thread-dump", self.process.path_prefix())
    }
}

impl JsonEndpoint for GetThreadDump {
    type Output = ThreadDump;
}
