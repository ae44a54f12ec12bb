//! `flinkctl jars …`: uploaded jars: list, upload, run, delete, plan.

use std::path::PathBuf;

use clap::Subcommand;
use flink_client::UploadOptions;
use flink_client::api::jars::{DeleteJar, ListJars, PostJarPlan};
use flink_client::api::{JarId, JarProgram};
use flink_client::models::jars::JarList;
use flink_client::models::jobs::plan::JobPlanInfo;

use super::{Ctx, encode, verb};
use crate::exit::Failure;
use crate::output::{Rows, timestamp};

/// The jars' subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// The uploaded jars (GET /jars).
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  flinkctl jars list\n  flinkctl jars list -o json"
    )]
    List,
    /// Upload a jar (streamed) and print its id.
    #[command(
        after_help = "Examples:\n  JAR=$(flinkctl jars upload target/my-job.jar)\n  flinkctl jars upload my-job.jar -o json"
    )]
    Upload {
        /// The jar file.
        path: PathBuf,
    },
    /// Run an uploaded jar as `flinkctl run` does (POST /jars/ID/run); the jar stays.
    #[command(
        mut_arg("jar_and_arguments", |arg| arg
            .value_names(["JAR_ID", "ARGS"])
            .help("The uploaded jar's id (as `jars list` shows it), then the program's arguments: everything after it goes to the program verbatim")),
        after_help = concat!(
            "Examples:\n",
            "  flinkctl jars run 8e5e…_my-job.jar --input /data\n",
            "  flinkctl jars run -c com.example.Job -p 4 -D state.backend.type=rocksdb 8e5e…_my-job.jar\n",
            "  JOB=$(flinkctl jars run --detached \"$(flinkctl jars upload my-job.jar)\")\n",
            "\n",
            "flinkctl's options come before the jar id: everything after it goes to the program.",
        )
    )]
    Run(super::run::Args),
    /// Delete an uploaded jar.
    #[command(
        visible_alias = "rm",
        after_help = "Examples:\n  flinkctl jars delete 8e5e…_my-job.jar"
    )]
    Delete {
        /// The jar's id, as `upload` printed it or `list` shows it.
        id: String,
    },
    /// The plan of a jar's program (POST /jars/ID/plan), without running it.
    #[command(
        after_help = "Examples:\n  flinkctl jars plan 8e5e…_my-job.jar\n  flinkctl jars plan 8e5e…_my-job.jar --class com.example.Job -p 4 -- --input /data"
    )]
    Plan {
        /// The jar's id.
        id: String,
        /// The entry class (default: the jar manifest's).
        #[arg(short = 'c', long = "class", value_name = "CLASS")]
        class: Option<String>,
        /// The program's default parallelism.
        #[arg(short, long, value_name = "N")]
        parallelism: Option<i32>,
        /// The program's arguments.
        #[arg(last = true)]
        args: Vec<String>,
    },
}

/// Runs a jars subcommand.
pub(crate) async fn run(ctx: &Ctx, command: &Command) -> Result<(), Failure> {
    match command {
        Command::List => ctx.show(ListJars, list_rows).await,
        Command::Upload { path } => upload(ctx, path).await,
        Command::Run(args) => super::run::run_uploaded(ctx, args).await,
        Command::Delete { id } => {
            let jar: JarId = id.parse()?;
            let json = ctx.json(DeleteJar { jar: jar.clone() }).await?;
            verb::print_named(ctx, &format!("deleted {jar}"), jar.as_str(), &json)
        }
        Command::Plan {
            id,
            class,
            parallelism,
            args,
        } => {
            let mut plan = PostJarPlan::new(id.parse()?).args(args.iter().cloned());
            if let Some(class) = class {
                plan = plan.entry_class(class.clone());
            }
            if let Some(parallelism) = parallelism {
                plan = plan.parallelism(*parallelism);
            }
            ctx.show(plan, plan_rows).await
        }
    }
}

async fn upload(ctx: &Ctx, path: &PathBuf) -> Result<(), Failure> {
    let mut options = UploadOptions::new();
    if let Some(left) = ctx.time_left() {
        options = options.timeout(left);
    }
    let uploaded = ctx.call(ctx.client.upload_jar_with(path, options)).await?;
    ctx.info(&format!(
        "flinkctl: uploaded {} ({} bytes)",
        path.display(),
        uploaded.bytes
    ));
    // The model keeps every field of Flink's answer, so this is what the server sent.
    let json = encode(&uploaded.response)?;
    verb::print(ctx, uploaded.jar.as_str(), &json)
}

fn list_rows(list: JarList) -> Rows {
    let mut rows = Rows::new(&["ID", "NAME", "UPLOADED", "ENTRY CLASS"]).wide(&["ENTRY CLASSES"]);
    for jar in list.files {
        let entries: Vec<String> = jar.entry.into_iter().map(|entry| entry.name).collect();
        rows.push([
            jar.id,
            jar.name,
            timestamp(jar.uploaded),
            entries.first().cloned().unwrap_or_else(|| "-".to_owned()),
            entries.join(", "),
        ]);
    }
    rows
}

/// One row per vertex of the plan, sources first as Flink lists them.
pub(crate) fn plan_rows(info: JobPlanInfo) -> Rows {
    let mut rows = Rows::new(&["VERTEX", "PARALLELISM", "OPERATOR"]).wide(&["INPUTS"]);
    for node in info.plan.map(|plan| plan.nodes).unwrap_or_default() {
        let inputs: Vec<String> = node
            .inputs
            .iter()
            .map(|input| format!("{} ({})", input.id, input.exchange))
            .collect();
        // Flink 2 leaves `operator` empty; the description names the operators then.
        let operator = if node.operator.is_empty() {
            node.description.replace("<br/>", " ").replace('\n', " ")
        } else {
            node.operator
        };
        rows.push([
            node.id,
            node.parallelism.to_string(),
            operator.trim().to_owned(),
            inputs.join(", "),
        ]);
    }
    rows
}
