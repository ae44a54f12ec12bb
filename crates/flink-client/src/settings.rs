//! `ClientSettings`: where a cluster is and how to reach it, as read from the environment or
//! from a tool's own configuration, before any file is read.

use std::fmt;
use std::path::PathBuf;

use flink_transport::{
    Auth, CertificateFingerprint, ClientIdentity, ConfigError, ProxyConfig, Secret,
    TransportConfig, redact_url,
};
use http::{HeaderName, HeaderValue};

use crate::BuildError;

/// The settings of one cluster in plain values (paths, not PEM contents), so that tools with
/// their own configuration (a config file of named clusters, flags) can merge them before
/// [`ClientSettings::transport_config`] reads the files and checks everything.
///
/// [`ClientSettings::from_env`] reads the variables listed in the crate documentation.
/// `Debug` shows no secret: URLs without credentials or query values, header names without
/// their values.
///
/// ```
/// use flink_client::{ClientSettings, FlinkClient};
///
/// // A tool's own setting layered over the environment's (or over nothing).
/// let mut settings = ClientSettings::from_env()
///     .unwrap_or_else(|_| ClientSettings::new("https://flink.example/"));
/// settings.headers.push(("X-Tenant".to_owned(), "blue".to_owned()));
/// let client = FlinkClient::from_config(&settings.transport_config()?)?;
/// # Ok::<(), flink_client::BuildError>(())
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ClientSettings {
    /// The REST URL, possibly with a path prefix for a reverse proxy.
    pub url: String,
    /// More JobManagers of the same HA cluster, tried in turn when one cannot be reached (see
    /// [`flink_transport::TransportConfig::failover_urls`]).
    pub failover_urls: Vec<String>,
    /// Credentials for a gateway in front of Flink (`Debug` hides the secret).
    pub auth: Option<Auth>,
    /// Extra headers of every request, as `(name, value)`; values are kept out of traces.
    pub headers: Vec<(String, String)>,
    /// A PEM file of extra CA certificates to trust.
    pub ca: Option<PathBuf>,
    /// PEM files of the client certificate and its key, for mutual TLS.
    pub identity: Option<(PathBuf, PathBuf)>,
    /// Skip certificate verification (tests only).
    pub insecure: bool,
    /// Trust exactly the server certificates with these SHA-256 fingerprints (see
    /// [`flink_transport::TlsConfig::pinned_certificates`]).
    pub pinned_certificates: Vec<CertificateFingerprint>,
    /// Whether to go through an HTTP proxy; by default as `HTTPS_PROXY`, `HTTP_PROXY` and
    /// `NO_PROXY` say.
    pub proxy: ProxyConfig,
}

impl ClientSettings {
    /// Settings for the REST API at `url`, nothing else set.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            ..Self::default()
        }
    }

    /// The settings in the process environment (see the crate documentation).
    pub fn from_env() -> Result<Self, BuildError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings read through `lookup`, which returns a variable's value: the environment in
    /// production, a map in tests, or a tool's flags layered over the environment. Blank values
    /// count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, BuildError> {
        let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let url = set("FLINK_REST_URL").ok_or(BuildError::MissingUrl)?;
        let auth = if let Some(token) = set("FLINK_REST_TOKEN") {
            Some(Auth::bearer(Secret::new(token)))
        } else {
            set("FLINK_REST_USERNAME").map(|username| {
                Auth::basic(
                    username,
                    Secret::new(set("FLINK_REST_PASSWORD").unwrap_or_default()),
                )
            })
        };
        let headers = set("FLINK_REST_CLIENT_HEADERS")
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(header_line)
            .collect::<Result<_, _>>()?;
        let identity = match (set("FLINK_TLS_CLIENT_CERT"), set("FLINK_TLS_CLIENT_KEY")) {
            (Some(cert), Some(key)) => Some((cert.into(), key.into())),
            (None, None) => None,
            _ => {
                return Err(BuildError::InvalidSetting {
                    name: "FLINK_TLS_CLIENT_CERT/FLINK_TLS_CLIENT_KEY",
                    reason: "mutual TLS needs both the client certificate and its key".to_owned(),
                });
            }
        };
        let insecure = match set("FLINK_TLS_INSECURE") {
            Some(value) => parse_bool("FLINK_TLS_INSECURE", &value)?,
            None => false,
        };
        let pinned_certificates = match set("FLINK_TLS_FINGERPRINT") {
            Some(list) => {
                parse_fingerprints(&list).map_err(|error| BuildError::InvalidSetting {
                    name: "FLINK_TLS_FINGERPRINT",
                    reason: error.to_string(),
                })?
            }
            None => Vec::new(),
        };
        let failover_urls = set("FLINK_REST_FAILOVER_URLS")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(Self {
            url: url.trim().to_owned(),
            failover_urls,
            auth,
            headers,
            ca: set("FLINK_TLS_CA").map(PathBuf::from),
            identity,
            insecure,
            pinned_certificates,
            proxy: ProxyConfig::FromEnv,
        })
    }

    /// The transport configuration: reads the PEM files and checks the URL and headers.
    pub fn transport_config(&self) -> Result<TransportConfig, BuildError> {
        let mut config = TransportConfig::new(&self.url)?;
        for url in &self.failover_urls {
            config.add_failover_url(url)?;
        }
        config.auth.clone_from(&self.auth);
        for (name, value) in &self.headers {
            let (name, value) = header(name, value)?;
            config.headers.insert(name, value);
        }
        if let Some(path) = &self.ca {
            config.tls.extra_ca_pem.push(read("CA certificate", path)?);
        }
        if let Some((cert, key)) = &self.identity {
            config.tls.client_identity = Some(ClientIdentity::from_pem(
                read("client certificate", cert)?,
                read("client key", key)?,
            ));
        }
        config.tls.danger_accept_invalid_certs = self.insecure;
        config
            .tls
            .pinned_certificates
            .clone_from(&self.pinned_certificates);
        config.proxy = self.proxy.clone();
        Ok(config)
    }
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Extra headers are usually credentials (API keys, cookies), as `header` marks them.
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, _)| (name.as_str(), "<redacted>"))
            .collect();
        let failover_urls: Vec<String> = self
            .failover_urls
            .iter()
            .map(|url| redact_url(url))
            .collect();
        f.debug_struct("ClientSettings")
            .field("url", &redact_url(&self.url))
            .field("failover_urls", &failover_urls)
            .field("auth", &self.auth)
            .field("headers", &headers)
            .field("ca", &self.ca)
            .field("identity", &self.identity)
            .field("insecure", &self.insecure)
            .field("pinned_certificates", &self.pinned_certificates)
            .field("proxy", &self.proxy)
            .finish()
    }
}

/// One `Name: Value` line, as in Flink's own `FLINK_REST_CLIENT_HEADERS`.
fn header_line(line: &str) -> Result<(String, String), BuildError> {
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| BuildError::InvalidSetting {
            name: "FLINK_REST_CLIENT_HEADERS",
            reason: "each line must look like `Name: value`".to_owned(),
        })?;
    Ok((name.trim().to_owned(), value.trim().to_owned()))
}

fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), BuildError> {
    let invalid = |reason: String| BuildError::InvalidSetting {
        name: "header",
        reason,
    };
    let header_name = HeaderName::try_from(name)
        .map_err(|_| invalid(format!("`{name}` is not a valid header name")))?;
    let mut header_value = HeaderValue::try_from(value).map_err(|_| {
        invalid(format!(
            "the value of `{name}` has characters a header cannot carry"
        ))
    })?;
    // Extra headers are usually credentials; keep them out of traces.
    header_value.set_sensitive(true);
    Ok((header_name, header_value))
}

/// Fingerprints separated by commas or white space.
fn parse_fingerprints(list: &str) -> Result<Vec<CertificateFingerprint>, ConfigError> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
        .map(str::parse)
        .collect()
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

fn read(what: &'static str, path: &std::path::Path) -> Result<Vec<u8>, BuildError> {
    std::fs::read(path).map_err(|source| BuildError::ReadFile {
        what,
        path: path.to_owned(),
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
        ClientSettings::from_lookup(|name| vars.get(name).cloned())?.transport_config()
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
                "X-Tenant: blue\n\nX-Other:  two ",
            ),
        ])
        .unwrap();
        assert!(matches!(config.auth, Some(Auth::Bearer(_))));
        assert_eq!(config.headers["x-tenant"], "blue");
        assert_eq!(config.headers["x-other"], "two");
        assert!(!format!("{config:?}").contains("s3cret"));
    }

    #[test]
    fn basic_credentials_are_read_when_there_is_no_token() {
        let config = from(&[
            ("FLINK_REST_URL", "http://h:1"),
            ("FLINK_REST_USERNAME", "ops"),
        ])
        .unwrap();
        assert!(
            matches!(&config.auth, Some(Auth::Basic { username, password })
                if username == "ops" && password.expose().is_empty()),
            "{:?}",
            config.auth
        );
    }

    #[test]
    fn settings_keep_paths_until_the_transport_is_configured() {
        let settings = ClientSettings::from_lookup(|name| match name {
            "FLINK_REST_URL" => Some(" https://env:8081 ".to_owned()),
            "FLINK_TLS_CA" => Some("/ca.pem".to_owned()),
            "FLINK_TLS_CLIENT_CERT" => Some("/c.pem".to_owned()),
            "FLINK_TLS_CLIENT_KEY" => Some("/k.pem".to_owned()),
            "FLINK_TLS_INSECURE" => Some("yes".to_owned()),
            "FLINK_TLS_FINGERPRINT" => Some(format!("{PIN}, {}", PIN.replace(':', ""))),
            "FLINK_REST_FAILOVER_URLS" => Some(" https://jm-1:8081 ,https://jm-2:8081,".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(settings.url, "https://env:8081");
        assert_eq!(
            settings.ca.as_deref(),
            Some(std::path::Path::new("/ca.pem"))
        );
        assert!(settings.identity.is_some());
        assert!(settings.insecure);
        assert_eq!(settings.pinned_certificates.len(), 2);
        assert_eq!(
            settings.failover_urls,
            ["https://jm-1:8081", "https://jm-2:8081"]
        );
        let config = ClientSettings {
            identity: None,
            ca: None,
            ..settings
        }
        .transport_config()
        .unwrap();
        assert_eq!(config.tls.pinned_certificates[0].to_string(), PIN);
        assert_eq!(config.failover_urls.len(), 2);
    }

    #[test]
    fn debug_shows_no_secret() {
        let settings = ClientSettings::from_lookup(|name| match name {
            "FLINK_REST_URL" => Some("http://alice:url-password@h:1/?token=query-token".to_owned()),
            "FLINK_REST_FAILOVER_URLS" => Some("http://bob:failover-password@h:2".to_owned()),
            "FLINK_REST_TOKEN" => Some("bearer-token".to_owned()),
            "FLINK_REST_CLIENT_HEADERS" => {
                Some("X-Api-Key: api-key-value\nCookie: session=cookie-value".to_owned())
            }
            _ => None,
        })
        .unwrap();
        let debug = format!("{settings:?} {settings:#?}");
        for secret in [
            "url-password",
            "query-token",
            "failover-password",
            "bearer-token",
            "api-key-value",
            "cookie-value",
        ] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
        assert!(
            debug.contains("X-Api-Key") && debug.contains("h:1"),
            "{debug}"
        );
    }

    const PIN: &str = "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9";

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
            ("FLINK_REST_CLIENT_HEADERS", "bad name: 1"),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("`bad name`"), "{error}");
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
        let error = from(&[
            ("FLINK_REST_URL", "https://h:1"),
            ("FLINK_TLS_FINGERPRINT", "AB:CD"),
        ])
        .unwrap_err();
        assert!(
            error.to_string().contains("FLINK_TLS_FINGERPRINT")
                && error.to_string().contains("-sha256"),
            "{error}"
        );
    }
}
