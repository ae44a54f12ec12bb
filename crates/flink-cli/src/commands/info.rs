//! `flinkctl info JAR [ARGS…]`: the plan of a jar's program, as `flink info` shows it: upload
//! the jar, plan it (POST /jars/ID/plan), print the vertices, delete the jar.

use std::path::PathBuf;

use flink_client::UploadOptions;
use flink_client::api::jars::{DeleteJar, PostJarPlan};
use flink_client::prelude::JarProgram;

use super::run as submit;
use super::{Ctx, jars};
use crate::exit::Failure;
use crate::progress;

/// `flinkctl info`'s arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl info target/my-job.jar\n",
    "  flinkctl info -c com.example.Job -p 4 my-job.jar --input /data\n",
    "  flinkctl info my-job.jar -o json",
))]
pub(crate) struct Args {
    /// The job's jar file.
    pub(crate) jar: PathBuf,
    /// The program's arguments.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub(crate) arguments: Vec<String>,
    /// The entry class (default: the jar manifest's).
    #[arg(short = 'c', long = "class", value_name = "CLASS")]
    pub(crate) class: Option<String>,
    /// The program's default parallelism (at least 1).
    #[arg(short, long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) parallelism: Option<i64>,
}

/// Prints the plan; the uploaded jar is deleted whether planning worked or not.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let parallelism = submit::check_parallelism(args.parallelism)?;
    submit::check_jar(&args.jar)?;
    let mut options = UploadOptions::new();
    if let Some(limit) = ctx.timeout {
        options = options.timeout(limit);
    }
    let (options, bar) = progress::upload(ctx, options);
    let uploaded = ctx.client.upload_jar_with(&args.jar, options).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let jar = uploaded?.jar;
    let mut plan = PostJarPlan::new(jar.clone()).args(args.arguments.iter().cloned());
    if let Some(class) = &args.class {
        plan = plan.entry_class(class.clone());
    }
    if let Some(parallelism) = parallelism {
        plan = plan.parallelism(parallelism);
    }
    let shown = ctx.show(plan, jars::plan_rows).await;
    let deleted = ctx.json(DeleteJar { jar: jar.clone() }).await;
    shown?;
    if let Err(error) = deleted {
        ctx.info(&format!("flinkctl: deleting jar {jar} failed: {error}"));
    }
    Ok(())
}
