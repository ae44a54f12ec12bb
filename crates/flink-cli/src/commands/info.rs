//! `flinkctl info JAR [ARGS…]`: the plan of a jar's program, as `flink info` shows it: upload
//! the jar, plan it (POST /jars/ID/plan), print the vertices, delete the jar.

use flink_client::api::jars::{DeleteJar, PostJarPlan};

use super::run::Program;
use super::{Ctx, jars};
use crate::exit::Failure;

/// `flinkctl info`'s arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl info target/my-job.jar\n",
    "  flinkctl info -c com.example.Job -p 4 my-job.jar --input /data\n",
    "  flinkctl info -o json my-job.jar\n",
    "\n",
    "flinkctl's options come before the jar: everything after the jar goes to the program.",
))]
pub(crate) struct Args {
    /// The jar and its program.
    #[command(flatten)]
    pub(crate) program: Program,
}

/// Prints the plan; the uploaded jar is deleted whether planning worked or not.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let program = &args.program;
    let (options, bar) = program.upload_options(ctx)?;
    let uploaded = ctx.client.upload_jar_with(program.jar(), options).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let jar = uploaded?.jar;
    let plan = program.apply(PostJarPlan::new(jar.clone()))?;
    let shown = ctx.show(plan, jars::plan_rows).await;
    let deleted = ctx.json(DeleteJar { jar: jar.clone() }).await;
    shown?;
    if let Err(error) = deleted {
        ctx.info(&format!("flinkctl: deleting jar {jar} failed: {error}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::commands::testing::parse;

    #[test]
    fn everything_after_the_jar_goes_to_the_program_verbatim() {
        let args = parse::<Args>(&["-c", "a.B", "job.jar", "-p", "2", "-c", "x"]).unwrap();
        assert_eq!(args.program.class.as_deref(), Some("a.B"));
        assert_eq!(args.program.parallelism, None);
        assert_eq!(args.program.jar(), Path::new("job.jar"));
        assert_eq!(args.program.arguments(), ["-p", "2", "-c", "x"]);
    }
}
