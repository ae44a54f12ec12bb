//! The options of savepoints and stop-with-savepoint.

use flink_models::jobs::savepoints::SavepointFormat;

#[cfg(doc)]
use crate::FlinkClient;

/// The builders of where and how a savepoint is written, for options with a
/// `target_directory` and a `format` field.
macro_rules! savepoint_builders {
    () => {
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
    };
}

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
    savepoint_builders!();

    /// The defaults: the cluster's savepoint directory, canonical format, job keeps running.
    pub fn new() -> Self {
        Self::default()
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
    savepoint_builders!();

    /// The defaults: the cluster's savepoint directory, canonical format, no draining.
    pub fn new() -> Self {
        Self::default()
    }

    /// Drains the job (fires all event-time timers) before stopping.
    #[must_use]
    pub fn drain(mut self, drain: bool) -> Self {
        self.drain = drain;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_options_build_the_same_target_and_format() {
        let savepoint = SavepointOptions::new()
            .target_directory("file:///sp")
            .format(SavepointFormat::Native)
            .cancel_job(true);
        let stop = StopOptions::new()
            .target_directory("file:///sp")
            .format(SavepointFormat::Native)
            .drain(true);
        assert_eq!(savepoint.target_directory.as_deref(), Some("file:///sp"));
        assert_eq!(savepoint.target_directory, stop.target_directory);
        assert_eq!(savepoint.format, Some(SavepointFormat::Native));
        assert_eq!(savepoint.format, stop.format);
        assert!(savepoint.cancel_job && stop.drain);
    }
}
