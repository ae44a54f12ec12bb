//! `cargo xtask testjob`: the test job's jar, compiled with `javac` against a cached Flink, and
//! its serialized job graph for `POST /jobs`, written by the Flink version that will read it.
//!
//! The jar holds Java 11 bytecode (`--release 11`), which every tested cluster runs: 1.18 and
//! later on Java 17, 1.15 to 1.17 on Java 11. Java 8 bytecode (`--release 8`) cannot be
//! compiled against Flink 2.x, whose classes are Java 11's; a cluster on Java 8 (which 1.15 to
//! 1.17 allow) would need a jar built with `--release 8` against a 1.x distribution.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::flink::{dist, java};
use crate::paths::workspace_root;
use crate::tools::{jdk_tool, run_checked};

/// Arguments of `cargo xtask testjob`.
#[derive(Args)]
pub(crate) struct TestjobArgs {
    /// The Flink version to compile against (the jar runs on 1.15 to 2.x alike).
    #[arg(long, default_value = "2.3.0")]
    version: String,
    /// Also write the job's serialized job graph for this Flink version (a fresh job id each
    /// time) to `target/testjob/job-graph-VERSION.bin`, and print its path.
    #[arg(long, value_name = "VERSION")]
    job_graph: Option<String>,
}

pub(crate) fn run(args: &TestjobArgs) -> Result<()> {
    let jar = build(&args.version)?;
    println!("{}", jar.display());
    if let Some(version) = &args.job_graph {
        let out = job_graph_path(version);
        let job = write_job_graph(version, &jar, &out)?;
        eprintln!("xtask: job graph of job {job} for Flink {version}");
        println!("{}", out.display());
    }
    Ok(())
}

/// Where `cargo xtask testjob --job-graph VERSION` writes the job graph of `version`.
pub(crate) fn job_graph_path(version: &str) -> PathBuf {
    workspace_root().join(format!("target/testjob/job-graph-{version}.bin"))
}

/// Writes the test job's compiled `JobGraph` (default arguments: runs until cancelled) to
/// `out`, Java-serialized by Flink `version` as `POST /jobs` on that version reads it, and
/// returns the id of the job inside (a fresh random id on every call, so a graph can be
/// submitted once per cluster).
///
/// Runs `java -cp <version's lib/*>:<jar> flinklocal.TestJob --write-job-graph OUT`. The
/// serialized form differs between Flink versions, so write one graph per version under test.
pub(crate) fn write_job_graph(version: &str, jar: &Path, out: &Path) -> Result<String> {
    let home = dist::ensure(version)?;
    // The Java the cluster runs on: Flink before 1.18 does not run on Java 17.
    let java = java::tool_for(version, "java")?;
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir)?;
    }
    // Only the serialization runs here, no job: it needs none of the `--add-opens` flags the
    // cluster's processes get.
    let output = run_checked(
        Command::new(java)
            .arg("-cp")
            .arg(format!("{}/lib/*:{}", home.display(), jar.display()))
            .arg("flinklocal.TestJob")
            .arg("--write-job-graph")
            .arg(out),
        &format!("writing the test job's job graph for Flink {version}"),
    )?;
    let job = String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if job.len() != 32 || !out.is_file() {
        bail!(
            "the test job did not write a job graph to {} (it printed {job:?}); rebuild it with `cargo xtask testjob`",
            out.display()
        );
    }
    Ok(job)
}

/// Builds `target/testjob/flink-rs-testjob.jar` unless it is newer than every source file.
pub(crate) fn build(version: &str) -> Result<PathBuf> {
    let root = workspace_root();
    let sources = root.join("testjob/src");
    let out = root.join("target/testjob");
    let jar = out.join("flink-rs-testjob.jar");
    let java_files = java_sources(&sources)?;
    if is_up_to_date(&jar, &java_files) {
        return Ok(jar);
    }
    let javac = jdk_tool("javac")?;
    let jar_tool = jdk_tool("jar")?;
    let home = dist::ensure(version)?;
    let classes = out.join("classes");
    if classes.exists() {
        fs::remove_dir_all(&classes)?;
    }
    fs::create_dir_all(&classes)?;
    // --release 11: the oldest Java that Flink 2.x's classes allow, and the one 1.15-1.17 run on.
    run_checked(
        Command::new(javac)
            .args(["-nowarn", "--release", "11", "-cp"])
            .arg(dist::dist_jar(&home)?)
            .arg("-d")
            .arg(&classes)
            .args(&java_files),
        "javac (the test job)",
    )?;
    let manifest = out.join("manifest.txt");
    fs::write(&manifest, "Main-Class: flinklocal.TestJob\n")?;
    run_checked(
        Command::new(jar_tool)
            .arg("--create")
            .arg("--file")
            .arg(&jar)
            .arg("--manifest")
            .arg(&manifest)
            .arg("-C")
            .arg(&classes)
            .arg("."),
        "jar (the test job)",
    )?;
    eprintln!("xtask: built {}", jar.display());
    Ok(jar)
}

fn java_sources(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in
        fs::read_dir(dir).with_context(|| format!("no test job sources in {}", dir.display()))?
    {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(java_sources(&path)?);
        } else if path.extension().is_some_and(|e| e == "java") {
            found.push(path);
        }
    }
    Ok(found)
}

fn is_up_to_date(jar: &Path, sources: &[PathBuf]) -> bool {
    let modified = |path: &Path| fs::metadata(path).and_then(|m| m.modified()).ok();
    let Some(built) = modified(jar) else {
        return false;
    };
    sources
        .iter()
        .all(|source| modified(source).is_some_and(|m: SystemTime| m <= built))
}
