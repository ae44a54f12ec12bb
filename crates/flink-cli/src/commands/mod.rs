//! The commands, one module per resource group, and what they share ([`Ctx`]).

pub(crate) mod api;
pub(crate) mod cancel;
pub(crate) mod checkpoint;
mod completions;
mod config;
pub(crate) mod context;
pub(crate) mod datasets;
pub(crate) mod info;
pub(crate) mod jars;
pub(crate) mod jobmanager;
pub(crate) mod jobs;
pub(crate) mod list;
mod man;
mod overview;
mod process;
pub(crate) mod rescale;
pub(crate) mod run;
pub(crate) mod savepoint;
pub(crate) mod stop;
pub(crate) mod taskmanagers;
pub(crate) mod top;
mod verb;
mod version;
pub(crate) mod wait;

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use flink_client::FlinkClient;
use flink_client::api::{ApiError, Execute, JsonEndpoint, Raw};
use flink_client::transport::redact_url;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use crate::cli::{Cli, Command, Global};
use crate::config::{ConfigPath, Selection, TlsFlags, resolve};
use crate::exit::Failure;
use crate::output::{Printer, Rows, color_allowed, write};

/// What every command needs: the client, how to print, the time limit of the command.
pub(crate) struct Ctx {
    /// The client of the selected cluster.
    pub(crate) client: FlinkClient,
    /// How answers are printed.
    pub(crate) printer: Printer,
    /// `--timeout`.
    pub(crate) timeout: Option<Duration>,
    /// When `--timeout` ends the command; `None` without it, and for commands that run until
    /// quit, where it limits each refresh instead.
    deadline: Option<Instant>,
    /// The largest answer read whole to be parsed (the transport's limit of buffered bodies).
    pub(crate) max_document_bytes: usize,
    /// `-q`: no informational messages.
    pub(crate) quiet: bool,
}

/// Runs the command line's command: those of the config file and of flinkctl itself without
/// a cluster, the others within `--timeout`.
pub(crate) async fn run(cli: &Cli) -> Result<(), Failure> {
    let global = &cli.global;
    let printer = Printer::new(
        global.output,
        color_allowed(global.no_color),
        !global.no_headers,
    );
    match &cli.command {
        Command::Completions { shell } => completions::run(*shell, &mut std::io::stdout()),
        Command::GenerateMan { dir } => man::run(dir, &mut std::io::stdout()),
        Command::Context(command) => {
            let config = ConfigPath::new(given(global.config.as_deref()), &|name| {
                std::env::var(name).ok()
            });
            context::run(&config, printer, command, &mut std::io::stdout())
        }
        _ => on_cluster(cli, printer).await,
    }
}

/// An empty option (`FLINKCTL_CONFIG=`) counts as not given.
fn given(path: Option<&Path>) -> Option<&Path> {
    path.filter(|path| !path.as_os_str().is_empty())
}

/// Runs a command of the cluster the command line selects, all of it within `--timeout`.
async fn on_cluster(cli: &Cli, printer: Printer) -> Result<(), Failure> {
    let global = &cli.global;
    let deadline = global
        .timeout
        .filter(|_| !cli.command.runs_until_quit())
        .map(|limit| Instant::now() + limit);
    // An empty option (`FLINKCTL_CONTEXT=`) counts as not given.
    let selection = Selection {
        url: global.url.as_deref().filter(|url| !url.trim().is_empty()),
        context: global.context.as_deref().filter(|name| !name.is_empty()),
        config: given(global.config.as_deref()),
        tls: tls_flags(global),
    };
    let settings = resolve(&selection, &|name| std::env::var(name).ok(), &read_optional)?;
    if global.verbose > 0 {
        // Before the URL is checked: it may carry a password or a token.
        let url = redact_url(&settings.client.url);
        eprintln!("flinkctl: {url} from {}", settings.source);
    }
    let config = settings.transport_config(global.timeout)?;
    let ctx = Ctx {
        client: FlinkClient::from_config(&config)?,
        printer,
        timeout: global.timeout,
        deadline,
        max_document_bytes: config.max_response_body_bytes,
        quiet: global.quiet,
    };
    // Boxed: the future of every command in one is large.
    let command = Box::pin(dispatch(&ctx, &cli.command));
    if ctx.deadline.is_some() {
        ctx.within(command).await
    } else {
        command.await
    }
}

/// Runs one command.
async fn dispatch(ctx: &Ctx, command: &Command) -> Result<(), Failure> {
    match command {
        Command::Overview => overview::run(ctx).await,
        Command::Version => version::run(ctx).await,
        Command::Config => config::run(ctx).await,
        Command::Jobmanager(command) => jobmanager::run(ctx, command).await,
        Command::Taskmanagers(command) => taskmanagers::run(ctx, command).await,
        Command::Jars(command) => jars::run(ctx, command).await,
        Command::Datasets(command) => datasets::run(ctx, command).await,
        Command::Api(args) => api::run(ctx, args).await,
        Command::Jobs(command) => jobs::run(ctx, command).await,
        Command::Top(args) => top::run(ctx, args).await,
        Command::Run(args) => run::run(ctx, args).await,
        Command::List(args) => list::run(ctx, args).await,
        Command::Info(args) => info::run(ctx, args).await,
        Command::Cancel(args) => cancel::run(ctx, args).await,
        Command::Stop(args) => stop::run(ctx, args).await,
        Command::Savepoint(args) => savepoint::run(ctx, args).await,
        Command::Checkpoint(args) => checkpoint::run(ctx, args).await,
        Command::Rescale(args) => rescale::run(ctx, args).await,
        Command::Wait(command) => wait::run(ctx, command).await,
        // Run before any cluster is resolved (see `run`).
        Command::Completions { .. } | Command::GenerateMan { .. } | Command::Context(_) => Ok(()),
    }
}

/// The TLS flags of the command line.
fn tls_flags(global: &Global) -> TlsFlags<'_> {
    TlsFlags {
        ca: given(global.ca_file.as_deref()),
        client_cert: given(global.client_cert.as_deref()),
        client_key: given(global.client_key.as_deref()),
        insecure: global.insecure_skip_tls_verify,
    }
}

/// A file's text, or `None` when it does not exist.
fn read_optional(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

impl Ctx {
    /// The time left for the command (for one refresh of a command that runs until quit);
    /// `None` without `--timeout`.
    pub(crate) fn time_left(&self) -> Option<Duration> {
        match self.deadline {
            Some(deadline) => Some(deadline.saturating_duration_since(Instant::now())),
            None => self.timeout,
        }
    }

    /// Awaits a call, within `--timeout` when one is set.
    pub(crate) async fn call<T, F>(&self, call: F) -> Result<T, Failure>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        self.within(async { call.await.map_err(Failure::from) })
            .await
    }

    /// Awaits any work, within `--timeout` when one is set: before the command's deadline,
    /// or within the limit of one refresh of a command that runs until quit.
    pub(crate) async fn within<T, F>(&self, work: F) -> Result<T, Failure>
    where
        F: Future<Output = Result<T, Failure>>,
    {
        let Some(limit) = self.timeout else {
            return work.await;
        };
        let deadline = self.deadline.unwrap_or_else(|| Instant::now() + limit);
        tokio::time::timeout_at(deadline, work)
            .await
            .map_err(|_| Failure::Deadline(limit))?
    }

    /// The server's JSON answer to `endpoint`, exactly as sent.
    pub(crate) async fn json<E>(&self, endpoint: E) -> Result<serde_json::Value, Failure>
    where
        E: JsonEndpoint + Send + 'static,
    {
        self.call(self.client.execute(Raw(endpoint))).await
    }

    /// Asks `endpoint` once and prints the answer: the server's JSON for `json`/`yaml`, the
    /// rows made of the decoded model otherwise.
    pub(crate) async fn show<E>(
        &self,
        endpoint: E,
        rows: impl FnOnce(E::Output) -> Rows,
    ) -> Result<(), Failure>
    where
        E: JsonEndpoint + Send + 'static,
    {
        let json = self.json(endpoint).await?;
        self.printer
            .print(&mut std::io::stdout().lock(), &json, || {
                decode(&json).map(rows)
            })
    }

    /// Like [`Ctx::show`], with free text instead of rows (thread dumps).
    pub(crate) async fn show_text<E>(
        &self,
        endpoint: E,
        text: impl FnOnce(E::Output) -> String,
    ) -> Result<(), Failure>
    where
        E: JsonEndpoint + Send + 'static,
    {
        let json = self.json(endpoint).await?;
        let mut out = std::io::stdout().lock();
        if self.printer.is_document() {
            self.printer.print(&mut out, &json, || Ok(Rows::default()))
        } else {
            write(&mut out, text(decode(&json)?).as_bytes())
        }
    }

    /// Prints an informational message on standard error, unless `-q`.
    pub(crate) fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }
}

/// A model as JSON again, for `-o json|yaml` where the answer came typed (the models keep
/// every field of Flink's answer).
pub(crate) fn encode<T: serde::Serialize>(model: &T) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(model)
        .map_err(|error| Failure::Answer(format!("could not write the answer as JSON: {error}")))
}

/// Decodes the server's JSON into its model.
pub(crate) fn decode<T: DeserializeOwned>(json: &serde_json::Value) -> Result<T, Failure> {
    T::deserialize(json).map_err(|error| {
        Failure::Answer(format!(
            "could not read Flink's answer: {error}; `-o json` shows it as it was sent"
        ))
    })
}

/// Parsing the arguments of one command, for its tests.
#[cfg(test)]
pub(crate) mod testing {
    use clap::{Args, FromArgMatches};

    /// `args` parsed as the arguments `A` of a command.
    pub(crate) fn parse<A: Args + FromArgMatches>(args: &[&str]) -> Result<A, clap::Error> {
        let command = A::augment_args(clap::Command::new("flinkctl"));
        let matches = command
            .try_get_matches_from(std::iter::once("flinkctl").chain(args.iter().copied()))?;
        A::from_arg_matches(&matches)
    }
}
