//! The command line: global options and the command tree (clap derive).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::{api, datasets, jars, jobmanager, taskmanagers};
use crate::commands::{cancel, checkpoint, info, list, run, savepoint, stop, wait};
use crate::commands::{jobs, rescale, top};
use crate::exit::EXIT_CODES_HELP;

/// flinkctl: operate Apache Flink through its REST API, without a JVM.
#[derive(Debug, Parser)]
#[command(name = "flinkctl", version, about)]
pub(crate) struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub(crate) global: Global,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

const ROOT_HELP: &str = concat!(
    "Examples:\n",
    "  flinkctl --url http://127.0.0.1:8081 overview\n",
    "  flinkctl --context prod taskmanagers list -o wide\n",
    "  flinkctl jobmanager log --follow\n",
    "  flinkctl api GET /jobs/overview\n",
    "\n",
    "Where the cluster is: --url (or FLINK_REST_URL, with FLINK_REST_FAILOVER_URLS, FLINK_REST_TOKEN,\n",
    "FLINK_REST_CLIENT_HEADERS, FLINK_TLS_CA, FLINK_TLS_CLIENT_CERT, FLINK_TLS_CLIENT_KEY,\n",
    "FLINK_TLS_FINGERPRINT, FLINK_TLS_INSECURE and the proxy variables), or a context of the\n",
    "config file (--context, else its current-context when no URL is given):\n",
    "\n",
    "  current-context = \"local\"\n",
    "  [contexts.local]\n",
    "  url = \"https://flink.example:8081\"\n",
    "  failover-urls = [\"https://standby.example:8081\"]  # HA: tried when one is down\n",
    "  token = \"…\"                                       # `Authorization: Bearer …`\n",
    "  headers = { \"X-Tenant\" = \"blue\" }\n",
    "  ca = \"/etc/flink/ca.pem\"\n",
    "  client-cert = \"/etc/flink/client.pem\"\n",
    "  client-key = \"/etc/flink/client.key\"\n",
    "  pinned-certificates = [\"AB:CD:…\"]                 # SHA-256 of a server certificate\n",
    "  proxy = \"http://proxy.internal:3128\"              # else HTTPS_PROXY, HTTP_PROXY\n",
    "  insecure = false\n",
    "\n",
    "Exit codes:\n",
);

/// Options every command takes; they may come before or after the command.
// The doc comments are the `--help` text, where backticks would show.
#[allow(clippy::doc_markdown)]
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The REST URL of the JobManager (or of a proxy in front of it) [env: FLINK_REST_URL];
    /// `-m HOST:PORT` as `flink run` takes it means http://HOST:PORT.
    #[arg(
        long,
        short = 'm',
        visible_alias = "jobmanager",
        global = true,
        value_name = "URL",
        value_parser = parse_url
    )]
    pub(crate) url: Option<String>,
    /// A named cluster of the config file.
    #[arg(long, global = true, env = "FLINKCTL_CONTEXT", value_name = "NAME")]
    pub(crate) context: Option<String>,
    /// The config file [default: ~/.config/flinkctl/config.toml].
    #[arg(long, global = true, env = "FLINKCTL_CONFIG", value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// How answers are printed: `json` and `yaml` show exactly what the server sent.
    #[arg(short, long, global = true, value_enum, default_value_t = Format::Table)]
    pub(crate) output: Format,
    /// The time limit of the whole command, waits included, e.g. `500ms`, `30s`, `2m` (of each
    /// refresh for `top` and `log --follow`).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) timeout: Option<Duration>,
    /// Say more on standard error (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub(crate) verbose: u8,
    /// Print only results and errors.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// No colours (also when NO_COLOR is set).
    #[arg(long, global = true)]
    pub(crate) no_color: bool,
}

/// How answers are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned columns.
    Table,
    /// Aligned columns, with more of them.
    Wide,
    /// The server's JSON, pretty-printed.
    Json,
    /// The server's JSON, as YAML.
    Yaml,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The cluster at a glance (GET /overview).
    #[command(after_help = "Examples:\n  flinkctl overview\n  flinkctl overview -o json")]
    Overview,
    /// The web UI's configuration: version, revision, features (GET /config).
    #[command(after_help = "Examples:\n  flinkctl config\n  flinkctl config -o yaml")]
    Config,
    /// The JobManager: configuration, environment, logs, threads, metrics.
    #[command(subcommand, visible_alias = "jm")]
    Jobmanager(jobmanager::Command),
    /// The TaskManagers: list, details, logs, threads, metrics.
    #[command(subcommand, visible_aliases = ["taskmanager", "tm"])]
    Taskmanagers(taskmanagers::Command),
    /// Uploaded jars: list, upload, run, delete, plan.
    #[command(subcommand, visible_alias = "jar")]
    Jars(jars::Command),
    /// Datasets the cluster keeps between jobs: list, delete.
    #[command(subcommand, visible_alias = "dataset")]
    Datasets(datasets::Command),
    /// Jobs: list, details, state, failures, checkpoints, configuration, graph, vertices, metrics.
    #[command(subcommand, visible_alias = "job")]
    Jobs(jobs::Command),
    /// A live view of a job's vertices: rates, backpressure, busy time (q or Ctrl-C quits).
    Top(top::Args),
    /// Send any request and print the answer (legacy paths included).
    Api(api::Args),
    /// Upload a jar and run it, as `flink run` (waits until its tasks run or it finishes, unless
    /// --detached).
    Run(run::Args),
    /// The jobs, as `flink list`: running and scheduled, or all with -a.
    List(list::Args),
    /// The plan of a jar's program, as `flink info`.
    Info(info::Args),
    /// Cancel a job, as `flink cancel`.
    Cancel(cancel::Args),
    /// Stop a job with a savepoint, as `flink stop`.
    Stop(stop::Args),
    /// Take a savepoint of a job (or dispose of one), as `flink savepoint`.
    Savepoint(savepoint::Args),
    /// Take a checkpoint of a job now, as `flink checkpoint`.
    Checkpoint(checkpoint::Args),
    /// Run a job with another parallelism (adaptive scheduler), waiting until it does.
    Rescale(rescale::Args),
    /// Wait for a ready cluster, a job state, the next checkpoint, or a detached savepoint.
    #[command(subcommand, after_help = concat!(
        "Examples:\n",
        "  flinkctl wait cluster --taskmanagers 2 --slots 8\n",
        "  flinkctl wait job 5e20cb6b0f357591171dfcca2eea09de --state RUNNING --for 2m\n",
        "  flinkctl wait checkpoint 5e20cb6b0f357591171dfcca2eea09de\n",
        "  flinkctl wait savepoint 5e20cb6b0f357591171dfcca2eea09de \"$TRIGGER\"",
    ))]
    Wait(wait::Command),
    /// This flinkctl's version and the cluster's (GET /config).
    #[command(after_help = "Examples:\n  flinkctl version\n  flinkctl version -o json")]
    Version,
    /// Print a shell completion script.
    #[command(after_help = concat!(
        "Examples:\n",
        "  flinkctl completions bash > /etc/bash_completion.d/flinkctl\n",
        "  flinkctl completions zsh > \"${fpath[1]}/_flinkctl\"\n",
        "  flinkctl completions fish > ~/.config/fish/completions/flinkctl.fish"
    ))]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// Whether the command runs until the user quits (`top`, `log --follow`), so that
    /// `--timeout` limits each refresh rather than the whole command.
    pub(crate) fn runs_until_quit(&self) -> bool {
        match self {
            Self::Top(_) => true,
            Self::Jobmanager(jobmanager::Command::Log { follow, .. })
            | Self::Taskmanagers(taskmanagers::Command::Log { follow, .. }) => *follow,
            _ => false,
        }
    }
}

/// The whole `--help` epilogue of the root command, exit codes included (set in `main`, since
/// `concat!` cannot reach a constant of another module).
pub(crate) fn root_help() -> String {
    format!("{ROOT_HELP}{EXIT_CODES_HELP}")
}

/// The command tree with its whole `--help` (what `main` parses and completions describe).
pub(crate) fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command().after_help(root_help())
}

/// A URL as given, or `http://` before a bare `HOST:PORT`, as the `flink` CLI's `-m` takes it.
#[allow(
    clippy::unnecessary_wraps,
    reason = "clap's value parsers return a Result"
)]
pub(crate) fn parse_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    Ok(if text.is_empty() || text.contains("://") {
        text.to_owned()
    } else {
        format!("http://{text}")
    })
}

/// Parses a duration such as `1ms`, `30s`, `2m` or `1h 30m`; zero is refused.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = humantime::parse_duration(text.trim())
        .map_err(|error| format!("`{text}` is not a duration ({error}); try 500ms, 30s or 2m"))?;
    if duration.is_zero() {
        return Err("the timeout must be longer than zero".to_owned());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_host_and_port_is_an_http_url() {
        assert_eq!(parse_url("jm:8081").unwrap(), "http://jm:8081");
        assert_eq!(
            parse_url(" https://gw/flink/ ").unwrap(),
            "https://gw/flink/"
        );
        assert_eq!(parse_url("").unwrap(), "");
        for flag in ["-m", "--jobmanager", "--url"] {
            let cli =
                Cli::try_parse_from(["flinkctl", flag, "127.0.0.1:8081", "overview"]).unwrap();
            assert_eq!(
                cli.global.url.as_deref(),
                Some("http://127.0.0.1:8081"),
                "{flag}"
            );
        }
    }

    #[test]
    fn durations_in_the_usual_units() {
        assert_eq!(parse_duration("1ms"), Ok(Duration::from_millis(1)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration(" 2m "), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
    }

    #[test]
    fn bad_durations_say_what_works() {
        assert!(parse_duration("soon").unwrap_err().contains("30s"));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("0s").unwrap_err().contains("zero"));
    }

    #[test]
    fn the_command_tree_is_consistent() {
        command().debug_assert();
        let help = command().render_help().to_string();
        assert!(
            help.contains("Exit codes:") && help.contains("  6  invalid input"),
            "{help}"
        );
    }

    #[test]
    fn only_top_and_follow_run_until_quit() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("flinkctl").chain(args.iter().copied())).unwrap()
        };
        for args in [
            &["top", "x"][..],
            &["jm", "log", "--follow"],
            &["tm", "log", "t", "-f"],
        ] {
            assert!(parse(args).command.runs_until_quit(), "{args:?}");
        }
        for args in [
            &["overview"][..],
            &["jm", "log"],
            &["stop", "x"],
            &["api", "GET", "/x"],
        ] {
            assert!(!parse(args).command.runs_until_quit(), "{args:?}");
        }
    }

    #[test]
    fn global_options_go_anywhere() {
        let cli = Cli::try_parse_from([
            "flinkctl",
            "taskmanagers",
            "list",
            "-o",
            "wide",
            "--timeout",
            "2s",
        ])
        .unwrap();
        assert_eq!(cli.global.output, Format::Wide);
        assert_eq!(cli.global.timeout, Some(Duration::from_secs(2)));
    }
}
