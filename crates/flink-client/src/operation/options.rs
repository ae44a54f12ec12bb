//! The options of savepoints and stop-with-savepoint.

use flink_models::jobs::savepoints::SavepointFormat;

#[cfg(doc)]
use crate::FlinkClient;

/// Options of [`FlinkClient::trigger_savepoint`].
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct SavepointOptions {
    /// Where to write the savepoint (a URI such as `file:///savepoints`); the cluster's
    /// default savepoint directory when `None`.
    pub target_directory: Option<String>,
    /// The savepoint's format; Flink's default (canonical) when `None`.
    pub format: Option<SavepointFormat>,
    /// Whether to cancel the job once the savepoint is taken.
    pub cancel_job: bool,
}

impl SavepointOptions {
    /// The defaults: the cluster's savepoint directory, canonical format, job keeps running.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the savepoint below `directory`.
    #[must_use]
    pub fn target_directory(mut self, directory: impl Into<String>) -> Self {
        self.target_directory = Some(directory.into());
        self
    }

    /// Writes the savepoint in `format`.
    #[must_use]
    pub fn format(mut self, format: SavepointFormat) -> Self {
        self.format = Some(format);
        self
    }

    /// Cancels the job once the savepoint is taken (prefer
    /// [`FlinkClient::stop_with_savepoint`], which stops sources first).
    #[must_use]
    pub fn cancel_job(mut self, cancel: bool) -> Self {
        self.cancel_job = cancel;
        self
    }
}

/// Options of [`FlinkClient::stop_with_savepoint`].
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct StopOptions {
    /// Where to write the savepoint; the cluster's default savepoint directory when `None`.
    pub target_directory: Option<String>,
    /// The savepoint's format; Flink's default (canonical) when `None`.
    pub format: Option<SavepointFormat>,
    /// Whether to advance event time to the end, firing every timer, before stopping. Only
    /// for jobs that will not be resumed from this savepoint.
    pub drain: bool,
}

impl StopOptions {
    /// The defaults: the cluster's savepoint directory, canonical format, no draining.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the savepoint below `directory`.
    #[must_use]
    pub fn target_directory(mut self, directory: impl Into<String>) -> Self {
        self.target_directory = Some(directory.into());
        self
    }

    /// Writes the savepoint in `format`.
    #[must_use]
    pub fn format(mut self, format: SavepointFormat) -> Self {
        self.format = Some(format);
        self
    }

    /// Drains the job (fires all event-time timers) before stopping.
    #[must_use]
    pub fn drain(mut self, drain: bool) -> Self {
        self.drain = drain;
        self
    }
}
