//! `cargo xtask fuzz [TARGET] [--time SECS]`: the fuzz targets of `fuzz/` (cargo-fuzz with
//! libFuzzer), each for a while, seeded with the recorded Flink answers.
//!
//! Works on the stable toolchain: the targets are built without a sanitizer (`--sanitizer none`;
//! cargo-fuzz's default, the address sanitizer, needs nightly's `-Z` flags, and the code it fuzzes has
//! no `unsafe`), while libFuzzer's coverage instrumentation needs only stable `-C` flags.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::paths::workspace_root;
use crate::tools::program;

/// The targets of `fuzz/fuzz_targets/`.
const TARGETS: [&str; 2] = ["decode", "error_envelope"];

/// `cargo xtask fuzz` options.
#[derive(clap::Args)]
pub(crate) struct FuzzArgs {
    /// One target (`decode`, `error_envelope`); all of them when left out.
    target: Option<String>,
    /// How long to fuzz each target, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    time: u64,
}

pub(crate) fn run(args: &FuzzArgs) -> Result<()> {
    let targets: Vec<&str> = match args.target.as_deref() {
        None => TARGETS.to_vec(),
        Some(name) if TARGETS.contains(&name) => vec![name],
        Some(other) => bail!("no fuzz target `{other}`; the targets are {TARGETS:?}"),
    };
    program(
        "cargo-fuzz",
        "install it with `cargo install cargo-fuzz` (it runs on the stable toolchain)",
    )?;
    let root = workspace_root();
    for target in targets {
        let seeds = write_seeds(&root, target)?;
        let corpus = root.join("fuzz/corpus").join(target);
        fs::create_dir_all(&corpus).with_context(|| format!("creating {}", corpus.display()))?;
        let log = root.join("target/fuzz").join(format!("{target}.log"));
        eprintln!(
            "xtask: fuzzing `{target}` for {} s (log: {})",
            args.time,
            log.display()
        );
        let succeeded = fuzz(&root, target, &corpus, &seeds, args.time, &log)?;
        let text = fs::read_to_string(&log).unwrap_or_default();
        if !succeeded {
            let tail: Vec<&str> = text.lines().rev().take(60).collect();
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
            bail!(
                "fuzz target `{target}` found a failure; the input is in fuzz/artifacts/{target}/"
            );
        }
        for line in text
            .lines()
            .filter(|line| line.contains("DONE ") || line.starts_with("stat::"))
        {
            println!("{target}: {line}");
        }
    }
    Ok(())
}

/// Runs one target for `seconds`, its output in `log`; whether it found nothing.
fn fuzz(
    root: &Path,
    target: &str,
    corpus: &Path,
    seeds: &Path,
    seconds: u64,
    log: &Path,
) -> Result<bool> {
    let output = fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(root)
        .args([
            "fuzz",
            "run",
            "--fuzz-dir",
            "fuzz",
            "--sanitizer",
            "none",
            target,
        ])
        .arg(corpus)
        .arg(seeds)
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-max_len=65536",
            "-print_final_stats=1",
        ])
        .stdout(Stdio::from(output.try_clone()?))
        .stderr(Stdio::from(output))
        .status()
        .context("could not start `cargo fuzz`")?;
    Ok(status.success())
}

/// Writes the seeds of `target` into `target/fuzz/seeds/TARGET` (anew each run) and returns
/// the folder: the models' recorded answers for `decode` (each behind every first byte, which
/// picks the model), Flink's error envelopes and a proxy's page for `error_envelope`.
fn write_seeds(root: &Path, target: &str) -> Result<PathBuf> {
    let dir = root.join("target/fuzz/seeds").join(target);
    if dir.exists() {
        fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    if target == "decode" {
        for answer in recorded_answers(root)? {
            seeds.extend((0..=u8::MAX).map(|first| [&[first][..], &answer].concat()));
        }
    } else {
        // Status 404, 500, 503 and 413 (offsets from 400), as JSON, HTML and without a type.
        let bodies: [&[u8]; 3] = [
            br#"{"errors":["org.apache.flink.runtime.rest.NotFoundException: Job x not found"]}"#,
            br#"{"errors":["Internal server error.","<Exception on server side:\nCaused by: X>"],"request-id":"7f3a"}"#,
            b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        ];
        for (code, kind) in [(4u8, 1u8), (100, 1), (103, 0), (13, 2)] {
            seeds.extend(bodies.iter().map(|body| [&[code, kind][..], body].concat()));
        }
    }
    for (index, seed) in seeds.iter().enumerate() {
        fs::write(dir.join(index.to_string()), seed)?;
    }
    Ok(dir)
}

/// The recorded Flink answers of the model and endpoint tests.
fn recorded_answers(root: &Path) -> Result<Vec<Vec<u8>>> {
    let mut answers = Vec::new();
    let fixtures = root.join("crates/flink-models/tests/fixtures");
    let mut dirs = vec![fixtures, root.join("crates/flink-api/tests/fixtures")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                answers.push(fs::read(&path)?);
            }
        }
    }
    Ok(answers)
}
