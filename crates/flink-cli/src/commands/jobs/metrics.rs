//! `jobs metrics JOB [NAMES]`: the metrics of a job, of a vertex, of one subtask, or
//! aggregated over a vertex's subtasks.

use clap::ValueEnum;
use flink_client::api::JobId;
use flink_client::api::jobs::subtasks::SubtaskIndex;
use flink_client::api::metrics::{AggregatedMetricScope, Aggregation, MetricScope};

use super::vertex::{find, parse_optional};
use crate::commands::{Ctx, process};
use crate::exit::Failure;

/// The arguments of `jobs metrics`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The job's id.
    job: String,
    /// Metrics to print (all names when none).
    names: Vec<String>,
    /// A vertex's metrics instead (id or name), named `SUBTASK.METRIC`.
    #[arg(long, value_name = "VERTEX")]
    vertex: Option<String>,
    /// One subtask's metrics (of --vertex).
    #[arg(long, value_name = "INDEX", requires = "vertex")]
    subtask: Option<String>,
    /// Each metric aggregated over the subtasks of --vertex.
    #[arg(long, requires = "vertex", conflicts_with = "subtask")]
    aggregate: bool,
    /// The aggregations of --aggregate (all when omitted).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "AGG",
        requires = "aggregate"
    )]
    agg: Vec<Agg>,
}

/// How `--aggregate` combines the subtasks' values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Agg {
    /// The smallest value.
    Min,
    /// The largest value.
    Max,
    /// The mean.
    Avg,
    /// The sum.
    Sum,
    /// How unevenly the values are spread (0 even, 100 all on one subtask).
    Skew,
}

impl Agg {
    fn model(self) -> Aggregation {
        match self {
            Self::Min => Aggregation::Min,
            Self::Max => Aggregation::Max,
            Self::Avg => Aggregation::Avg,
            Self::Sum => Aggregation::Sum,
            Self::Skew => Aggregation::Skew,
        }
    }
}

/// Runs `jobs metrics`.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let job = args.job.parse::<JobId>()?;
    let subtask: Option<SubtaskIndex> = parse_optional(args.subtask.as_deref())?;
    let Some(wanted) = &args.vertex else {
        return process::metrics_in(ctx, MetricScope::Job(job), &args.names).await;
    };
    let (_, vertex) = find(ctx, &job, wanted).await?;
    if args.aggregate {
        let scope = AggregatedMetricScope::Subtasks {
            job,
            vertex,
            subtasks: Vec::new(),
        };
        let aggregations: Vec<Aggregation> = args.agg.iter().map(|agg| agg.model()).collect();
        return process::aggregated_metrics_in(ctx, scope, &args.names, &aggregations).await;
    }
    let scope = match subtask {
        Some(subtask) => MetricScope::Subtask {
            job,
            vertex,
            subtask,
        },
        None => MetricScope::Vertex { job, vertex },
    };
    process::metrics_in(ctx, scope, &args.names).await
}
