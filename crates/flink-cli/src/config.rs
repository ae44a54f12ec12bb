//! Where the cluster is: the config file of named clusters, merged with flags and environment.
//!
//! The settings come from one place, chosen in this order:
//!
//! 1. `--context NAME` (or `FLINKCTL_CONTEXT`): that context of the config file;
//! 2. `--url` or `FLINK_REST_URL`: the environment (`FLINK_REST_FAILOVER_URLS`,
//!    `FLINK_REST_TOKEN`, `FLINK_REST_USERNAME`
//!    and `FLINK_REST_PASSWORD`, `FLINK_REST_CLIENT_HEADERS`, `FLINK_TLS_CA`,
//!    `FLINK_TLS_CLIENT_CERT`, `FLINK_TLS_CLIENT_KEY`, `FLINK_TLS_FINGERPRINT`,
//!    `FLINK_TLS_INSECURE`), as
//!    `FlinkClient::from_env` reads it;
//! 3. the config file's `current-context`.
//!
//! `--url` replaces the URL in every case, and `--ca-file`, `--client-cert`, `--client-key` and
//! `--insecure-skip-tls-verify` replace the TLS settings of the context or the environment (each
//! on its own: `--client-key` alone keeps the context's `client-cert`). Relative file paths in
//! the config file are relative to the file; those of the flags to the working directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use flink_client::transport::{Auth, ConfigError, ProxyConfig, Secret, redact_url};
use flink_client::{ClientSettings, TransportConfig};
use serde::{Deserialize, Serialize};

use crate::exit::Failure;

/// The config file (`~/.config/flinkctl/config.toml`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// The context used when neither `--context` nor a URL is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) current_context: Option<String>,
    /// The named clusters.
    #[serde(default)]
    pub(crate) contexts: BTreeMap<String, Context>,
}

/// One named cluster of the config file (written back, masked, by `context list -o json`:
/// what the file leaves out stays out).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct Context {
    /// The REST URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
    /// More JobManagers of the same HA cluster, tried in turn when one cannot be reached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) failover_urls: Vec<String>,
    /// A bearer token, sent as `Authorization`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) token: Option<String>,
    /// Extra headers of every request.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) headers: BTreeMap<String, String>,
    /// A PEM file of extra CA certificates to trust.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ca: Option<PathBuf>,
    /// The PEM client certificate for mutual TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client_cert: Option<PathBuf>,
    /// The PEM client key for mutual TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) client_key: Option<PathBuf>,
    /// Skip certificate verification (tests only).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) insecure: bool,
    /// SHA-256 fingerprints of the server certificates to trust, whoever signed them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) pinned_certificates: Vec<String>,
    /// The HTTP proxy to reach the cluster through (else as `HTTPS_PROXY`/`HTTP_PROXY` say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) proxy: Option<String>,
}

/// What a masked secret shows instead.
pub(crate) const MASK: &str = "***";

impl Context {
    /// This context with its secrets masked: the token, header values, and credentials in
    /// its URLs.
    pub(crate) fn masked(&self) -> Self {
        let url = |url: &String| redact_url(url);
        Self {
            url: self.url.as_ref().map(url),
            failover_urls: self.failover_urls.iter().map(url).collect(),
            token: self.token.as_ref().map(|_| MASK.to_owned()),
            headers: self
                .headers
                .keys()
                .map(|name| (name.clone(), MASK.to_owned()))
                .collect(),
            proxy: self.proxy.as_ref().map(url),
            ..self.clone()
        }
    }
}

/// What the command line says about the cluster.
#[derive(Debug, Default)]
pub(crate) struct Selection<'a> {
    /// `--url`.
    pub(crate) url: Option<&'a str>,
    /// `--context`.
    pub(crate) context: Option<&'a str>,
    /// `--config`.
    pub(crate) config: Option<&'a Path>,
    /// `--ca-file`, `--client-cert`, `--client-key`, `--insecure-skip-tls-verify`.
    pub(crate) tls: TlsFlags<'a>,
}

/// The TLS flags, which replace the context's or the environment's settings.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TlsFlags<'a> {
    /// `--ca-file`.
    pub(crate) ca: Option<&'a Path>,
    /// `--client-cert`.
    pub(crate) client_cert: Option<&'a Path>,
    /// `--client-key`.
    pub(crate) client_key: Option<&'a Path>,
    /// `--insecure-skip-tls-verify`.
    pub(crate) insecure: bool,
}

/// Where the config file is, and whether the user named it (a named file must exist).
#[derive(Debug)]
pub(crate) struct ConfigPath {
    /// The file.
    pub(crate) path: PathBuf,
    /// Whether `--config` (or `FLINKCTL_CONFIG`) named it.
    pub(crate) named: bool,
}

impl ConfigPath {
    /// `--config` when given, else the default path (`env` reads `XDG_CONFIG_HOME`).
    pub(crate) fn new(given: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Self {
        match given {
            Some(path) => Self {
                path: path.to_owned(),
                named: true,
            },
            None => Self {
                path: default_path(&|name| env(name).filter(|value| !value.trim().is_empty())),
                named: false,
            },
        }
    }

    /// The file's text through `read`; `None` when a default file does not exist.
    pub(crate) fn text(
        &self,
        read: &dyn Fn(&Path) -> std::io::Result<Option<String>>,
    ) -> Result<Option<String>, Failure> {
        let path = &self.path;
        match read(path).map_err(Failure::io(format!("reading {}", path.display())))? {
            None if self.named => Err(Failure::Config(format!(
                "the config file {} does not exist",
                path.display()
            ))),
            text => Ok(text),
        }
    }

    /// The file, parsed; empty when a default file does not exist.
    pub(crate) fn load(
        &self,
        read: &dyn Fn(&Path) -> std::io::Result<Option<String>>,
    ) -> Result<ConfigFile, Failure> {
        match self.text(read)? {
            Some(text) => self.parse(&text),
            None => Ok(ConfigFile::default()),
        }
    }

    /// The file's `text`, parsed.
    pub(crate) fn parse(&self, text: &str) -> Result<ConfigFile, Failure> {
        toml::from_str(text).map_err(|error| toml_error(&self.path, text, &error))
    }

    /// The message of a context `name` the file lacks, with the names it has.
    pub(crate) fn unknown_context(&self, file: &ConfigFile, name: &str) -> String {
        let known: Vec<&str> = file.contexts.keys().map(String::as_str).collect();
        format!(
            "no context `{name}` in {} (known: {})",
            self.path.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )
    }
}

/// The resolved settings of one cluster.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    /// Where they came from, for `-v`.
    pub(crate) source: String,
    /// The cluster's URL, credentials, headers and TLS files.
    pub(crate) client: ClientSettings,
}

/// Resolves the settings; `env` reads a variable, `read` a file (`None` when it is missing).
pub(crate) fn resolve(
    selection: &Selection<'_>,
    env: &dyn Fn(&str) -> Option<String>,
    read: &dyn Fn(&Path) -> std::io::Result<Option<String>>,
) -> Result<Settings, Failure> {
    let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let config = ConfigPath::new(selection.config, &set);
    let mut settings = if let Some(name) = selection.context {
        from_context(&config.load(read)?, name, &config, &selection.tls)?
    } else if let Some(url) = selection
        .url
        .map(str::to_owned)
        .or_else(|| set("FLINK_REST_URL"))
    {
        from_env(&url, &set, &selection.tls)?
    } else {
        let file = config.load(read)?;
        let Some(name) = file.current_context.clone() else {
            return Err(Failure::Usage(
                "no Flink cluster given: pass --url URL, set FLINK_REST_URL, or name a --context of the config file"
                    .to_owned(),
            ));
        };
        from_context(&file, &name, &config, &selection.tls)?
    };
    if let Some(url) = selection.url {
        url.clone_into(&mut settings.client.url);
    }
    if settings.client.url.trim().is_empty() {
        return Err(Failure::Config(format!("{}: no URL", settings.source)));
    }
    Ok(settings)
}

/// A config file's TOML error, said without the line it is on (which may hold a token):
/// where it is, and what is wrong with any quoted value masked.
fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> Failure {
    let place = error
        .span()
        .and_then(|span| text.get(..span.start))
        .map(|before| {
            let line_start = before.rfind('\n').map_or(0, |index| index + 1);
            let line = before.matches('\n').count() + 1;
            let column = before[line_start..].chars().count() + 1;
            format!(", line {line}, column {column}")
        })
        .unwrap_or_default();
    Failure::Config(format!(
        "{}{place}: {}",
        path.display(),
        mask_quoted(error.message().trim())
    ))
}

/// `text` with what stands between double quotes replaced by `***` (serde's messages quote
/// the offending value: `invalid type: string "…", expected a boolean`).
fn mask_quoted(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    for (index, part) in text.split('"').enumerate() {
        if index > 0 {
            masked.push('"');
        }
        // Odd parts stand between quotes; a last, unclosed one too.
        masked.push_str(if index % 2 == 1 { "***" } else { part });
    }
    masked
}

/// `$XDG_CONFIG_HOME/flinkctl/config.toml`, else `~/.config/flinkctl/config.toml`.
fn default_path(set: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let base = set("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|home| home.join(".config")))
        .unwrap_or_else(|| PathBuf::from(".config"));
    base.join("flinkctl").join("config.toml")
}

/// The settings of the config file's context `name`, the TLS flags applied.
fn from_context(
    file: &ConfigFile,
    name: &str,
    config: &ConfigPath,
    flags: &TlsFlags<'_>,
) -> Result<Settings, Failure> {
    let path = &config.path;
    let Some(context) = file.contexts.get(name) else {
        return Err(Failure::Usage(config.unknown_context(file, name)));
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let local = |file: &PathBuf| base.join(file);
    let mut client = ClientSettings::new(context.url.clone().unwrap_or_default());
    client.failover_urls.clone_from(&context.failover_urls);
    client.auth = context
        .token
        .clone()
        .map(|token| Auth::bearer(Secret::new(token)));
    client.headers = context.headers.clone().into_iter().collect();
    client.ca = context.ca.as_ref().map(local);
    client.insecure = context.insecure;
    if let Some(proxy) = &context.proxy {
        client.proxy = ProxyConfig::Url {
            url: proxy.clone(),
            no_proxy: String::new(),
        };
    }
    client.pinned_certificates = context
        .pinned_certificates
        .iter()
        .map(|pin| pin.parse())
        .collect::<Result<_, ConfigError>>()
        .map_err(|error| {
            Failure::Config(format!("context `{name}` of {}: {error}", path.display()))
        })?;
    let source = format!("context `{name}` of {}", path.display());
    let identity = (
        context.client_cert.as_ref().map(local),
        context.client_key.as_ref().map(local),
    );
    apply_tls_flags(&mut client, identity, flags, &source)?;
    Ok(Settings { source, client })
}

/// The environment's settings (as `FlinkClient::from_env` reads them), for the given URL, the
/// TLS flags applied.
fn from_env(
    url: &str,
    set: &dyn Fn(&str) -> Option<String>,
    flags: &TlsFlags<'_>,
) -> Result<Settings, Failure> {
    // The client certificate and key are read here, so that a flag may stand in for either.
    let identity_vars = ["FLINK_TLS_CLIENT_CERT", "FLINK_TLS_CLIENT_KEY"];
    let mut client = ClientSettings::from_lookup(|name| match name {
        "FLINK_REST_URL" => Some(url.to_owned()),
        name if identity_vars.contains(&name) => None,
        name => set(name),
    })?;
    let identity = identity_vars
        .map(|name| set(name).map(PathBuf::from))
        .into();
    let source = "the command line and environment".to_owned();
    apply_tls_flags(&mut client, identity, flags, &source)?;
    Ok(Settings { source, client })
}

/// Lays the TLS flags over a source's CA, insecure switch and client `identity` (its
/// certificate and key, either possibly missing), each flag replacing its setting.
fn apply_tls_flags(
    client: &mut ClientSettings,
    identity: (Option<PathBuf>, Option<PathBuf>),
    flags: &TlsFlags<'_>,
    source: &str,
) -> Result<(), Failure> {
    if let Some(ca) = flags.ca {
        client.ca = Some(ca.to_owned());
    }
    client.insecure |= flags.insecure;
    let cert = flags.client_cert.map(Path::to_owned).or(identity.0);
    let key = flags.client_key.map(Path::to_owned).or(identity.1);
    client.identity = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (cert, _) => {
            let (missing, flag) = if cert.is_some() {
                ("key", "--client-key")
            } else {
                ("certificate", "--client-cert")
            };
            return Err(Failure::Config(format!(
                "{source}: mutual TLS needs both the client certificate and its key, and the {missing} is missing (give {flag})"
            )));
        }
    };
    Ok(())
}

impl Settings {
    /// The transport configuration; `timeout` limits each attempt and the connect.
    pub(crate) fn transport_config(
        &self,
        timeout: Option<Duration>,
    ) -> Result<TransportConfig, Failure> {
        let mut config = self.client.transport_config()?;
        if let Some(timeout) = timeout {
            config.attempt_timeout = timeout;
            config.connect_timeout = config.connect_timeout.min(timeout);
        }
        config.user_agent = format!("flinkctl/{}", env!("CARGO_PKG_VERSION"));
        Ok(config)
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
