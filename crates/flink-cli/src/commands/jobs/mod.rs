//! `flinkctl jobs …`: the jobs, and one job's details, state, failures, checkpoints,
//! configuration, graph, vertices, subtasks, accumulators and metrics.

mod accumulators;
mod checkpoints;
mod flamegraph;
mod list;
mod metrics;
mod rescales;
mod result;
mod subtasks;
mod vertex;

use clap::{Subcommand, ValueEnum};
use flink_client::api::JobId;
use flink_client::api::jobs::{GetJob, GetJobConfig, GetJobExceptions, GetJobPlan, GetJobStatus};
use flink_client::models::jobs::config::JobConfigInfo;
use flink_client::models::jobs::details::JobDetailsInfo;
use flink_client::models::jobs::exceptions::JobExceptionsInfoWithHistory;
use flink_client::models::jobs::plan::JobPlanInfo;
use flink_client::models::jobs::state::JobStatusInfo;

use super::Ctx;
use crate::exit::Failure;
use crate::output::{Rows, bytes, timestamp};
use crate::render::plan;

/// The jobs' subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Every job, ended ones too (GET /jobs/overview, or /jobs with --ids).
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  flinkctl jobs list\n  flinkctl jobs list --ids -o json"
    )]
    List {
        /// Only ids and states (GET /jobs).
        #[arg(long)]
        ids: bool,
    },
    /// A job: name, state, times (GET /jobs/ID).
    #[command(
        after_help = "Examples:\n  flinkctl jobs get 01d1e87b5c625bb87af7a9e20b6abf71\n  flinkctl jobs get 01d1e87b5c625bb87af7a9e20b6abf71 -o json"
    )]
    Get {
        /// The job's id.
        job: String,
    },
    /// A job's state only (GET /jobs/ID/status).
    #[command(after_help = "Examples:\n  flinkctl jobs status 01d1e87b5c625bb87af7a9e20b6abf71")]
    Status {
        /// The job's id.
        job: String,
    },
    /// How a job ended: outcome, failure, accumulators (GET …/execution-result).
    #[command(
        after_help = "Examples:\n  flinkctl jobs result 01d1e87b5c625bb87af7a9e20b6abf71 -o wide\n\nWhile the job runs, STATUS is IN_PROGRESS and nothing else is known."
    )]
    Result {
        /// The job's id.
        job: String,
    },
    /// A job's failures, latest first (GET /jobs/ID/exceptions).
    #[command(
        after_help = "Examples:\n  flinkctl jobs exceptions 01d1e87b5c625bb87af7a9e20b6abf71 --max 5\n  flinkctl jobs exceptions 01d1e87b5c625bb87af7a9e20b6abf71 -o wide"
    )]
    Exceptions {
        /// The job's id.
        job: String,
        /// At most this many failures.
        #[arg(long, value_name = "N")]
        max: Option<u32>,
    },
    /// A job's execution configuration (GET /jobs/ID/config).
    #[command(
        after_help = "Examples:\n  flinkctl jobs config 01d1e87b5c625bb87af7a9e20b6abf71 -o yaml"
    )]
    Config {
        /// The job's id.
        job: String,
    },
    /// Draw a job's dataflow graph (GET /jobs/ID/plan).
    #[command(
        after_help = "Examples:\n  flinkctl jobs plan 01d1e87b5c625bb87af7a9e20b6abf71\n  flinkctl jobs plan 01d1e87b5c625bb87af7a9e20b6abf71 --format dot | dot -Tsvg > plan.svg\n  flinkctl jobs plan 01d1e87b5c625bb87af7a9e20b6abf71 --format mermaid >> README.md"
    )]
    Plan {
        /// The job's id.
        job: String,
        /// The drawing: a tree for the terminal, Graphviz DOT or a Mermaid flowchart
        /// (`-o json` prints the server's plan instead).
        #[arg(long, value_enum, default_value_t = PlanFormat::Tree)]
        format: PlanFormat,
    },
    /// A job's vertices: parallelism, state, records and bytes (GET /jobs/ID).
    #[command(
        after_help = "Examples:\n  flinkctl jobs vertices 01d1e87b5c625bb87af7a9e20b6abf71 -o wide"
    )]
    Vertices {
        /// The job's id.
        job: String,
    },
    // The subtasks of one vertex: handlers in subtasks.rs.
    /// A vertex's subtasks: state, attempt, TaskManager, records.
    #[command(after_help = concat!(
        "Examples:\n  flinkctl jobs vertex 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key -o wide\n\n",
        "VERTEX is a vertex id or name (as `jobs vertices` shows). GET /jobs/ID/vertices/V."
    ))]
    Vertex {
        /// The job's id.
        job: String,
        /// A vertex id or name.
        vertex: String,
    },
    /// One subtask's current attempt, or another attempt.
    #[command(after_help = concat!(
        "Examples:\n  flinkctl jobs subtask 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key 0\n",
        "  flinkctl jobs subtask 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key 0 --attempt 1 -o json\n\n",
        "GET /jobs/ID/vertices/V/subtasks/I; with --attempt …/subtasks/I/attempts/N."
    ))]
    Subtask {
        /// The job's id.
        job: String,
        /// A vertex id or name.
        vertex: String,
        /// The subtask's index, from 0.
        index: String,
        /// An earlier (or speculative) attempt instead of the current one.
        #[arg(long, value_name = "N")]
        attempt: Option<String>,
    },
    /// When each subtask of a vertex entered each state.
    #[command(after_help = concat!(
        "Examples:\n  flinkctl jobs subtask-times 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key\n\n",
        "CREATED is a time; the later states are counted from it (`-` when not entered).\n",
        "GET /jobs/ID/vertices/V/subtasktimes."
    ))]
    SubtaskTimes {
        /// The job's id.
        job: String,
        /// A vertex id or name.
        vertex: String,
    },
    /// A vertex's subtasks per TaskManager.
    #[command(after_help = concat!(
        "Examples:\n  flinkctl jobs vertex-taskmanagers 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key -o wide\n\n",
        "GET /jobs/ID/vertices/V/taskmanagers."
    ))]
    VertexTaskmanagers {
        /// The job's id.
        job: String,
        /// A vertex id or name.
        vertex: String,
    },
    /// A job's checkpoint counts, history and sparklines (GET /jobs/ID/checkpoints).
    #[command(
        after_help = "Examples:\n  flinkctl jobs checkpoints 01d1e87b5c625bb87af7a9e20b6abf71\n\nThe table ends with sparklines of the completed checkpoints' sizes and durations, oldest\nfirst."
    )]
    Checkpoints {
        /// The job's id.
        job: String,
    },
    /// One checkpoint by vertex, or one vertex's subtasks (GET …/details/ID).
    #[command(
        after_help = "Examples:\n  flinkctl jobs checkpoint 01d1e87b5c625bb87af7a9e20b6abf71 42\n  flinkctl jobs checkpoint 01d1e87b5c625bb87af7a9e20b6abf71 42 --vertex count-per-key -o wide\n\nFlink keeps the details of the checkpoints of `jobs checkpoints` only (404: exit 3)."
    )]
    Checkpoint {
        /// The job's id.
        job: String,
        /// The checkpoint's id (the ID column of `jobs checkpoints`).
        checkpoint: String,
        /// A vertex id or name: its subtasks' part of the checkpoint.
        #[arg(long, value_name = "VERTEX")]
        vertex: Option<String>,
    },
    /// A job's checkpointing configuration (GET /jobs/ID/checkpoints/config).
    #[command(
        after_help = "Examples:\n  flinkctl jobs checkpoint-config 01d1e87b5c625bb87af7a9e20b6abf71"
    )]
    CheckpointConfig {
        /// The job's id.
        job: String,
    },
    /// How back-pressured each subtask is, of one vertex or of all (waits for Flink).
    #[command(
        after_help = "Examples:\n  flinkctl jobs backpressure 01d1e87b5c625bb87af7a9e20b6abf71\n  flinkctl jobs backpressure 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key\n\nVERTEX is a vertex id or name (as `jobs vertices` shows). Without it, `-o json` prints an\nobject of the server's answers keyed by vertex id."
    )]
    Backpressure {
        /// The job's id.
        job: String,
        /// A vertex id or name; all vertices when omitted.
        vertex: Option<String>,
    },
    /// The input watermark of each subtask, of one vertex or of all.
    #[command(
        after_help = "Examples:\n  flinkctl jobs watermarks 01d1e87b5c625bb87af7a9e20b6abf71\n\nWithout VERTEX, `-o json` prints an object of the server's answers keyed by vertex id."
    )]
    Watermarks {
        /// The job's id.
        job: String,
        /// A vertex id or name; all vertices when omitted.
        vertex: Option<String>,
    },
    /// Sample a vertex's stacks: its hottest frames; --svg FILE draws them.
    #[command(
        after_help = "Examples:\n  flinkctl jobs flamegraph 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key\n  flinkctl jobs flamegraph 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key --svg graph.svg\n  flinkctl jobs flamegraph 01d1e87b5c625bb87af7a9e20b6abf71 'Source: numbers' --type off_cpu --top 5\n  flinkctl jobs flamegraph 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key -o json > graph.json\n\nWaits until Flink has sampled the stacks, within --timeout or 60s. The SVG zooms into a\nframe on click and highlights the frames matching a search (Ctrl-F)."
    )]
    Flamegraph(flamegraph::Args),
    /// Metrics of a job, a vertex, a subtask, or aggregated over subtasks.
    #[command(
        after_help = "Examples:\n  flinkctl jobs metrics 01d1e87b5c625bb87af7a9e20b6abf71\n  flinkctl jobs metrics 01d1e87b5c625bb87af7a9e20b6abf71 uptime numRestarts\n  flinkctl jobs metrics 01d1e87b5c625bb87af7a9e20b6abf71 --vertex count-per-key 0.numRecordsIn\n  flinkctl jobs metrics 01d1e87b5c625bb87af7a9e20b6abf71 --vertex count-per-key --subtask 0\n  flinkctl jobs metrics 01d1e87b5c625bb87af7a9e20b6abf71 --vertex count-per-key --aggregate numRecordsIn --agg min,max\n\nWithout NAMES, lists the names. A vertex's metrics are named SUBTASK.METRIC (0.numRecordsIn),\na subtask's and the aggregates' METRIC (GET /jobs/ID/metrics, …/vertices/V/metrics,\n…/vertices/V/subtasks/I/metrics, …/vertices/V/subtasks/metrics)."
    )]
    Metrics(metrics::Args),
    /// User accumulators of a job, a vertex, its subtasks, or one subtask.
    #[command(
        after_help = "Examples:\n  flinkctl jobs accumulators 01d1e87b5c625bb87af7a9e20b6abf71\n  flinkctl jobs accumulators 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key\n  flinkctl jobs accumulators 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key --subtasks\n  flinkctl jobs accumulators 01d1e87b5c625bb87af7a9e20b6abf71 count-per-key --subtask 0 --attempt 1\n\nGET /jobs/ID/accumulators; with VERTEX …/vertices/V/accumulators, with --subtasks\n…/vertices/V/subtasks/accumulators, with --subtask …/subtasks/I/attempts/N/accumulators."
    )]
    Accumulators(accumulators::Args),
    /// A job's rescales, newest first, or one rescale's vertices (Flink 2.3+).
    #[command(
        after_help = "Examples:\n  flinkctl jobs rescales 01d1e87b5c625bb87af7a9e20b6abf71 -o wide\n  flinkctl jobs rescales 01d1e87b5c625bb87af7a9e20b6abf71 c3c2638b8afa03007ea44bf530305417\n\nFlink records rescales only for jobs on the adaptive scheduler (`jobmanager.scheduler:\nadaptive`) with `web.adaptive-scheduler.rescale-history.size` above 0; otherwise, and on\nFlink before 2.3, flinkctl exits with 5 and says which."
    )]
    Rescales {
        /// The job's id.
        job: String,
        /// A rescale's id (the ID column): its vertices' parallelism before and after.
        rescale: Option<String>,
    },
}

/// How `jobs plan` draws the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum PlanFormat {
    /// A tree for the terminal, sources first.
    Tree,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

/// Runs a jobs subcommand.
pub(crate) async fn run(ctx: &Ctx, command: &Command) -> Result<(), Failure> {
    let id = |job: &str| -> Result<JobId, Failure> { Ok(job.parse::<JobId>()?) };
    match command {
        Command::List { ids } => list::show(ctx, *ids).await,
        Command::Result { job } => result::show(ctx, id(job)?).await,
        Command::Checkpoint {
            job,
            checkpoint,
            vertex,
        } => checkpoints::details(ctx, id(job)?, checkpoint, vertex.as_deref()).await,
        Command::CheckpointConfig { job } => checkpoints::config(ctx, id(job)?).await,
        Command::Get { job } => ctx.show(GetJob { job: id(job)? }, job_rows).await,
        Command::Status { job } => ctx.show(GetJobStatus { job: id(job)? }, status_rows).await,
        Command::Exceptions { job, max } => {
            let mut endpoint = GetJobExceptions::new(id(job)?);
            if let Some(max) = max {
                endpoint = endpoint.max_exceptions(*max);
            }
            ctx.show(endpoint, exception_rows).await
        }
        Command::Checkpoints { job } => checkpoints::history(ctx, id(job)?).await,
        Command::Config { job } => ctx.show(GetJobConfig { job: id(job)? }, config_rows).await,
        Command::Plan { job, format } => {
            let format = *format;
            ctx.show_text(GetJobPlan { job: id(job)? }, move |info: JobPlanInfo| {
                info.plan.map_or_else(
                    || "the job has no plan\n".to_owned(),
                    |graph| match format {
                        PlanFormat::Tree => plan::tree(&graph),
                        PlanFormat::Dot => plan::dot(&graph),
                        PlanFormat::Mermaid => plan::mermaid(&graph),
                    },
                )
            })
            .await
        }
        Command::Vertices { job } => ctx.show(GetJob { job: id(job)? }, vertex_rows).await,
        Command::Vertex { job, vertex } => subtasks::vertex(ctx, id(job)?, vertex).await,
        Command::SubtaskTimes { job, vertex } => subtasks::times(ctx, id(job)?, vertex).await,
        Command::VertexTaskmanagers { job, vertex } => {
            subtasks::taskmanagers(ctx, id(job)?, vertex).await
        }
        Command::Subtask {
            job,
            vertex,
            index,
            attempt,
        } => subtasks::subtask(ctx, id(job)?, vertex, index, attempt.as_deref()).await,
        Command::Backpressure { job, vertex } => {
            vertex::backpressure(ctx, id(job)?, vertex.as_deref()).await
        }
        Command::Watermarks { job, vertex } => {
            vertex::watermarks(ctx, id(job)?, vertex.as_deref()).await
        }
        Command::Flamegraph(args) => flamegraph::run(ctx, args).await,
        Command::Metrics(args) => metrics::run(ctx, args).await,
        Command::Rescales { job, rescale } => {
            rescales::show(ctx, id(job)?, rescale.as_deref()).await
        }
        Command::Accumulators(args) => accumulators::run(ctx, args).await,
    }
}

/// A duration in milliseconds for people (`1m 23s`), or `-` when negative.
pub(crate) fn millis(ms: i64) -> String {
    u64::try_from(ms).map_or_else(
        |_| "-".to_owned(),
        |ms| humantime::format_duration(std::time::Duration::from_secs(ms / 1000)).to_string(),
    )
}

fn job_rows(job: JobDetailsInfo) -> Rows {
    let mut rows = Rows::new(&["ID", "NAME", "STATE", "STARTED", "DURATION"]).wide(&[
        "TYPE",
        "VERTICES",
        "MAX PARALLELISM",
        "ENDED",
    ]);
    rows.push([
        job.jid,
        job.name,
        job.state.to_string(),
        timestamp(job.start_time),
        millis(job.duration),
        job.job_type
            .into_value()
            .map_or_else(|| "-".to_owned(), |t| t.to_string()),
        job.vertices.len().to_string(),
        job.max_parallelism.to_string(),
        timestamp(job.end_time),
    ]);
    rows
}

#[allow(clippy::needless_pass_by_value)] // the shape `Ctx::show` takes
fn status_rows(status: JobStatusInfo) -> Rows {
    let mut rows = Rows::new(&["STATE"]);
    rows.push([status.status.to_string()]);
    rows
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

fn exception_rows(info: JobExceptionsInfoWithHistory) -> Rows {
    let mut rows = Rows::new(&["TIME", "EXCEPTION", "TASK"]).wide(&["LOCATION", "CONCURRENT"]);
    for entry in info.exception_history.entries {
        let exception = entry.exception;
        rows.push([
            timestamp(exception.timestamp),
            first_line(&exception.exception_name),
            exception.task_name.unwrap_or_else(|| "-".to_owned()),
            exception.location.unwrap_or_else(|| "-".to_owned()),
            entry.concurrent_exceptions.len().to_string(),
        ]);
    }
    rows
}

fn config_rows(info: JobConfigInfo) -> Rows {
    let mut rows = Rows::new(&["KEY", "VALUE"]);
    rows.push(["name".to_owned(), info.name]);
    if let Some(config) = info.execution_config {
        if let Some(mode) = config.execution_mode {
            rows.push(["execution-mode".to_owned(), mode]);
        }
        rows.push(["restart-strategy".to_owned(), config.restart_strategy]);
        rows.push([
            "job-parallelism".to_owned(),
            config.job_parallelism.to_string(),
        ]);
        rows.push([
            "object-reuse-mode".to_owned(),
            config.object_reuse_mode.to_string(),
        ]);
        for (key, value) in config.user_config {
            rows.push([key, value]);
        }
    }
    rows
}

fn vertex_rows(job: JobDetailsInfo) -> Rows {
    let mut rows = Rows::new(&[
        "ID",
        "NAME",
        "PARALLELISM",
        "STATUS",
        "RECORDS IN",
        "RECORDS OUT",
    ])
    .wide(&["BYTES IN", "BYTES OUT", "DURATION", "MAX PARALLELISM"]);
    for vertex in job.vertices {
        rows.push([
            vertex.id,
            vertex.name,
            vertex.parallelism.to_string(),
            vertex.status.to_string(),
            vertex.metrics.read_records.to_string(),
            vertex.metrics.write_records.to_string(),
            bytes(vertex.metrics.read_bytes),
            bytes(vertex.metrics.write_bytes),
            millis(vertex.duration),
            vertex.max_parallelism.to_string(),
        ]);
    }
    rows
}
