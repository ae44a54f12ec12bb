//! The library's tracing reaches flinkctl's standard error: warnings by default, requests with
//! `-vv`, as `RUST_LOG` says when it is set; nothing with `-q`.

mod common;

use std::process::{Command, Output};

use common::command;
use common::fault_proxy::Standalone;
use flink_fault_proxy::{Answer, Fault, Route, Rule};
use http::{Method, StatusCode};

fn stderr_of(command: &mut Command) -> String {
    let Output { stderr, .. } = command.output().expect("flinkctl runs");
    String::from_utf8_lossy(&stderr).into_owned()
}

/// flinkctl with TLS verification turned off, against a port where nothing listens.
fn insecure(extra: &[&str]) -> Command {
    let mut args = vec!["--url", "https://127.0.0.1:1", "--timeout", "2s"];
    args.extend_from_slice(extra);
    args.push("overview");
    let mut flinkctl = command(&args);
    flinkctl
        .env_remove("FLINK_REST_URL")
        .env_remove("RUST_LOG")
        .env("FLINK_TLS_INSECURE", "true");
    flinkctl
}

#[test]
fn library_warnings_are_shown_by_default_and_hidden_by_quiet() {
    let warned = stderr_of(&mut insecure(&[]));
    assert!(
        warned.contains("WARN") && warned.contains("certificate verification is disabled"),
        "{warned}"
    );
    let quiet = stderr_of(&mut insecure(&["-q"]));
    assert!(!quiet.contains("verification is disabled"), "{quiet}");
}

/// A proxy with nothing behind it that answers `GET /probe` with `{}`.
fn probe_server() -> Standalone {
    let answer = Answer::new(StatusCode::OK, "application/json", "{}");
    Standalone::start([Rule::new(
        Route::exact(Method::GET, "/probe"),
        Fault::Respond(answer),
    )])
}

#[test]
fn every_request_is_shown_with_vv_or_as_rust_log_says() {
    let server = probe_server();
    let request = "path=/probe status=200";
    let plain = stderr_of(
        server
            .flinkctl(&["api", "GET", "/probe"])
            .env_remove("RUST_LOG"),
    );
    assert!(!plain.contains(request), "{plain}");
    let verbose = stderr_of(
        server
            .flinkctl(&["-vv", "api", "GET", "/probe"])
            .env_remove("RUST_LOG"),
    );
    assert!(
        verbose.contains(request) && verbose.contains("method=GET"),
        "{verbose}"
    );
    let from_env = stderr_of(
        server
            .flinkctl(&["api", "GET", "/probe"])
            .env("RUST_LOG", "flink_transport=info"),
    );
    assert!(from_env.contains(request), "{from_env}");
}
