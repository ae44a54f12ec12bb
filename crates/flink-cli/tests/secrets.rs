//! No secret given to `flinkctl` (a password or a token in the URL, a token in the config
//! file, the bearer token, extra header values) reaches its standard output or error, at any
//! verbosity, the library's tracing included (`RUST_LOG=trace`).

mod common;

use std::process::Output;

use common::command;
use common::fault_proxy::Standalone;
use flink_fault_proxy::{Answer, Fault, Route, Rule};
use http::{Method, StatusCode};

const SECRET: &str = "S3CRET";

/// `flinkctl ARGS` with `-v`, `-vv` and none, each as `RUST_LOG=trace` asks; every output.
fn at_every_verbosity(args: &[&str], env: &[(&str, &str)]) -> Vec<(String, Output)> {
    [None, Some("-v"), Some("-vv")]
        .into_iter()
        .map(|verbosity| {
            let mut command = command(args);
            command
                .args(verbosity)
                .env_remove("FLINK_REST_URL")
                .env("RUST_LOG", "trace")
                .envs(env.iter().copied());
            let output = command.output().expect("flinkctl runs");
            (format!("{args:?} {verbosity:?}"), output)
        })
        .collect()
}

fn assert_no_secret(runs: &[(String, Output)]) {
    for (what, output) in runs {
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!printed.contains(SECRET), "{what} leaked it: {printed}");
    }
}

#[test]
fn secrets_in_the_url_are_never_printed() {
    for url in [
        "http://alice:S3CRET@127.0.0.1:9",
        "http://127.0.0.1:9/?token=S3CRET",
        "alice:S3CRET@127.0.0.1:9",
    ] {
        let runs = at_every_verbosity(&["--url", url, "overview"], &[]);
        assert_no_secret(&runs);
        let (_, output) = &runs[1];
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("127.0.0.1:9"), "{stderr}");
    }
}

#[test]
fn a_token_in_a_broken_config_file_is_never_printed() {
    let dir = std::env::temp_dir().join(format!("flinkctl-secrets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let file = dir.join("config.toml");
    for broken in [
        "[contexts.x]\nurl = \"http://127.0.0.1:9\"\ntoken = \"S3CRET\n",
        "[contexts.x]\nurl = \"http://127.0.0.1:9\"\ntoken = \"S3CRET\" trailing\n",
        "[contexts.x]\nurl = \"http://127.0.0.1:9\"\ninsecure = \"S3CRET\"\n",
    ] {
        std::fs::write(&file, broken).expect("the config file is written");
        let path = file.to_str().expect("a UTF-8 path");
        let runs = at_every_verbosity(&["--config", path, "--context", "x", "overview"], &[]);
        assert_no_secret(&runs);
        let stderr = String::from_utf8_lossy(&runs[0].1.stderr);
        assert!(stderr.contains("line 3"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tokens_and_header_values_are_never_printed() {
    let overview = Answer::new(
        StatusCode::OK,
        "application/json",
        r#"{"taskmanagers":1,"slots-total":4,"slots-available":4,"jobs-running":0,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":"2.3.0","flink-commit":"abc"}"#,
    );
    let server = Standalone::start([Rule::new(
        Route::exact(Method::GET, "/overview"),
        Fault::Respond(overview),
    )]);
    let url = server.proxy.url();
    let runs = at_every_verbosity(
        &["--url", &url, "overview", "-o", "yaml"],
        &[
            ("FLINK_REST_TOKEN", "S3CRET-TOKEN"),
            (
                "FLINK_REST_CLIENT_HEADERS",
                "X-Api-Key: S3CRET-KEY\nCookie: s=S3CRET",
            ),
        ],
    );
    assert_no_secret(&runs);
    for (what, output) in &runs {
        assert_eq!(output.status.code(), Some(0), "{what}");
    }
}
