//! [`ConfigError`].

use crate::BoxError;

/// A [`TransportConfig`](super::TransportConfig) that cannot be used. Each message says what is
/// wrong and what to try.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `http`/`https` URL with a host.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, with any credentials masked.
        url: String,
        /// What is wrong and what to try.
        reason: String,
    },
    /// A header value (user agent, credentials) cannot be sent in HTTP.
    #[error("invalid value for the {name} header: {reason}")]
    InvalidHeader {
        /// The header.
        name: &'static str,
        /// What is wrong and what to try.
        reason: String,
    },
    /// Retry settings out of range.
    #[error("invalid retry settings: {reason}")]
    InvalidRetry {
        /// What is wrong and what to try.
        reason: String,
    },
    /// Connection pool settings out of range.
    #[error("invalid connection pool settings: {reason}")]
    InvalidPool {
        /// What is wrong and what to try.
        reason: String,
    },
    /// TLS material or settings cannot be used.
    #[error("TLS setup failed: {reason}")]
    Tls {
        /// What is wrong and what to try.
        reason: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<BoxError>,
    },
}

impl ConfigError {
    pub(crate) fn tls(reason: impl Into<String>) -> Self {
        Self::Tls {
            reason: reason.into(),
            source: None,
        }
    }

    #[cfg(feature = "default-client")]
    pub(crate) fn tls_caused_by(reason: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Tls {
            reason: reason.into(),
            source: Some(source.into()),
        }
    }
}
