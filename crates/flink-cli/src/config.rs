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
//! `--url` replaces the URL in every case. Relative file paths in the config file are relative
//! to the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use flink_client::transport::{Auth, ConfigError, ProxyConfig, Secret};
use flink_client::{ClientSettings, TransportConfig};
use serde::Deserialize;

use crate::exit::Failure;

/// The config file (`~/.config/flinkctl/config.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// The context used when neither `--context` nor a URL is given.
    pub(crate) current_context: Option<String>,
    /// The named clusters.
    #[serde(default)]
    pub(crate) contexts: BTreeMap<String, Context>,
}

/// One named cluster of the config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct Context {
    /// The REST URL.
    pub(crate) url: Option<String>,
    /// More JobManagers of the same HA cluster, tried in turn when one cannot be reached.
    #[serde(default)]
    pub(crate) failover_urls: Vec<String>,
    /// A bearer token, sent as `Authorization`.
    pub(crate) token: Option<String>,
    /// Extra headers of every request.
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, String>,
    /// A PEM file of extra CA certificates to trust.
    pub(crate) ca: Option<PathBuf>,
    /// The PEM client certificate for mutual TLS.
    pub(crate) client_cert: Option<PathBuf>,
    /// The PEM client key for mutual TLS.
    pub(crate) client_key: Option<PathBuf>,
    /// Skip certificate verification (tests only).
    #[serde(default)]
    pub(crate) insecure: bool,
    /// SHA-256 fingerprints of the server certificates to trust, whoever signed them.
    #[serde(default)]
    pub(crate) pinned_certificates: Vec<String>,
    /// The HTTP proxy to reach the cluster through (else as `HTTPS_PROXY`/`HTTP_PROXY` say).
    pub(crate) proxy: Option<String>,
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
    let path = match selection.config {
        Some(path) => path.to_owned(),
        None => default_path(&set),
    };
    let load = || -> Result<ConfigFile, Failure> {
        match read(&path).map_err(Failure::io(format!("reading {}", path.display())))? {
            Some(text) => toml::from_str(&text).map_err(|error| toml_error(&path, &text, &error)),
            None if selection.config.is_some() => Err(Failure::Config(format!(
                "the config file {} does not exist",
                path.display()
            ))),
            None => Ok(ConfigFile::default()),
        }
    };
    let base = path.parent().unwrap_or(Path::new("."));
    let mut settings = if let Some(name) = selection.context {
        from_context(&load()?, name, base, &path)?
    } else if let Some(url) = selection
        .url
        .map(str::to_owned)
        .or_else(|| set("FLINK_REST_URL"))
    {
        from_env(&url, &set)?
    } else {
        let file = load()?;
        let Some(name) = file.current_context.clone() else {
            return Err(Failure::Usage(
                "no Flink cluster given: pass --url URL, set FLINK_REST_URL, or name a --context of the config file"
                    .to_owned(),
            ));
        };
        from_context(&file, &name, base, &path)?
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

/// The settings of the config file's context `name`.
fn from_context(
    file: &ConfigFile,
    name: &str,
    base: &Path,
    path: &Path,
) -> Result<Settings, Failure> {
    let Some(context) = file.contexts.get(name) else {
        let known: Vec<&str> = file.contexts.keys().map(String::as_str).collect();
        return Err(Failure::Usage(format!(
            "no context `{name}` in {} (known: {})",
            path.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )));
    };
    let local = |file: &PathBuf| base.join(file);
    let identity = match (&context.client_cert, &context.client_key) {
        (Some(cert), Some(key)) => Some((local(cert), local(key))),
        (None, None) => None,
        _ => return Err(half_identity(&format!("context `{name}`"))),
    };
    let mut client = ClientSettings::new(context.url.clone().unwrap_or_default());
    client.failover_urls.clone_from(&context.failover_urls);
    client.auth = context
        .token
        .clone()
        .map(|token| Auth::bearer(Secret::new(token)));
    client.headers = context.headers.clone().into_iter().collect();
    client.ca = context.ca.as_ref().map(local);
    client.identity = identity;
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
    Ok(Settings {
        source: format!("context `{name}` of {}", path.display()),
        client,
    })
}

/// The environment's settings (as `FlinkClient::from_env` reads them), for the given URL.
fn from_env(url: &str, set: &dyn Fn(&str) -> Option<String>) -> Result<Settings, Failure> {
    let client = ClientSettings::from_lookup(|name| {
        if name == "FLINK_REST_URL" {
            Some(url.to_owned())
        } else {
            set(name)
        }
    })?;
    Ok(Settings {
        source: "the command line and environment".to_owned(),
        client,
    })
}

fn half_identity(what: &str) -> Failure {
    Failure::Config(format!(
        "{what}: mutual TLS needs both the client certificate and its key"
    ))
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
