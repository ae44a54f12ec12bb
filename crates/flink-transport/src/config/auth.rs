//! [`Auth`] and [`Secret`].

use std::fmt;

use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;
use http::HeaderValue;
use http::header::{AUTHORIZATION, COOKIE, HeaderName, PROXY_AUTHORIZATION};

use super::ConfigError;

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

    /// The `Authorization` value, marked sensitive so hyper and `Debug` keep it hidden.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, ConfigError> {
        let text = match self {
            Self::Basic { username, password } => format!(
                "Basic {}",
                BASE64_STANDARD.encode(format!("{username}:{}", password.expose()))
            ),
            Self::Bearer(token) => format!("Bearer {}", token.expose()),
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
