//! `cargo xtask`: maintainer workflows of flink-rs.
//!
//! - `flink up|down|status`: real Flink clusters on loopback, from PyPI, with plain `java`;
//! - `testjob`: the test job's jar;
//! - `test`: everything CI runs (the README's test command); `ci` is the same;
//! - `docs`: rustdoc as docs.rs builds it, the doc tests, and the links of the Markdown files;
//! - `demo`: a local Flink and the quick-start example against it;
//! - `fixtures`: real Flink answers recorded as the model tests' fixtures;
//! - `compat`: the live tests against every supported Flink version, as a table;
//! - `bench`: flink-rs side by side with a bare hyper client and curl, checked on ratios;
//! - `fuzz`: the fuzz targets of the response decoders (cargo-fuzz);
//! - `man`: flinkctl's man pages, from its clap definitions;
//! - `release`: a release prepared and checked, with the commands that publish it.

// xtask is a terminal program: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod compat;
mod demo;
mod docs;
mod fixtures;
mod flink;
mod fuzz;
mod links;
mod man;
mod optional;
mod paths;
mod release;
mod test;
mod testjob;
mod tools;

use clap::{Parser, Subcommand};

/// Maintainer workflows of flink-rs.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start, stop or inspect local Flink clusters.
    #[command(subcommand)]
    Flink(flink::FlinkCommand),
    /// Build the test job's jar and print its path.
    Testjob(testjob::TestjobArgs),
    /// Run everything CI runs: fmt, clippy, cargo-deny, MSRV, unit and doc tests, live tests.
    Test(test::TestArgs),
    /// Check the docs: rustdoc as docs.rs builds it, the doc tests, the Markdown files' links.
    Docs,
    /// What CI runs (.ci/run): the same as `test`; cargo-deny and the MSRV check run when
    /// cargo-deny and the MSRV toolchain are installed, and say "skipped" otherwise.
    Ci(test::TestArgs),
    /// Start a local Flink, run the quick-start example against it, stop Flink.
    Demo(demo::DemoArgs),
    /// Record real Flink answers as the model tests' JSON fixtures.
    Fixtures(fixtures::FixturesArgs),
    /// Run the live tests against every supported Flink version; table in target/compat.md.
    Compat(compat::CompatArgs),
    /// Run the side-by-side benchmark (flink-rs, a bare hyper client, curl) and check its ratios.
    Bench(bench::BenchArgs),
    /// Fuzz the response decoders (cargo-fuzz, libFuzzer), each target for a while.
    Fuzz(fuzz::FuzzArgs),
    /// Write flinkctl's man pages (flinkctl.1 and one per subcommand) to target/man.
    Man(man::ManArgs),
    /// Bump the version, date the CHANGELOG, run every check, build flinkctl's man pages and
    /// completions, and print the tag and publish commands (--dry-run: on a copy).
    Release(release::ReleaseArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Flink(command) => flink::run(command),
        Command::Testjob(args) => testjob::run(&args),
        Command::Test(args) | Command::Ci(args) => test::run(&args),
        Command::Docs => docs::run(),
        Command::Demo(args) => demo::run(&args),
        Command::Fixtures(args) => fixtures::run(&args),
        Command::Compat(args) => compat::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Fuzz(args) => fuzz::run(&args),
        Command::Man(args) => man::run(&args),
        Command::Release(args) => release::run(&args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
