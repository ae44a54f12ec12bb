//! [`Auth`] and [`Secret`].

use std::fmt;

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
                base64(format!("{username}:{}", password.expose()).as_bytes())
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

/// Standard base64 with padding (RFC 4648), enough for Basic credentials.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), want);
        }
    }

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
