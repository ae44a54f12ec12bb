//! `flinkctl run JAR [ARGS…]`: upload a jar, run it, delete the jar, and (unless detached)
//! wait until every task of the job runs or the job has finished — as `flink run` does.
//! `flinkctl jars run JAR_ID [ARGS…]` does the same with a jar uploaded before, and keeps it.

use std::path::Path;

use flink_client::SubmitJar;
use flink_client::UploadOptions;
use flink_client::api::jars::{RunJar, check_run_request, is_already_submitted};
use flink_client::api::{JarId, JobId};
use flink_client::models::jars::ClaimMode;
use flink_client::models::jobs::state::JobState;
use flink_client::prelude::{JarProgram, JarRestore, JarsApi};

use super::{Ctx, verb};
use crate::exit::Failure;
use crate::progress;

/// `flinkctl run`'s arguments (the flags of `flink run`).
// The doc comments are the `--help` text.
#[allow(clippy::doc_markdown, clippy::struct_excessive_bools)]
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl run target/my-job.jar --input /data\n",
    "  flinkctl run -c com.example.Job -p 4 -D state.backend.type=rocksdb my-job.jar\n",
    "  flinkctl run -s file:///savepoints/savepoint-1 -n --claim-mode no_claim my-job.jar\n",
    "  JOB=$(flinkctl run --detached my-job.jar)\n",
    "\n",
    "flinkctl's options come before the jar: everything after the jar goes to the program.",
))]
pub(crate) struct Args {
    /// The jar and its program.
    #[command(flatten)]
    pub(crate) program: Program,
    /// Restore the job from this savepoint or retained checkpoint.
    #[arg(short = 's', long = "fromSavepoint", value_name = "PATH")]
    pub(crate) from_savepoint: Option<String>,
    /// Start although the savepoint has state no operator claims.
    #[arg(short = 'n', long = "allowNonRestoredState")]
    pub(crate) allow_non_restored_state: bool,
    /// Whether the job owns the snapshot it restores from: claim, no_claim or legacy
    /// (`--claimMode NO_CLAIM` as `flink run` spells it works too).
    // The values' own help would spread the whole help over several lines per option.
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        ignore_case = true,
        hide_possible_values = true,
        visible_alias = "claimMode",
        alias = "restoreMode"
    )]
    pub(crate) claim_mode: Option<ClaimArg>,
    /// A configuration option of the job, `key=value` (repeatable).
    #[arg(short = 'D', value_name = "KEY=VALUE")]
    pub(crate) properties: Vec<String>,
    /// Print the job id as soon as the job is submitted, without waiting for it to run.
    #[arg(short = 'd', long)]
    pub(crate) detached: bool,
}

/// `--claim-mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ClaimArg {
    /// The job owns the snapshot and may delete it.
    Claim,
    /// The job never touches the snapshot.
    #[value(name = "no_claim", alias = "no-claim")]
    NoClaim,
    /// Flink's behaviour before 1.15 (deprecated).
    Legacy,
}

impl From<ClaimArg> for ClaimMode {
    fn from(claim: ClaimArg) -> Self {
        match claim {
            ClaimArg::Claim => Self::Claim,
            ClaimArg::NoClaim => Self::NoClaim,
            ClaimArg::Legacy => Self::Legacy,
        }
    }
}

/// Splits `-D key=value`; the key must not be empty.
pub(crate) fn parse_option(text: &str) -> Result<(String, String), Failure> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_owned(), value.to_owned()))
        }
        _ => Err(Failure::InvalidInput(format!(
            "-D {text}: expected key=value, e.g. -D parallelism.default=2"
        ))),
    }
}

/// A parallelism of at least 1.
pub(crate) fn check_parallelism(parallelism: Option<i64>) -> Result<Option<i32>, Failure> {
    parallelism
        .map(|value| {
            i32::try_from(value)
                .ok()
                .filter(|value| *value >= 1)
                .ok_or_else(|| {
                    Failure::InvalidInput(format!("-p {value}: the parallelism must be at least 1"))
                })
        })
        .transpose()
}

/// Checks that `jar` is a file before anything is sent.
pub(crate) fn check_jar(jar: &Path) -> Result<(), Failure> {
    if jar.is_file() {
        Ok(())
    } else {
        Err(Failure::InvalidInput(format!(
            "{}: no such jar file",
            jar.display()
        )))
    }
}

/// The jar and its program, as `run` and `info` take them.
#[derive(Debug, clap::Args)]
pub(crate) struct Program {
    /// The job's jar file, then the program's arguments: everything after the jar goes to the
    /// program verbatim, so flinkctl's own options must come before the jar.
    // One positional, so that clap stops looking for options at the jar (as `flink run` does):
    // a trailing var arg takes everything once its first value is seen.
    #[arg(
        required = true,
        num_args = 1..,
        trailing_var_arg = true,
        value_names = ["JAR", "ARGS"]
    )]
    jar_and_arguments: Vec<String>,
    /// The entry class (default: the jar manifest's).
    #[arg(short = 'c', long = "class", value_name = "CLASS")]
    pub(crate) class: Option<String>,
    /// The job's default parallelism (at least 1).
    #[arg(short, long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) parallelism: Option<i64>,
}

impl Program {
    /// The job's jar file (clap requires it).
    pub(crate) fn jar(&self) -> &Path {
        Path::new(self.jar_text())
    }

    /// The jar as given: a file, or the id of an uploaded jar for `jars run`.
    pub(crate) fn jar_text(&self) -> &str {
        self.jar_and_arguments.first().map_or("", String::as_str)
    }

    /// The program's arguments: everything after the jar.
    pub(crate) fn arguments(&self) -> &[String] {
        self.jar_and_arguments.get(1..).unwrap_or_default()
    }

    /// Sets the entry class, arguments and parallelism on a jar request, checked first.
    pub(crate) fn apply<P: JarProgram>(&self, request: P) -> Result<P, Failure> {
        let parallelism = check_parallelism(self.parallelism)?;
        let mut request = request.args(self.arguments().iter().cloned());
        if let Some(class) = &self.class {
            request = request.entry_class(class.clone());
        }
        if let Some(parallelism) = parallelism {
            request = request.parallelism(parallelism);
        }
        Ok(request)
    }

    /// Checks the program (so that bad input sends nothing), and gives the upload options:
    /// what is left of `--timeout` and, on a terminal, a progress bar to finish after the
    /// upload.
    pub(crate) fn upload_options(
        &self,
        ctx: &Ctx,
    ) -> Result<(UploadOptions, Option<indicatif::ProgressBar>), Failure> {
        check_parallelism(self.parallelism)?;
        check_jar(self.jar())?;
        let mut options = UploadOptions::new();
        if let Some(left) = ctx.time_left() {
            options = options.timeout(left);
        }
        Ok(progress::upload(ctx, options))
    }
}

/// Sets the program and the run's options of the arguments on a jar request (a submission or
/// the run of an uploaded jar), checked first.
fn configure<R: JarRestore>(args: &Args, request: R) -> Result<R, Failure> {
    let options = args
        .properties
        .iter()
        .map(|text| parse_option(text))
        .collect::<Result<Vec<_>, _>>()?;
    let mut request = args.program.apply(request)?;
    if let Some(path) = &args.from_savepoint {
        request = request.savepoint_path(path.clone());
    }
    if args.allow_non_restored_state {
        request = request.allow_non_restored_state(true);
    }
    if let Some(mode) = args.claim_mode {
        request = request.claim_mode(mode.into());
    }
    for (key, value) in options {
        request = request.config(key, value);
    }
    Ok(request)
}

/// The submission the arguments describe, checked before anything is sent.
pub(crate) fn submission(args: &Args) -> Result<SubmitJar, Failure> {
    let submit = configure(
        args,
        SubmitJar::new(args.program.jar()).delete_jar_after(true),
    )?;
    submit.validate()?;
    Ok(submit)
}

/// The run of an uploaded jar the arguments describe (the jar's id first), with a job id chosen
/// here so that a retried run never starts a second job; checked before anything is sent.
pub(crate) fn uploaded_run(args: &Args) -> Result<(JobId, RunJar), Failure> {
    let jar: JarId = args.program.jar_text().parse()?;
    let job = JobId::generate();
    let run = configure(args, RunJar::new(jar))?.job_id(&job);
    check_run_request(&run.request, &run.jar)?;
    Ok((job, run))
}

/// Runs the jar and prints the job's id.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let submit = submission(args)?;
    let (options, bar) = args.program.upload_options(ctx)?;
    // Boxed: the upload, the run and the jar's deletion make a large future.
    let submitting = Box::pin(ctx.client.submit_jar(submit.upload_options(options)));
    let submitted = ctx.call(submitting).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let submitted = submitted?;
    if let Some(error) = &submitted.delete_error {
        ctx.info(&format!(
            "flinkctl: the job runs, but deleting jar {} failed: {error}",
            submitted.jar
        ));
    }
    started(ctx, &submitted.job, args.detached).await
}

/// Runs an uploaded jar (`jars run`), which stays uploaded, and prints the job's id.
pub(crate) async fn run_uploaded(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let (chosen, run) = uploaded_run(args)?;
    let running = async {
        match ctx.client.run_jar(run).await {
            Ok(response) => Ok(response.jobid.parse::<JobId>()?),
            // A retry of the run after a lost answer: the first attempt started the job.
            Err(error) if is_already_submitted(&error) => Ok(chosen),
            Err(error) => Err(Failure::from(error)),
        }
    };
    let job = ctx.within(running).await?;
    started(ctx, &job, args.detached).await
}

/// Unless `detached`, waits until every task of the submitted `job` runs or the job has
/// finished; then prints the job's id.
async fn started(ctx: &Ctx, job: &JobId, detached: bool) -> Result<(), Failure> {
    if !detached {
        let deadline = verb::deadline(ctx, None);
        // A bounded job may finish before all its tasks are seen running: that is success.
        let waiting = ctx
            .client
            .wait_until_all_tasks_running_or_finished(job, deadline);
        let details =
            progress::spin(ctx, &format!("waiting for job {job} to run"), waiting).await?;
        let state = if details.state == JobState::Finished {
            "has finished"
        } else {
            "is running"
        };
        ctx.info(&format!("flinkctl: job {job} {state}"));
    }
    verb::print(
        ctx,
        job.as_str(),
        &serde_json::json!({ "jobid": job.as_str() }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing;

    fn parse(args: &[&str]) -> Args {
        testing::parse::<Args>(args).unwrap()
    }

    #[test]
    fn the_claim_mode_as_flink_run_spells_it() {
        for spelling in [
            ["--claim-mode", "no_claim"],
            ["--claimMode", "NO_CLAIM"],
            ["--restoreMode", "No_Claim"],
            ["--claim-mode", "no-claim"],
        ] {
            let args = parse(&[spelling[0], spelling[1], "job.jar"]);
            assert_eq!(args.claim_mode, Some(ClaimArg::NoClaim), "{spelling:?}");
        }
        assert_eq!(
            parse(&["--claimMode", "CLAIM", "job.jar"]).claim_mode,
            Some(ClaimArg::Claim)
        );
    }

    #[test]
    fn the_flags_of_flink_run() {
        let args = parse(&[
            "-c",
            "a.B",
            "-p",
            "3",
            "-s",
            "file:///sp",
            "-n",
            "--claim-mode",
            "no_claim",
            "-D",
            "a=1",
            "-D",
            "b=x=y",
            "--detached",
            "job.jar",
            "--rate",
            "10",
        ]);
        assert_eq!(args.program.class.as_deref(), Some("a.B"));
        assert_eq!(args.program.parallelism, Some(3));
        assert_eq!(args.from_savepoint.as_deref(), Some("file:///sp"));
        assert!(args.allow_non_restored_state && args.detached);
        assert_eq!(args.claim_mode, Some(ClaimArg::NoClaim));
        assert_eq!(args.properties, ["a=1", "b=x=y"]);
        assert_eq!(args.program.jar(), Path::new("job.jar"));
        assert_eq!(args.program.arguments(), ["--rate", "10"]);
        assert!(submission(&args).is_ok());
    }

    #[test]
    fn everything_after_the_jar_goes_to_the_program_verbatim() {
        let args = parse(&[
            "-d",
            "job.jar",
            "-p",
            "1",
            "--name",
            "x",
            "-s",
            "/some/input",
            "-d",
            "--",
            "-c",
        ]);
        assert_eq!(args.program.jar(), Path::new("job.jar"));
        assert_eq!(
            args.program.arguments(),
            [
                "-p",
                "1",
                "--name",
                "x",
                "-s",
                "/some/input",
                "-d",
                "--",
                "-c"
            ]
        );
        assert!(args.detached);
        assert_eq!(args.program.parallelism, None);
        assert_eq!(args.from_savepoint, None);
        assert_eq!(args.program.class, None);
    }

    #[test]
    fn options_before_the_jar_are_flinkctls() {
        let args = parse(&["-p", "2", "-s", "file:///sp", "job.jar"]);
        assert_eq!(args.program.parallelism, Some(2));
        assert_eq!(args.from_savepoint.as_deref(), Some("file:///sp"));
        assert_eq!(args.program.jar(), Path::new("job.jar"));
        assert!(args.program.arguments().is_empty());
        let unknown = testing::parse::<Args>(&["--no-such-option", "job.jar"]).unwrap_err();
        assert_eq!(unknown.kind(), clap::error::ErrorKind::UnknownArgument);
        let missing = testing::parse::<Args>(&["-p", "2"]).unwrap_err();
        assert_eq!(
            missing.kind(),
            clap::error::ErrorKind::MissingRequiredArgument
        );
    }

    /// `flinkctl jars run ARGS…`'s arguments.
    fn parse_jars_run(args: &[&str]) -> Result<Args, clap::Error> {
        let line = ["flinkctl", "jars", "run"]
            .into_iter()
            .chain(args.iter().copied());
        match <crate::cli::Cli as clap::Parser>::try_parse_from(line)?.command {
            crate::cli::Command::Jars(super::super::jars::Command::Run(args)) => Ok(args),
            other => panic!("not jars run: {other:?}"),
        }
    }

    #[test]
    fn an_uploaded_jar_runs_with_the_flags_of_run() {
        let args = parse_jars_run(&[
            "-c",
            "a.B",
            "-p",
            "2",
            "-s",
            "file:///sp",
            "-n",
            "--claimMode",
            "NO_CLAIM",
            "-D",
            "k=v",
            "-d",
            "8e5e_job.jar",
            "-p",
            "9",
            "--name",
            "x",
        ])
        .unwrap();
        assert!(args.detached);
        let (job, run) = uploaded_run(&args).unwrap();
        assert_eq!(run.jar.as_str(), "8e5e_job.jar");
        let program = &run.request.program;
        assert_eq!(program.job_id.as_deref(), Some(job.as_str()));
        assert_eq!(program.entry_class.as_deref(), Some("a.B"));
        assert_eq!(program.parallelism, Some(2));
        assert_eq!(
            program.program_args_list.as_deref(),
            Some(
                &[
                    "-p".to_owned(),
                    "9".to_owned(),
                    "--name".to_owned(),
                    "x".to_owned()
                ][..]
            )
        );
        assert_eq!(
            program
                .flink_configuration
                .as_ref()
                .and_then(|c| c.get("k")),
            Some(&"v".to_owned())
        );
        assert_eq!(run.request.savepoint_path.as_deref(), Some("file:///sp"));
        assert_eq!(run.request.allow_non_restored_state, Some(true));
        assert_eq!(run.request.claim_mode, Some(ClaimMode::NoClaim));
        // Each run gets a job id of its own.
        assert_ne!(uploaded_run(&args).unwrap().0, job);
    }

    #[test]
    fn a_bad_uploaded_run_is_refused_before_sending() {
        for bad in [
            &["../x.jar"][..],
            &["-p", "0", "a.jar"],
            &["-D", "oops", "a.jar"],
        ] {
            let args = parse_jars_run(bad).unwrap();
            let failure = uploaded_run(&args).unwrap_err();
            assert_eq!(
                crate::exit::code(&failure),
                crate::exit::INVALID_INPUT,
                "{bad:?}"
            );
        }
        let missing = parse_jars_run(&["-d"]).unwrap_err();
        assert_eq!(
            missing.kind(),
            clap::error::ErrorKind::MissingRequiredArgument
        );
        let help = parse_jars_run(&["--help"]).unwrap_err().to_string();
        assert!(help.contains("<JAR_ID> [ARGS]..."), "{help}");
    }

    #[test]
    fn bad_input_is_refused_before_sending() {
        assert_eq!(parse_option("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert_eq!(parse_option("k=").unwrap(), ("k".into(), String::new()));
        for bad in ["novalue", "=x", " =x"] {
            assert!(
                matches!(parse_option(bad), Err(Failure::InvalidInput(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            check_parallelism(Some(0)),
            Err(Failure::InvalidInput(_))
        ));
        assert!(matches!(
            check_parallelism(Some(-2)),
            Err(Failure::InvalidInput(_))
        ));
        assert_eq!(check_parallelism(Some(2)).unwrap(), Some(2));
        assert!(submission(&parse(&["-p", "0", "x.jar"])).is_err());
        assert!(submission(&parse(&["-D", "oops", "x.jar"])).is_err());
        assert!(check_jar(Path::new("/no/such.jar")).is_err());
    }
}
