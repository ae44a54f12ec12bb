//! [`Auth`] and [`Secret`].

use std::fmt;
use std::sync::Arc;

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use http::HeaderValue;
use http::header::{AUTHORIZATION, COOKIE, HeaderName, PROXY_AUTHORIZATION};

use super::ConfigError;
use crate::BoxError;

/// A string that `Debug` never prints, e.g. a password or token.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// Credentials sent in the `Authorization` header of every request (for a gateway in front of
/// Flink; Flink's REST API itself has no authentication besides mutual TLS).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Auth {
    /// HTTP Basic authentication.
    Basic {
        /// The user name (not secret: it appears in `Debug`).
        username: String,
        /// The password.
        password: Secret,
    },
    /// A bearer token.
    Bearer(Secret),
    /// A bearer token asked for before every call, for tokens that expire (see
    /// [`TokenSource`]).
    BearerFrom(TokenSource),
}

/// A function that returns the current bearer token: from an OAuth client, or a file that a
/// sidecar renews. It runs before every call (not before each retry of it), so it should
/// return a cached token and renew it only when it is about to expire. An error fails the
/// call, before anything is sent.
///
/// ```
/// use flink_transport::{Auth, Secret, TokenSource};
///
/// let auth = Auth::BearerFrom(TokenSource::new(|| {
///     Ok(Secret::new(std::fs::read_to_string("/var/run/secrets/flink-token")?.trim()))
/// }));
/// # let _ = auth;
/// ```
#[derive(Clone)]
pub struct TokenSource(Arc<dyn Fn() -> Result<Secret, BoxError> + Send + Sync>);

impl TokenSource {
    /// A source that calls `token`.
    pub fn new(token: impl Fn() -> Result<Secret, BoxError> + Send + Sync + 'static) -> Self {
        Self(Arc::new(token))
    }

    /// The `Authorization` value of the token it returns now.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, BoxError> {
        let token = (self.0)().map_err(|source| TokenSourceFailed { source })?;
        Ok(Auth::Bearer(token).header_value()?)
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSource(..)")
    }
}

/// The [`TokenSource`] failed, so the call was not sent.
#[derive(Debug, thiserror::Error)]
#[error("the bearer token source failed, so the request was not sent: {source}")]
struct TokenSourceFailed {
    source: BoxError,
}

impl Auth {
    /// HTTP Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Self::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Self::Bearer(token.into())
    }

    /// The `Authorization` value, marked sensitive so hyper and `Debug` keep it hidden; `None`
    /// for a [`TokenSource`], asked before each call instead.
    pub(crate) fn static_header_value(&self) -> Result<Option<HeaderValue>, ConfigError> {
        match self {
            Self::BearerFrom(_) => Ok(None),
            other => other.header_value().map(Some),
        }
    }

    fn header_value(&self) -> Result<HeaderValue, ConfigError> {
        let text = match self {
            Self::Basic { username, password } => format!(
                "Basic {}",
                BASE64_STANDARD.encode(format!("{username}:{}", password.expose()))
            ),
            Self::Bearer(token) => format!("Bearer {}", token.expose()),
            Self::BearerFrom(source) => {
                return source
                    .header_value()
                    .map_err(|error| ConfigError::InvalidHeader {
                        name: "Authorization",
                        reason: error.to_string(),
                    });
            }
        };
        // The message must not echo the credentials.
        let mut value = HeaderValue::from_str(&text).map_err(|_| ConfigError::InvalidHeader {
            name: "Authorization",
            reason: "the credentials contain characters HTTP headers cannot carry \
                     (control characters or non-ASCII); check the token for stray newlines"
                .to_owned(),
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// Headers whose values are credentials even when not marked sensitive.
pub(crate) fn is_secret_header(name: &HeaderName) -> bool {
    [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_are_sensitive() {
        let basic = Auth::basic("Aladdin", "open sesame")
            .header_value()
            .unwrap();
        assert_eq!(basic, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(basic.is_sensitive());
        let bearer = Auth::bearer("t0k3n").header_value().unwrap();
        assert_eq!(bearer, "Bearer t0k3n");
        assert!(bearer.is_sensitive());
    }

    #[test]
    fn invalid_credentials_are_not_echoed() {
        let error = Auth::bearer("line\nbreak-secret")
            .header_value()
            .unwrap_err()
            .to_string();
        assert!(error.contains("Authorization"), "{error}");
        assert!(!error.contains("break-secret"), "{error}");
    }

    #[test]
    fn debug_redacts() {
        let debug = format!("{:?}", Auth::basic("bob", Secret::new("pw-secret")));
        assert!(
            debug.contains("bob") && !debug.contains("pw-secret"),
            "{debug}"
        );
    }
}
