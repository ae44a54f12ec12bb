//! A fresh, empty directory for one live test's savepoints, shared by the live tests of
//! flink-client and flinkctl: the cluster runs on this machine, so a test can count the
//! savepoint files Flink wrote.

use std::path::PathBuf;

use flink_client::prelude::TriggerId;

/// A fresh, empty directory for one test's savepoints; removed when dropped.
pub(crate) struct SavepointDir(pub(crate) PathBuf);

impl SavepointDir {
    pub(crate) fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("flink-rs-test-{}", TriggerId::generate()));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|error| panic!("creating {}: {error}", dir.display()));
        Self(dir)
    }

    /// The directory as a `file://` URI, as Flink takes a target directory.
    pub(crate) fn uri(&self) -> String {
        format!("file://{}", self.0.display())
    }

    /// The `savepoint-*` entries in the directory.
    pub(crate) fn savepoints(&self) -> Vec<PathBuf> {
        let entries = std::fs::read_dir(&self.0)
            .unwrap_or_else(|error| panic!("listing {}: {error}", self.0.display()));
        entries
            .map(|entry| entry.expect("a directory entry").path())
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("savepoint-"))
            })
            .collect()
    }
}

impl Drop for SavepointDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
