//! `BuildError`: why a client could not be configured.

use std::path::PathBuf;

/// Why a [`crate::FlinkClient`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No REST URL was given.
    #[error(
        "no Flink REST URL: set FLINK_REST_URL (e.g. http://127.0.0.1:8081) or pass the URL explicitly"
    )]
    MissingUrl,

    /// A file named by the configuration could not be read.
    #[error("could not read {what} from {}", path.display())]
    ReadFile {
        /// What the file was for (`CA certificate`, `client key`, …).
        what: &'static str,
        /// The path that was named.
        path: PathBuf,
        /// Why reading failed.
        #[source]
        source: std::io::Error,
    },

    /// A setting had a value that cannot work.
    #[error("invalid {name}: {reason}")]
    InvalidSetting {
        /// The setting (usually the environment variable).
        name: &'static str,
        /// What is wrong and what a valid value looks like.
        reason: String,
    },

    /// The transport rejected the configuration (URL, TLS material).
    #[error(transparent)]
    Transport(#[from] flink_transport::ConfigError),
}
