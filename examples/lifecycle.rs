//! A job's whole life through the REST API: upload a jar, run it, savepoint it, stop it with a
//! savepoint, resume it from there, cancel it, and clean up.
//!
//! `cargo xtask demo` runs it against a local cluster with the project's test job. Against your
//! own cluster: `FLINK_REST_URL=http://host:8081 FLINK_DEMO_JAR=path/to/job.jar
//! cargo run -p flink-examples --example lifecycle` (set `FLINK_DEMO_ENTRY_CLASS` when the
//! jar's manifest names none).

// An example is a terminal program: printing is its job.
#![allow(clippy::print_stdout)]

use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use flink_client::prelude::*;

/// How long any one step may take before the example gives up.
const STEP_LIMIT: Duration = Duration::from_secs(120);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = FlinkClient::from_env()?;
    let jar_path = std::env::var("FLINK_DEMO_JAR")
        .map_err(|_| "set FLINK_DEMO_JAR to the jar to run (`cargo xtask demo` does)")?;
    let entry_class = std::env::var("FLINK_DEMO_ENTRY_CLASS").ok();
    let started = Instant::now();

    let version = step("ask the server's version", client.server_version()).await?;
    println!("    Flink {version}");

    let progress: UploadProgress = Arc::new(|sent, total| {
        print!("\r    uploaded {sent} of {total} bytes");
        let _ = std::io::stdout().flush();
    });
    let uploaded = step(
        "upload the jar (streamed)",
        client.upload_jar_with(&jar_path, UploadOptions::new().progress(progress)),
    )
    .await?;
    println!("\n    jar id {}", uploaded.jar);

    let run = |savepoint: Option<&SavepointLocation>| {
        run_request(&uploaded.jar, entry_class.as_deref(), savepoint)
    };
    let job: JobId = step(
        "run it with a job id chosen here",
        client.run_jar(run(None)),
    )
    .await?
    .jobid
    .parse()?;
    println!("    job {job}");
    step(
        "wait until all its tasks run",
        client.wait_until_all_tasks_running(&job, STEP_LIMIT),
    )
    .await?;

    let savepoint = step("trigger a savepoint and wait for it", async {
        client
            .trigger_savepoint(job.clone(), SavepointOptions::new())
            .await?
            .wait(STEP_LIMIT)
            .await
    })
    .await?;
    println!("    savepoint at {savepoint}");

    let final_savepoint = step("stop the job with a savepoint", async {
        client
            .stop_with_savepoint(job.clone(), StopOptions::new())
            .await?
            .wait(STEP_LIMIT)
            .await
    })
    .await?;
    let state = step(
        "wait until it has stopped",
        client.wait_for_job_state(&job, &[JobState::Finished], STEP_LIMIT),
    )
    .await?;
    println!("    job {job} is {state}; its savepoint is at {final_savepoint}");

    let resumed: JobId = step(
        "resume it from that savepoint",
        client.run_jar(run(Some(&final_savepoint))),
    )
    .await?
    .jobid
    .parse()?;
    step(
        "wait until the resumed job runs",
        client.wait_until_all_tasks_running(&resumed, STEP_LIMIT),
    )
    .await?;
    let details = client.checkpoints(resumed.clone()).await?;
    println!(
        "    job {resumed} restored from {}",
        details
            .latest
            .restored
            .value()
            .and_then(|restored| restored.external_path.as_deref())
            .unwrap_or("(not reported yet)")
    );

    step("cancel it", client.cancel_job(resumed.clone())).await?;
    let state = step(
        "wait until it is cancelled",
        client.wait_for_job_state(&resumed, &[JobState::Canceled], STEP_LIMIT),
    )
    .await?;
    println!("    job {resumed} is {state}");

    clean_up(&client, &uploaded.jar, [savepoint, final_savepoint]).await?;
    println!(
        "the whole lifecycle took {:.1}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The run of the uploaded jar, with a job id chosen here, optionally from a savepoint.
fn run_request(
    jar: &JarId,
    entry_class: Option<&str>,
    savepoint: Option<&SavepointLocation>,
) -> RunJar {
    let mut run = RunJar::new(jar.clone())
        .args(["--rate", "20", "--name", "flink-rs-demo"])
        .parallelism(1)
        .job_id(&JobId::generate());
    if let Some(class) = entry_class {
        run = run.entry_class(class);
    }
    if let Some(savepoint) = savepoint {
        run = run.savepoint_path(savepoint.as_str());
    }
    run
}

/// Deletes the jar and disposes of the savepoints.
async fn clean_up(
    client: &FlinkClient,
    jar: &JarId,
    savepoints: [SavepointLocation; 2],
) -> Result<(), ApiError> {
    step("delete the jar", client.delete_jar(jar.clone())).await?;
    for location in savepoints {
        step(&format!("dispose of {location}"), async {
            client
                .dispose_savepoint(location.clone())
                .await?
                .wait(STEP_LIMIT)
                .await
        })
        .await?;
    }
    Ok(())
}

/// Runs one step, printing what it does and how long it took.
async fn step<T, E>(what: &str, future: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    println!("==> {what}");
    let begin = Instant::now();
    let result = future.await;
    let outcome = if result.is_ok() { "done" } else { "FAILED" };
    println!(
        "    {outcome} in {:.0} ms",
        begin.elapsed().as_secs_f64() * 1000.0
    );
    result
}
