//! `flinkctl`: the command line for operating Apache Flink through its REST API, without a JVM.
//!
//! Built on `flink-client` only. `--output json|yaml` prints exactly what the server sent;
//! the exit codes are documented in [`exit`] and in `flinkctl --help`.

// flinkctl is a terminal program: printing is its job.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod cli;
mod commands;
mod config;
mod exit;
mod logging;
mod output;
mod progress;
mod render;

use std::error::Error as _;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::FromArgMatches;

use crate::cli::Cli;
use crate::exit::Failure;

fn main() -> ExitCode {
    // Usage errors exit with 2, `--help` and `--version` with 0 (clap's own codes).
    let mut matches = cli::command().get_matches();
    // `_mut` takes the values out of the matches instead of copying them all first.
    let cli = Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|error| error.exit());
    let color = output::color_allowed(cli.global.no_color) && std::io::stderr().is_terminal();
    logging::init(cli.global.verbose, cli.global.quiet, color);
    // One thread: a command's requests go one after another (key reading in `top` and progress
    // bars have threads of their own), and worker threads cost their start and a wake-up
    // across threads per event, a fifth of `flinkctl overview`'s wall time.
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::io("starting the async runtime"))
        .and_then(|runtime| runtime.block_on(commands::run(&cli)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.is_broken_pipe() {
                report(&failure, cli.global.verbose, color);
            }
            ExitCode::from(exit::code(&failure))
        }
    }
}

/// Prints a failure and its causes on standard error; with `-v`, Flink's whole error text.
fn report(failure: &Failure, verbose: u8, color: bool) {
    let prefix = if color {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    eprintln!("{prefix} {failure}");
    let mut source = failure.source();
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
    if let Failure::Api(error) = failure {
        if verbose > 0 {
            for text in error.flink_errors() {
                eprintln!("{text}");
            }
        } else if error
            .flink_errors()
            .iter()
            .any(|text| text.contains("\tat "))
        {
            eprintln!("  (-v shows Flink's whole error, stack trace included)");
        }
    }
}
