//! Log files of the JobManager and TaskManagers: the list, and each file streamed.

use crate::endpoint::{Endpoint, JsonEndpoint, StreamEndpoint, encode_segment};
use crate::{ClusterProcess, FileName};
use flink_models::common::LogList;

/// `GET /jobmanager/logs` or `GET /taskmanagers/:taskmanagerid/logs`: the files in the log directory.
#[derive(Clone, Debug)]
pub struct ListLogs {
    /// Whose log directory.
    pub process: ClusterProcess,
}

impl Endpoint for ListLogs {
    const NAME: &'static str = "logs.list";

    fn path(&self) -> String {
        format!("{}/logs", self.process.path_prefix())
    }
}

impl JsonEndpoint for ListLogs {
    type Output = LogList;
}

/// Which file of a process to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogFile {
    /// The main log (`…/log`).
    Main,
    /// What the process wrote to standard output (`…/stdout`).
    Stdout,
    /// A named file of the log directory (`…/logs/:filename`), as listed by [`ListLogs`].
    Named(FileName),
}

/// `GET /jobmanager/log`, `/stdout`, `/logs/:filename` (and the same under
/// `/taskmanagers/:taskmanagerid`): one file, streamed to the caller.
#[derive(Clone, Debug)]
pub struct GetLogFile {
    /// Whose file.
    pub process: ClusterProcess,
    /// Which file.
    pub file: LogFile,
}

impl Endpoint for GetLogFile {
    const NAME: &'static str = "logs.file";

    fn path(&self) -> String {
        let prefix = self.process.path_prefix();
        match &self.file {
            LogFile::Main => format!("{prefix}/log"),
            LogFile::Stdout => format!("{prefix}/stdout"),
            LogFile::Named(name) => format!("{prefix}/logs/{}", encode_segment(name.as_str())),
        }
    }
}

impl StreamEndpoint for GetLogFile {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;

    #[test]
    fn log_paths_for_both_processes() {
        let tm = ClusterProcess::TaskManager("127.0.0.1:1-ab".parse().unwrap());
        let cases = [
            (ClusterProcess::JobManager, LogFile::Main, "/jobmanager/log"),
            (
                ClusterProcess::JobManager,
                LogFile::Stdout,
                "/jobmanager/stdout",
            ),
            (
                ClusterProcess::JobManager,
                LogFile::Named("a b.log".parse().unwrap()),
                "/jobmanager/logs/a%20b.log",
            ),
            (
                tm.clone(),
                LogFile::Main,
                "/taskmanagers/127.0.0.1%3A1-ab/log",
            ),
            (tm, LogFile::Stdout, "/taskmanagers/127.0.0.1%3A1-ab/stdout"),
        ];
        for (process, file, expected) in cases {
            let request = build_request(&GetLogFile { process, file }).unwrap();
            assert_eq!(request.uri(), expected);
        }
        let list = build_request(&ListLogs {
            process: ClusterProcess::JobManager,
        })
        .unwrap();
        assert_eq!(list.uri(), "/jobmanager/logs");
    }
}
