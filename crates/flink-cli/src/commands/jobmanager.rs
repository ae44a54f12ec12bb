//! `flinkctl jobmanager …`: the JobManager's configuration, environment, logs, threads and
//! metrics.

use clap::Subcommand;
use flink_client::api::ClusterProcess;
use flink_client::api::jobmanager::{GetJobManagerConfig, GetJobManagerEnvironment};
use flink_client::api::logs::LogFile;
use flink_client::models::common::ConfigurationEntry;
use flink_client::models::jobmanager::EnvironmentInfo;

use super::{Ctx, process};
use crate::exit::Failure;
use crate::output::Rows;

/// The JobManager's subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The JobManager's effective configuration (GET /jobmanager/config).
    #[command(
        after_help = "Examples:\n  flinkctl jobmanager config\n  flinkctl jobmanager config -o json"
    )]
    Config,
    /// The JVM and class path (GET /jobmanager/environment).
    #[command(after_help = "Examples:\n  flinkctl jobmanager environment -o wide")]
    Environment,
    /// The files of the log directory (GET /jobmanager/logs).
    #[command(after_help = "Examples:\n  flinkctl jobmanager logs")]
    Logs,
    /// Print the main log, or FILE of `logs`; --follow prints what is appended until Ctrl-C.
    #[command(
        after_help = "Examples:\n  flinkctl jobmanager log | less\n  flinkctl jobmanager log --follow\n  flinkctl jobmanager log jobmanager.log.1"
    )]
    Log {
        /// A file of `flinkctl jobmanager logs` instead of the main log.
        file: Option<String>,
        /// Keep printing what is appended, every second, until Ctrl-C.
        #[arg(short, long)]
        follow: bool,
    },
    /// What the JobManager wrote to standard output.
    #[command(after_help = "Examples:\n  flinkctl jobmanager stdout")]
    Stdout,
    /// The JobManager's threads, as jstack prints them.
    #[command(after_help = "Examples:\n  flinkctl jobmanager thread-dump | grep -A5 dispatcher")]
    ThreadDump,
    /// List the metric names, or print the values of NAMES.
    #[command(
        after_help = "Examples:\n  flinkctl jobmanager metrics\n  flinkctl jobmanager metrics Status.JVM.CPU.Load Status.JVM.Memory.Heap.Used"
    )]
    Metrics {
        /// Metrics to print (all names when none).
        names: Vec<String>,
    },
}

/// Runs a JobManager subcommand.
pub(crate) async fn run(ctx: &Ctx, command: &Command) -> Result<(), Failure> {
    let jm = ClusterProcess::JobManager;
    match command {
        Command::Config => ctx.show(GetJobManagerConfig, config_rows).await,
        Command::Environment => ctx.show(GetJobManagerEnvironment, environment_rows).await,
        Command::Logs => process::logs(ctx, jm).await,
        Command::Log { file, follow } => {
            let file = process::log_file(file.as_deref())?;
            process::log(ctx, jm, file, *follow).await
        }
        Command::Stdout => process::log(ctx, jm, LogFile::Stdout, false).await,
        Command::ThreadDump => process::thread_dump(ctx, jm).await,
        Command::Metrics { names } => process::metrics(ctx, jm, names).await,
    }
}

/// Key and value of each option.
pub(crate) fn config_rows(entries: Vec<ConfigurationEntry>) -> Rows {
    let mut rows = Rows::new(&["KEY", "VALUE"]);
    for entry in entries {
        rows.push([entry.key, entry.value]);
    }
    rows
}

/// The JVM's version, architecture, options and class path; `wide` would be too wide, so
/// options and class path entries get one row each.
fn environment_rows(environment: EnvironmentInfo) -> Rows {
    let mut rows = Rows::new(&["PROPERTY", "VALUE"]);
    let jvm = environment.jvm;
    rows.push(["jvm.version".to_owned(), jvm.version]);
    rows.push(["jvm.arch".to_owned(), jvm.arch]);
    for option in jvm.options {
        rows.push(["jvm.option".to_owned(), option]);
    }
    for entry in environment.classpath {
        rows.push(["classpath".to_owned(), entry]);
    }
    rows
}
