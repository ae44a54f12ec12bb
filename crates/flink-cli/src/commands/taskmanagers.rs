//! `flinkctl taskmanagers …`: the TaskManagers, their logs, threads and metrics.

use clap::Subcommand;
use flink_client::api::logs::LogFile;
use flink_client::api::taskmanagers::{GetTaskManager, ListTaskManagers};
use flink_client::api::{ClusterProcess, TaskManagerId};
use flink_client::models::taskmanagers::{TaskManagerDetails, TaskManagerInfo, TaskManagerList};

use super::{Ctx, process};
use crate::exit::Failure;
use crate::output::{Rows, bytes, timestamp};

/// The TaskManagers' subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The registered TaskManagers (GET /taskmanagers).
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  flinkctl taskmanagers list\n  flinkctl tm ls -o wide"
    )]
    List,
    /// One TaskManager (GET /taskmanagers/ID).
    #[command(after_help = "Examples:\n  flinkctl taskmanagers get 127.0.0.1:41119-e8b103 -o yaml")]
    Get {
        /// The TaskManager's id, as `list` shows it.
        id: String,
    },
    /// The files of a TaskManager's log directory.
    #[command(after_help = "Examples:\n  flinkctl taskmanagers logs 127.0.0.1:41119-e8b103")]
    Logs {
        /// The TaskManager's id.
        id: String,
    },
    /// Print a TaskManager's main log, or FILE of `logs`; --follow until Ctrl-C.
    #[command(
        after_help = "Examples:\n  flinkctl taskmanagers log 127.0.0.1:41119-e8b103 --follow"
    )]
    Log {
        /// The TaskManager's id.
        id: String,
        /// A file of `flinkctl taskmanagers logs ID` instead of the main log.
        file: Option<String>,
        /// Keep printing what is appended, every second, until Ctrl-C.
        #[arg(short, long)]
        follow: bool,
    },
    /// What a TaskManager wrote to standard output.
    #[command(after_help = "Examples:\n  flinkctl taskmanagers stdout 127.0.0.1:41119-e8b103")]
    Stdout {
        /// The TaskManager's id.
        id: String,
    },
    /// A TaskManager's threads, as jstack prints them.
    #[command(after_help = "Examples:\n  flinkctl taskmanagers thread-dump 127.0.0.1:41119-e8b103")]
    ThreadDump {
        /// The TaskManager's id.
        id: String,
    },
    /// List a TaskManager's metric names, or print the values of NAMES.
    #[command(
        after_help = "Examples:\n  flinkctl taskmanagers metrics 127.0.0.1:41119-e8b103 Status.JVM.CPU.Load"
    )]
    Metrics {
        /// The TaskManager's id.
        id: String,
        /// Metrics to print (all names when none).
        names: Vec<String>,
    },
}

/// Runs a TaskManager subcommand.
pub(crate) async fn run(ctx: &Ctx, command: &Command) -> Result<(), Failure> {
    let tm = |id: &str| -> Result<ClusterProcess, Failure> {
        Ok(ClusterProcess::TaskManager(id.parse::<TaskManagerId>()?))
    };
    match command {
        Command::List => ctx.show(ListTaskManagers, list_rows).await,
        Command::Get { id } => {
            let taskmanager = id.parse()?;
            ctx.show(GetTaskManager { taskmanager }, details_rows).await
        }
        Command::Logs { id } => process::logs(ctx, tm(id)?).await,
        Command::Log { id, file, follow } => {
            let file = process::log_file(file.as_deref())?;
            process::log(ctx, tm(id)?, file, *follow).await
        }
        Command::Stdout { id } => process::log(ctx, tm(id)?, LogFile::Stdout, false).await,
        Command::ThreadDump { id } => process::thread_dump(ctx, tm(id)?).await,
        Command::Metrics { id, names } => process::metrics(ctx, tm(id)?, names).await,
    }
}

fn columns() -> Rows {
    Rows::new(&["ID", "SLOTS", "FREE", "CPU CORES", "MEMORY"]).wide(&[
        "ADDRESS",
        "DATA PORT",
        "LAST HEARTBEAT",
        "BLOCKED",
    ])
}

fn push(rows: &mut Rows, tm: TaskManagerInfo) {
    rows.push([
        tm.id,
        tm.slots_number.to_string(),
        tm.free_slots.to_string(),
        tm.hardware.cpu_cores.to_string(),
        bytes(tm.hardware.physical_memory),
        tm.path,
        tm.data_port.to_string(),
        timestamp(tm.time_since_last_heartbeat),
        tm.blocked.map_or_else(|| "-".to_owned(), |b| b.to_string()),
    ]);
}

fn list_rows(list: TaskManagerList) -> Rows {
    let mut rows = columns();
    for tm in list.taskmanagers {
        push(&mut rows, tm);
    }
    rows
}

fn details_rows(details: TaskManagerDetails) -> Rows {
    let mut rows = columns();
    push(&mut rows, details.info);
    rows
}
