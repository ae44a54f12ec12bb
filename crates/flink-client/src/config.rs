//! Building a transport configuration from environment variables.

use std::path::PathBuf;

use flink_transport::{Auth, ClientIdentity, Secret, TransportConfig};
use http::{HeaderName, HeaderValue};

use crate::BuildError;

/// Reads the client's settings through `lookup` (the process environment in production).
pub(crate) fn config_from_env(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<TransportConfig, BuildError> {
    let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
    let url = set("FLINK_REST_URL").ok_or(BuildError::MissingUrl)?;
    let mut config = TransportConfig::new(url.trim())?;

    if let Some(token) = set("FLINK_REST_TOKEN") {
        config.auth = Some(Auth::Bearer(Secret::new(token)));
    } else if let Some(username) = set("FLINK_REST_USERNAME") {
        let password = set("FLINK_REST_PASSWORD").unwrap_or_default();
        config.auth = Some(Auth::Basic {
            username,
            password: Secret::new(password),
        });
    }
    if let Some(headers) = set("FLINK_REST_CLIENT_HEADERS") {
        for line in headers.lines().filter(|line| !line.trim().is_empty()) {
            let (name, value) = parse_header(line)?;
            config.headers.insert(name, value);
        }
    }
    if let Some(path) = set("FLINK_TLS_CA") {
        config.tls.extra_ca_pem.push(read("CA certificate", &path)?);
    }
    match (set("FLINK_TLS_CLIENT_CERT"), set("FLINK_TLS_CLIENT_KEY")) {
        (Some(cert), Some(key)) => {
            config.tls.client_identity = Some(ClientIdentity::from_pem(
                read("client certificate", &cert)?,
                read("client key", &key)?,
            ));
        }
        (None, None) => {}
        _ => {
            return Err(BuildError::InvalidSetting {
                name: "FLINK_TLS_CLIENT_CERT/FLINK_TLS_CLIENT_KEY",
                reason: "mutual TLS needs both the client certificate and its key".to_owned(),
            });
        }
    }
    if let Some(value) = set("FLINK_TLS_INSECURE") {
        config.tls.danger_accept_invalid_certs = parse_bool("FLINK_TLS_INSECURE", &value)?;
    }
    Ok(config)
}

/// One `Name: Value` line, as in Flink's own `FLINK_REST_CLIENT_HEADERS`.
fn parse_header(line: &str) -> Result<(HeaderName, HeaderValue), BuildError> {
    let invalid = |reason: String| BuildError::InvalidSetting {
        name: "FLINK_REST_CLIENT_HEADERS",
        reason,
    };
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| invalid("each line must look like `Name: value`".to_owned()))?;
    let name = HeaderName::try_from(name.trim())
        .map_err(|_| invalid(format!("`{}` is not a valid header name", name.trim())))?;
    let mut value = HeaderValue::try_from(value.trim()).map_err(|_| {
        invalid(format!(
            "the value of `{name}` has characters a header cannot carry"
        ))
    })?;
    // Values from this variable are usually credentials; keep them out of traces.
    value.set_sensitive(true);
    Ok((name, value))
}

fn parse_bool(name: &'static str, value: &str) -> Result<bool, BuildError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" => Ok(false),
        other => Err(BuildError::InvalidSetting {
            name,
            reason: format!("`{other}` is not a boolean; use true or false"),
        }),
    }
}

fn read(what: &'static str, path: &str) -> Result<Vec<u8>, BuildError> {
    std::fs::read(path).map_err(|source| BuildError::ReadFile {
        what,
        path: PathBuf::from(path),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<TransportConfig, BuildError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        config_from_env(|name| vars.get(name).cloned())
    }

    #[test]
    fn url_is_required() {
        assert!(matches!(from(&[]), Err(BuildError::MissingUrl)));
        assert!(matches!(
            from(&[("FLINK_REST_URL", "  ")]),
            Err(BuildError::MissingUrl)
        ));
    }

    #[test]
    fn token_and_headers_are_read() {
        let config = from(&[
            ("FLINK_REST_URL", "https://gw.example/flink/"),
            ("FLINK_REST_TOKEN", "s3cret"),
            (
                "FLINK_REST_CLIENT_HEADERS",
                "X-Tenant: blue\nX-Other:  two ",
            ),
        ])
        .unwrap();
        assert!(matches!(config.auth, Some(Auth::Bearer(_))));
        assert_eq!(config.headers["x-tenant"], "blue");
        assert_eq!(config.headers["x-other"], "two");
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        let error = from(&[
            ("FLINK_REST_URL", "http://h:1"),
            ("FLINK_REST_CLIENT_HEADERS", "no colon"),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("Name: value"), "{error}");
        let error = from(&[
            ("FLINK_REST_URL", "http://h:1"),
            ("FLINK_TLS_CLIENT_CERT", "/x"),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("both"), "{error}");
        let error = from(&[
            ("FLINK_REST_URL", "http://h:1"),
            ("FLINK_TLS_CA", "/no/such/ca.pem"),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("/no/such/ca.pem"), "{error}");
        let error = from(&[
            ("FLINK_REST_URL", "http://h:1"),
            ("FLINK_TLS_INSECURE", "maybe"),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("maybe"), "{error}");
    }
}
