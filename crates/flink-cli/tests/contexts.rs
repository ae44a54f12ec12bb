//! `flinkctl context list|use|current` on config files the tests write (no cluster needed),
//! and, against the cluster of the environment (ignored: `cargo xtask test` runs them), the
//! contexts and the TLS flags reaching it.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{command, json};

/// The cluster settings of the environment, which no test here lets flinkctl see.
const CLUSTER_VARS: [&str; 4] = [
    "FLINK_REST_URL",
    "FLINK_TLS_CA",
    "FLINK_TLS_CLIENT_CERT",
    "FLINK_TLS_CLIENT_KEY",
];

/// A directory of this test process's own (nextest runs each test in a process).
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flinkctl-contexts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// `flinkctl ARGS` with no cluster settings from the environment.
fn flinkctl(args: &[&str]) -> Output {
    let mut command = command(args);
    for name in CLUSTER_VARS {
        command.env_remove(name);
    }
    command.output().expect("flinkctl runs")
}

/// `flinkctl --config FILE ARGS`.
fn with_config(file: &Path, args: &[&str]) -> Output {
    let path = file.to_str().expect("a UTF-8 path");
    let mut all = vec!["--config", path];
    all.extend_from_slice(args);
    flinkctl(&all)
}

/// The output's standard output, which must come with exit code `code`.
fn exits(output: &Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const FILE: &str = r#"# flinkctl's clusters
current-context = "local" # the laptop

[contexts.local]
url = "http://127.0.0.1:9"

# production
[contexts.prod]
url = "https://flink.invalid:8443"
token = "S3CRET-TOKEN"
headers = { "X-Api-Key" = "S3CRET-KEY" }
"#;

#[test]
fn context_list_use_and_current_edit_only_the_current_context() {
    let file = scratch().join("config.toml");
    std::fs::write(&file, FILE).expect("the config file is written");
    let listed = exits(&with_config(&file, &["context", "list"]), 0);
    assert!(listed.starts_with("CURRENT   NAME"), "{listed}");
    assert!(
        listed.contains("\n*         local   http://127.0.0.1:9\n"),
        "{listed}"
    );
    assert_eq!(
        exits(&with_config(&file, &["context", "current"]), 0),
        "local\n"
    );

    exits(&with_config(&file, &["ctx", "use", "prod"]), 0);
    let edited = std::fs::read_to_string(&file).expect("the config file");
    assert_eq!(
        edited,
        FILE.replace("\"local\" # the laptop", "\"prod\" # the laptop")
    );
    assert_eq!(
        exits(&with_config(&file, &["context", "current"]), 0),
        "prod\n"
    );

    let unknown = with_config(&file, &["context", "use", "staging"]);
    exits(&unknown, 3);
    assert!(
        stderr(&unknown).contains("known: local, prod"),
        "{}",
        stderr(&unknown)
    );
    assert_eq!(std::fs::read_to_string(&file).expect("the file"), edited);

    let data = json(&exits(
        &with_config(&file, &["context", "ls", "-o", "json"]),
        0,
    ));
    assert_eq!(data["current-context"], "prod");
    assert_eq!(data["contexts"]["prod"]["token"], "***");
    assert_eq!(data["contexts"]["prod"]["headers"]["X-Api-Key"], "***");
    let yaml = exits(&with_config(&file, &["context", "list", "-o", "yaml"]), 0);
    assert!(
        !yaml.contains("S3CRET") && yaml.contains("flink.invalid"),
        "{yaml}"
    );
    std::fs::remove_dir_all(scratch()).ok();
}

#[test]
fn context_current_without_one_exits_3_with_a_hint() {
    let file = scratch().join("config.toml");
    std::fs::write(&file, "[contexts.a]\nurl = \"http://127.0.0.1:9\"\n").expect("written");
    let output = with_config(&file, &["context", "current"]);
    exits(&output, 3);
    assert!(
        stderr(&output).contains("flinkctl context use NAME"),
        "{}",
        stderr(&output)
    );
    std::fs::remove_dir_all(scratch()).ok();
}

#[test]
fn context_use_without_a_config_file_creates_nothing() {
    let home = scratch().join("xdg");
    let run = |args: &[&str]| {
        let mut command = command(args);
        for name in CLUSTER_VARS {
            command.env_remove(name);
        }
        command
            .env("XDG_CONFIG_HOME", &home)
            .output()
            .expect("flinkctl runs")
    };
    let output = run(&["context", "use", "prod"]);
    exits(&output, 3);
    assert!(
        stderr(&output).contains("known: none"),
        "{}",
        stderr(&output)
    );
    assert!(!home.exists(), "{} was created", home.display());
    assert_eq!(
        exits(&run(&["context", "list"]), 0),
        "CURRENT   NAME   URL\n"
    );
    exits(&run(&["context", "current"]), 3);
    std::fs::remove_dir_all(scratch()).ok();
}

/// The value of a variable of the environment, unless unset or empty.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The cluster's TLS files as flags (none for a plain HTTP cluster).
fn tls_flags() -> Vec<String> {
    [
        ("--ca-file", "FLINK_TLS_CA"),
        ("--client-cert", "FLINK_TLS_CLIENT_CERT"),
        ("--client-key", "FLINK_TLS_CLIENT_KEY"),
    ]
    .into_iter()
    .filter_map(|(flag, name)| var(name).map(|path| [flag.to_owned(), path]))
    .flatten()
    .collect()
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn contexts_of_the_config_file_reach_the_cluster() {
    let url = var("FLINK_REST_URL").expect("live tests need FLINK_REST_URL");
    let mut live = format!("[contexts.live]\nurl = \"{url}\"\n");
    for (key, name) in [
        ("ca", "FLINK_TLS_CA"),
        ("client-cert", "FLINK_TLS_CLIENT_CERT"),
        ("client-key", "FLINK_TLS_CLIENT_KEY"),
    ] {
        if let Some(path) = var(name) {
            writeln!(live, "{key} = {path:?}").expect("a String takes any text");
        }
    }
    let file = scratch().join("config.toml");
    let text = format!(
        "current-context = \"down\"\n[contexts.down]\nurl = \"http://127.0.0.1:9\"\n{live}"
    );
    std::fs::write(&file, text).expect("the config file is written");

    exits(&with_config(&file, &["overview"]), 1);
    let by_name = exits(
        &with_config(&file, &["--context", "live", "overview", "-o", "json"]),
        0,
    );
    assert!(json(&by_name).get("flink-version").is_some(), "{by_name}");
    exits(&with_config(&file, &["--context", "nope", "overview"]), 2);

    exits(&with_config(&file, &["context", "use", "live"]), 0);
    let current = exits(&with_config(&file, &["overview", "-o", "json"]), 0);
    assert!(json(&current).get("flink-version").is_some(), "{current}");
    // --context wins over the current context.
    exits(&with_config(&file, &["--context", "down", "overview"]), 1);
    std::fs::remove_dir_all(scratch()).ok();
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn tls_flags_reach_a_tls_cluster_without_the_environment() {
    let url = var("FLINK_REST_URL").expect("live tests need FLINK_REST_URL");
    if var("FLINK_TLS_CA").is_none() {
        eprintln!(
            "SKIPPED: {url} is not served over TLS with a CA of its own (FLINK_TLS_CA is unset), so there is no TLS to try the flags on; `cargo xtask test` runs this test on its mutual-TLS cluster (Flink 1.20.5)"
        );
        return;
    }
    let flags = tls_flags();
    let overview = |extra: &[&str]| {
        let mut args = vec!["--url", url.as_str()];
        args.extend_from_slice(extra);
        args.extend(["overview", "-o", "json"]);
        flinkctl(&args)
    };
    let all: Vec<&str> = flags.iter().map(String::as_str).collect();
    let answer = exits(&overview(&all), 0);
    assert!(json(&answer).get("flink-version").is_some(), "{answer}");

    let refused = overview(&[]);
    exits(&refused, 1);
    assert!(
        stderr(&refused).contains("could not talk to Flink"),
        "{}",
        stderr(&refused)
    );

    // The flags win over the environment's settings.
    let mut command = command(&[&["--url", url.as_str()], &all[..], &["overview"]].concat());
    let over_env = command
        .env("FLINK_TLS_CA", "/nonexistent/ca.pem")
        .output()
        .expect("flinkctl runs");
    exits(&over_env, 0);

    // Without the CA, only --insecure-skip-tls-verify gets through.
    let without_ca = &all[2..];
    exits(&overview(without_ca), 1);
    let insecure = [without_ca, &["--insecure-skip-tls-verify"]].concat();
    exits(&overview(&insecure), 0);

    if var("FLINK_TLS_CLIENT_CERT").is_some() {
        // Mutual TLS: the CA alone is not enough.
        let ca_only = overview(&all[..2]);
        exits(&ca_only, 1);
    }
}
