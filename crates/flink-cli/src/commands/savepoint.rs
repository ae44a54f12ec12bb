//! `flinkctl savepoint JOB [DIR]` and `flinkctl savepoint --dispose PATH`, as
//! `flink savepoint` does them.

use flink_client::api::JobId;
use flink_client::models::jobs::savepoints::SavepointFormat;
use flink_client::operation::OperationKind;
use flink_client::prelude::{Operation, SavepointLocation, SavepointOptions};

use super::{Ctx, verb};
use crate::exit::Failure;

/// `flinkctl savepoint`'s arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl savepoint 5e20cb6b0f357591171dfcca2eea09de\n",
    "  flinkctl savepoint 5e20…09de file:///savepoints --type native\n",
    "  TRIGGER=$(flinkctl savepoint 5e20…09de --detached); flinkctl wait savepoint 5e20…09de \"$TRIGGER\"\n",
    "  flinkctl savepoint --dispose file:///savepoints/savepoint-5e20cb-0123456789ab",
))]
pub(crate) struct Args {
    /// The job's id.
    #[arg(required_unless_present = "dispose")]
    pub(crate) job: Option<String>,
    /// Where to write the savepoint (default: the cluster's state.savepoints.dir).
    pub(crate) dir: Option<String>,
    /// The savepoint's format (`NATIVE` as Flink spells it, too).
    #[arg(short = 't', long = "type", ignore_case = true, value_name = "TYPE")]
    pub(crate) kind: Option<Kind>,
    /// Print the trigger id and return (then `flinkctl wait savepoint JOB TRIGGER`).
    #[arg(long)]
    pub(crate) detached: bool,
    /// Delete the savepoint at this path instead of taking one.
    #[arg(short, long, value_name = "PATH", conflicts_with_all = ["job", "dir", "kind", "detached"])]
    pub(crate) dispose: Option<String>,
}

/// `--type`: the savepoint's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Kind {
    /// Restorable by any state backend.
    Canonical,
    /// The state backend's own format: faster, tied to the backend.
    Native,
}

impl From<Kind> for SavepointFormat {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Canonical => Self::Canonical,
            Kind::Native => Self::Native,
        }
    }
}

/// Takes (or disposes of) the savepoint.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    if let Some(path) = &args.dispose {
        let operation = ctx.call(ctx.client.dispose_savepoint(path.clone())).await?;
        let doing = format!("disposing of {path}");
        verb::finish_operation(ctx, &operation, None, &doing, None).await?;
        return verb::print_named(
            ctx,
            &format!("disposed of {path}"),
            path,
            &serde_json::json!({ "disposed": path }),
        );
    }
    let Some(job) = &args.job else {
        return Err(Failure::Usage(
            "savepoint needs a job id, or --dispose PATH".to_owned(),
        ));
    };
    let job = verb::live_job(ctx, job, "take a savepoint of").await?;
    let options = options(args.dir.as_deref(), args.kind);
    let operation = ctx.call(ctx.client.trigger_savepoint(job, options)).await?;
    finish(ctx, &operation, args.detached, "taking a savepoint of").await
}

/// The options of a savepoint into `dir` (else the cluster's state.savepoints.dir), in the
/// format of `kind` (else Flink's default).
pub(crate) fn options(dir: Option<&str>, kind: Option<Kind>) -> SavepointOptions {
    let mut options = SavepointOptions::new();
    if let Some(dir) = dir {
        options = options.target_directory(dir.to_owned());
    }
    if let Some(kind) = kind {
        options = options.format(kind.into());
    }
    options
}

/// Prints the trigger id (detached), or waits for the savepoint and prints its location.
pub(crate) async fn finish<K>(
    ctx: &Ctx,
    operation: &Operation<K>,
    detached: bool,
    doing: &str,
) -> Result<(), Failure>
where
    K: OperationKind<Target = JobId, Output = SavepointLocation>,
{
    let job = operation.target();
    let trigger = operation.trigger_id();
    if detached {
        ctx.info(&format!(
            "flinkctl: {doing} job {job}; follow it with `flinkctl wait savepoint {job} {trigger}`"
        ));
        return verb::print(
            ctx,
            trigger.as_str(),
            &serde_json::json!({ "request-id": trigger.as_str() }),
        );
    }
    wait(ctx, operation, None, doing).await
}

/// Waits for a savepoint (`--for`, else `--timeout`) and prints its location; past the time
/// limit, says how to wait for it again.
pub(crate) async fn wait<K>(
    ctx: &Ctx,
    operation: &Operation<K>,
    wait_for: Option<std::time::Duration>,
    doing: &str,
) -> Result<(), Failure>
where
    K: OperationKind<Target = JobId, Output = SavepointLocation>,
{
    let job = operation.target();
    let trigger = operation.trigger_id();
    let resume = format!("flinkctl wait savepoint {job} {trigger}");
    let doing = format!("{doing} job {job}");
    let location = verb::finish_operation(ctx, operation, wait_for, &doing, Some(resume)).await?;
    verb::print(
        ctx,
        location.as_str(),
        &serde_json::json!({ "location": location.as_str() }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::parse;

    #[test]
    fn a_savepoint_or_a_disposal() {
        let args = parse::<Args>(&["abc", "file:///sp", "--type", "native", "--detached"]).unwrap();
        assert_eq!(args.dir.as_deref(), Some("file:///sp"));
        assert_eq!(args.kind, Some(Kind::Native));
        assert!(args.detached);
        let args = parse::<Args>(&["--dispose", "file:///sp/x"]).unwrap();
        assert_eq!(args.dispose.as_deref(), Some("file:///sp/x"));
        assert!(parse::<Args>(&[]).is_err());
        assert!(parse::<Args>(&["abc", "--dispose", "x"]).is_err());
        assert_eq!(
            SavepointFormat::from(Kind::Canonical),
            SavepointFormat::Canonical
        );
    }
}
