//! `flinkctl context …`: the config file's named clusters, listed and chosen without asking
//! any cluster.

use std::io::Write;
use std::path::Path;

use clap::Subcommand;

use super::{encode, read_optional};
use crate::config::{ConfigFile, ConfigPath, Context};
use crate::exit::Failure;
use crate::output::{Printer, Rows, write};

/// `flinkctl context --help`'s epilogue: the config file, which cluster a command reaches.
pub(crate) const HELP: &str = concat!(
    "The config file (--config, FLINKCTL_CONFIG, else ~/.config/flinkctl/config.toml):\n",
    "\n",
    "  current-context = \"local\"\n",
    "  [contexts.local]\n",
    "  url = \"https://flink.example:8081\"\n",
    "  failover-urls = [\"https://standby.example:8081\"]  # HA: tried when one is down\n",
    "  token = \"…\"                                       # `Authorization: Bearer …`\n",
    "  headers = { \"X-Tenant\" = \"blue\" }\n",
    "  ca = \"/etc/flink/ca.pem\"                          # relative to the file\n",
    "  client-cert = \"/etc/flink/client.pem\"\n",
    "  client-key = \"/etc/flink/client.key\"\n",
    "  pinned-certificates = [\"AB:CD:…\"]                 # SHA-256 of a server certificate\n",
    "  proxy = \"http://proxy.internal:3128\"              # else HTTPS_PROXY, HTTP_PROXY\n",
    "  insecure = false\n",
    "\n",
    "A command reaches --context NAME (FLINKCTL_CONTEXT), else --url or FLINK_REST_URL with\n",
    "FLINK_REST_{FAILOVER_URLS,TOKEN,USERNAME,PASSWORD,CLIENT_HEADERS} and\n",
    "FLINK_TLS_{CA,CLIENT_CERT,CLIENT_KEY,FINGERPRINT,INSECURE}, else current-context.\n",
    "--url, --ca-file, --client-cert, --client-key and --insecure-skip-tls-verify win over both.\n",
    "kubectl's `config use-context NAME` is `context use NAME` here (`flinkctl config` is Flink's).\n",
    "\n",
    "Examples:\n",
    "  flinkctl context list\n",
    "  flinkctl context use prod\n",
    "  flinkctl --context staging overview",
);

/// The context subcommands; none of them needs a cluster.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The contexts; `*` marks the current one (-o json|yaml masks secrets).
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  flinkctl context list\n  flinkctl ctx ls -o yaml"
    )]
    List,
    /// Make NAME the current context (edits only the file's `current-context`).
    #[command(after_help = "Examples:\n  flinkctl context use prod")]
    Use {
        /// A context of the config file, as `list` shows it.
        name: String,
    },
    /// Print the current context's name.
    #[command(after_help = "Examples:\n  flinkctl context current")]
    Current,
}

/// Runs a context subcommand on the config file at `config`, printing to `out`.
pub(crate) fn run(
    config: &ConfigPath,
    printer: Printer,
    command: &Command,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    match command {
        Command::List => list(&config.load(&read_optional)?, printer, out),
        // Written in place, so that the file's permissions stay as they were.
        Command::Use { name } => use_context(config, name, &read_optional, &|path, text| {
            std::fs::write(path, text)
        }),
        Command::Current => {
            let file = config.load(&read_optional)?;
            let name = file.current_context.ok_or_else(|| {
                Failure::NotFound(format!(
                    "{} sets no current-context; choose one with `flinkctl context use NAME` (`flinkctl context list` shows them)",
                    config.path.display()
                ))
            })?;
            write(out, format!("{name}\n").as_bytes())
        }
    }
}

/// Prints the contexts: a table, or the file's contexts as data with their secrets masked.
fn list(file: &ConfigFile, printer: Printer, out: &mut dyn Write) -> Result<(), Failure> {
    let masked = ConfigFile {
        current_context: file.current_context.clone(),
        contexts: file
            .contexts
            .iter()
            .map(|(name, context)| (name.clone(), context.masked()))
            .collect(),
    };
    printer.print(out, &encode(&masked)?, || Ok(rows(&masked)))
}

/// The contexts as rows; `file` is already masked.
fn rows(file: &ConfigFile) -> Rows {
    let mut rows =
        Rows::new(&["CURRENT", "NAME", "URL"]).wide(&["FAILOVER-URLS", "AUTH", "TLS", "PROXY"]);
    let or_dash = |text: String| {
        if text.is_empty() {
            "-".to_owned()
        } else {
            text
        }
    };
    for (name, context) in &file.contexts {
        let current = file.current_context.as_ref() == Some(name);
        rows.push([
            if current { "*" } else { "" }.to_owned(),
            name.clone(),
            or_dash(context.url.clone().unwrap_or_default()),
            or_dash(context.failover_urls.join(",")),
            or_dash(auth_of(context)),
            or_dash(tls_of(context)),
            or_dash(context.proxy.clone().unwrap_or_default()),
        ]);
    }
    rows
}

/// What a context sends to authenticate: `token`, `headers`, both or nothing.
fn auth_of(context: &Context) -> String {
    let mut auth = Vec::new();
    if context.token.is_some() {
        auth.push("token");
    }
    if !context.headers.is_empty() {
        auth.push("headers");
    }
    auth.join(",")
}

/// A context's TLS settings in short: `ca`, `mutual`, `pinned`, `insecure`.
fn tls_of(context: &Context) -> String {
    [
        (context.ca.is_some(), "ca"),
        (context.client_cert.is_some(), "mutual"),
        (!context.pinned_certificates.is_empty(), "pinned"),
        (context.insecure, "insecure"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect::<Vec<_>>()
    .join(",")
}

/// Sets the file's `current-context` to `name`, a context it has; the rest of the file, its
/// comments and layout included, stays as it was. A missing file is not created.
fn use_context(
    config: &ConfigPath,
    name: &str,
    read: &dyn Fn(&Path) -> std::io::Result<Option<String>>,
    write_file: &dyn Fn(&Path, &str) -> std::io::Result<()>,
) -> Result<(), Failure> {
    let text = config.text(read)?.unwrap_or_default();
    let file = config.parse(&text)?;
    if !file.contexts.contains_key(name) {
        return Err(Failure::NotFound(config.unknown_context(&file, name)));
    }
    let mut document: toml_edit::DocumentMut =
        text.parse().map_err(|error: toml_edit::TomlError| {
            Failure::Config(format!(
                "{} cannot be edited: {}",
                config.path.display(),
                error.message()
            ))
        })?;
    match document
        .get_mut("current-context")
        .and_then(toml_edit::Item::as_value_mut)
    {
        // The value alone changes: a comment after it stays.
        Some(value) => {
            let decor = value.decor().clone();
            *value = toml_edit::Value::from(name);
            *value.decor_mut() = decor;
        }
        None => document["current-context"] = toml_edit::value(name),
    }
    write_file(&config.path, &document.to_string())
        .map_err(Failure::io(format!("writing {}", config.path.display())))
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
