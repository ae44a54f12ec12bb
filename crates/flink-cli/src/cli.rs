//! The command line: global options and the command tree (clap derive).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::{api, datasets, jars, jobmanager, taskmanagers};
use crate::commands::{cancel, checkpoint, info, list, run, savepoint, stop, wait};
use crate::commands::{context, jobs, rescale, top};
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

/// The root's `--help` epilogue before the exit codes. Short, like every line of the root's
/// help (one line per option, nothing past 100 columns): the whole of it fits a screen.
const ROOT_HELP: &str = "Contexts and the config file: see `flinkctl context --help`.\n";

/// Options every command takes; they may come before or after the command. Only `flinkctl
/// --help` lists them: [`command`] hides them from the help of the subcommands.
// The doc comments are the `--help` text, where backticks would show; each fits one line of
// the root's help, since a long help would make clap spread every option over several lines.
#[allow(
    clippy::doc_markdown,
    clippy::struct_excessive_bools,
    reason = "the doc comments are help text; the switches are command-line flags"
)]
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct Global {
    /// The REST URL of the JobManager, or HOST:PORT [env: FLINK_REST_URL].
    // `-m HOST:PORT` and `--jobmanager` as the `flink` CLI takes them.
    #[arg(
        long,
        short = 'm',
        alias = "jobmanager",
        global = true,
        value_name = "URL",
        value_parser = parse_url
    )]
    pub(crate) url: Option<String>,
    /// A named cluster of the config file.
    #[arg(long, global = true, env = "FLINKCTL_CONTEXT", value_name = "NAME")]
    pub(crate) context: Option<String>,
    /// The config file of named clusters.
    #[arg(long, global = true, env = "FLINKCTL_CONFIG", value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// Trust the CAs of this PEM file (as FLINK_TLS_CA).
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) ca_file: Option<PathBuf>,
    /// A PEM client certificate for mutual TLS (as FLINK_TLS_CLIENT_CERT).
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) client_cert: Option<PathBuf>,
    /// The PEM key of --client-cert (as FLINK_TLS_CLIENT_KEY).
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) client_key: Option<PathBuf>,
    /// Do not verify the server's certificate (tests only).
    // Listed in `context --help` with the other TLS settings, to keep the root help a screen.
    #[arg(long, global = true, hide = true)]
    pub(crate) insecure_skip_tls_verify: bool,
    /// table, wide, name (ids only), json or yaml (the server's).
    #[arg(
        short,
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        default_value_t = Format::Table,
        hide_default_value = true,
        hide_possible_values = true
    )]
    pub(crate) output: Format,
    /// The time limit of the command, e.g. 30s or 2m (per refresh in top).
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
    /// Tables without their header line.
    #[arg(long, global = true)]
    pub(crate) no_headers: bool,
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
    /// Only the first column of each row (its id or name), one per line, for scripts.
    Name,
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
    /// Jobs: list, details, failures, checkpoints, graphs, metrics.
    #[command(subcommand, visible_alias = "job")]
    Jobs(jobs::Command),
    /// A live view of a job's vertices: rates, backpressure, busy time (q or Ctrl-C quits).
    Top(top::Args),
    /// Send any request and print the answer (legacy paths included).
    Api(api::Args),
    /// Upload and run a jar, as `flink run` (waits until its tasks run, unless --detached).
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
    /// Named clusters of the config file: list, use NAME, current.
    #[command(subcommand, visible_alias = "ctx", after_help = context::HELP)]
    Context(context::Command),
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
    /// Write the man pages of flinkctl and of every subcommand to DIR (for packagers).
    #[command(hide = true)]
    GenerateMan {
        /// Where to write them (created if missing).
        dir: PathBuf,
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

/// What the help of every subcommand says in place of the global options.
const GLOBAL_OPTIONS_HELP: &str =
    "Global options (-o, --url, --context, --timeout, -q, -v, …): see `flinkctl --help`.";

/// The command tree with its whole `--help` (what `main` parses and completions describe).
pub(crate) fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
        .after_help(root_help())
        .mut_subcommands(|command| command.defer(hide_globals))
}

/// `command`, once clap has copied the global options into it, with those options hidden, so
/// that its help fits a screen and names `flinkctl --help` for them instead; the same for the
/// commands below it. Deferred until clap builds the command (a command's copies are made
/// when its parent is built), so that a run pays only for the commands on its path, not for
/// a copy of every global option in each of the tree's commands. Hiding an option changes
/// nothing else: its value still reaches the root's, and completions still offer it.
fn hide_globals(command: clap::Command) -> clap::Command {
    let after_help = match command.get_after_help() {
        Some(text) => format!("{text}\n\n{GLOBAL_OPTIONS_HELP}"),
        None => GLOBAL_OPTIONS_HELP.to_owned(),
    };
    command
        .mut_args(|arg| {
            if arg.is_global_set() {
                arg.hide(true)
            } else {
                arg
            }
        })
        .after_help(after_help)
        .mut_subcommands(|command| command.defer(hide_globals))
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
    use clap::FromArgMatches;

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
            help.contains("Exit codes: 0 success") && help.contains(" 6 invalid input"),
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

    /// `args` after `flinkctl`, parsed by the whole command tree as `main` parses them.
    fn parse(args: &[&str]) -> Cli {
        let matches = command()
            .try_get_matches_from(std::iter::once("flinkctl").chain(args.iter().copied()))
            .unwrap();
        Cli::from_arg_matches(&matches).unwrap()
    }

    #[test]
    fn global_options_go_anywhere() {
        let cli = parse(&["taskmanagers", "list", "-o", "wide", "--timeout", "2s"]);
        assert_eq!(cli.global.output, Format::Wide);
        assert_eq!(cli.global.timeout, Some(Duration::from_secs(2)));
        let cli = parse(&[
            "jobs",
            "get",
            "j",
            "-o",
            "name",
            "--no-headers",
            "-m",
            "jm:8081",
            "-q",
        ]);
        assert_eq!(cli.global.output, Format::Name);
        assert!(cli.global.no_headers && cli.global.quiet);
        assert_eq!(cli.global.url.as_deref(), Some("http://jm:8081"));
        let cli = parse(&[
            "--context",
            "prod",
            "wait",
            "job",
            "j",
            "--state",
            "RUNNING",
        ]);
        assert_eq!(cli.global.context.as_deref(), Some("prod"));
    }

    #[test]
    fn flink_enum_values_in_flinks_upper_case() {
        use crate::commands::savepoint::Kind;
        for (spelling, kind) in [("NATIVE", Kind::Native), ("Canonical", Kind::Canonical)] {
            let Command::Savepoint(args) = parse(&["savepoint", "j", "--type", spelling]).command
            else {
                panic!("not a savepoint");
            };
            assert_eq!(args.kind, Some(kind));
            let Command::Stop(args) = parse(&["stop", "j", "-t", spelling]).command else {
                panic!("not a stop");
            };
            assert_eq!(args.kind, Some(kind));
        }
    }

    /// The paths below `command` (as typed after `flinkctl`), each after those below it.
    fn paths(command: &clap::Command, above: &[String], all: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands() {
            let mut path = above.to_vec();
            path.push(sub.get_name().to_owned());
            paths(sub, &path, all);
            all.push(path);
        }
    }

    /// What `flinkctl PATH --help` prints.
    fn help(path: &[String]) -> String {
        let args = std::iter::once("flinkctl")
            .chain(path.iter().map(String::as_str))
            .chain(["--help"]);
        let shown = command().try_get_matches_from(args).unwrap_err();
        assert_eq!(
            shown.kind(),
            clap::error::ErrorKind::DisplayHelp,
            "{path:?}"
        );
        shown.render().to_string()
    }

    /// How many lines `text` takes on a terminal 100 columns wide.
    fn screen_lines(text: &str) -> usize {
        text.lines()
            .map(|line| line.chars().count().div_ceil(100).max(1))
            .sum()
    }

    #[test]
    fn every_help_fits_a_screen_and_only_the_root_lists_global_options() {
        let root = command();
        let url = root
            .get_arguments()
            .find(|arg| arg.get_id() == "url")
            .and_then(clap::Arg::get_help)
            .unwrap()
            .to_string();
        let url = &url[..30];
        let mut all = vec![Vec::new()];
        paths(&root, &[], &mut all);
        assert!(all.len() > 40, "{all:?}");
        for path in all {
            let help = help(&path);
            let lines = screen_lines(&help);
            assert!(
                lines <= 50,
                "flinkctl {path:?} --help: {lines} lines\n{help}"
            );
            if path.is_empty() {
                assert!(
                    help.contains("Global options:\n") && help.contains(url),
                    "{help}"
                );
            } else {
                assert!(!help.contains(url), "{path:?}: {help}");
                assert!(help.contains(GLOBAL_OPTIONS_HELP), "{path:?}: {help}");
            }
        }
    }
}
