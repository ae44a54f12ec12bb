//! `flinkctl` as a process against a real Flink cluster.
//!
//! Ignored by a plain `cargo test`; `cargo xtask test` runs them once per cluster with
//! `FLINK_REST_URL` and the TLS variables set (1.20.5 serves REST over mutual TLS), as for
//! flink-client's live tests.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use flink_client::api::cluster::{GetDashboardConfig, GetOverview};
use flink_client::api::jobmanager::GetJobManagerConfig;
use flink_client::prelude::*;
use serde_json::Value;

mod common;
use common::{assert_same_document, command, fails, json, ok, ok_since};

/// The client of the cluster under test; panics with what to do when there is none.
fn client() -> FlinkClient {
    FlinkClient::from_env().unwrap_or_else(|error| {
        panic!("live tests need a Flink cluster: {error}. Run `cargo xtask test`, or set FLINK_REST_URL")
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("a runtime")
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn config_json_and_yaml_are_the_servers_json() {
    let expected = runtime()
        .block_on(client().execute(Raw(GetDashboardConfig)))
        .expect("GET /config");
    assert_same_document(&ok(&["config", "-o", "json"]), &expected);
    let yaml: Value = serde_norway::from_str(&ok(&["config", "-o", "yaml"])).expect("YAML");
    assert_eq!(yaml, expected);
    let jm_config = runtime()
        .block_on(client().execute(Raw(GetJobManagerConfig)))
        .expect("GET /jobmanager/config");
    assert_same_document(&ok(&["jobmanager", "config", "-o", "json"]), &jm_config);
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn overview_json_is_the_servers_json() {
    // Other tests start jobs meanwhile: the CLI's answer must equal one taken around it.
    let runtime = runtime();
    let client = client();
    for _ in 0..5 {
        let before = runtime
            .block_on(client.execute(Raw(GetOverview)))
            .expect("GET /overview");
        let printed = json(&ok(&["overview", "-o", "json"]));
        let after = runtime
            .block_on(client.execute(Raw(GetOverview)))
            .expect("GET /overview");
        if printed == before || printed == after {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!("`flinkctl overview -o json` never matched GET /overview");
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn overview_table_mentions_the_version() {
    let version = runtime()
        .block_on(client().dashboard_config())
        .expect("GET /config")
        .flink_version;
    if let Some(expected) = std::env::var("FLINK_TEST_VERSION")
        .ok()
        .filter(|v| !v.is_empty())
    {
        assert_eq!(version, expected);
    }
    let table = ok(&["overview"]);
    assert!(table.starts_with("VERSION"), "{table}");
    assert!(
        table.lines().nth(1).unwrap_or("").starts_with(&version),
        "{table}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn taskmanagers_are_listed_and_unknown_ones_exit_3() {
    let list = ok(&["taskmanagers", "list", "-o", "json"]);
    let id = json(&list)["taskmanagers"][0]["id"]
        .as_str()
        .expect("a TaskManager id")
        .to_owned();
    assert!(ok(&["taskmanagers", "list"]).contains(&id));
    assert!(ok(&["taskmanagers", "get", &id, "-o", "wide"]).contains(&id));
    assert!(ok(&["taskmanagers", "logs", &id]).contains(".log"));
    assert!(!ok(&["taskmanagers", "thread-dump", &id]).is_empty());
    let metrics = ok(&[
        "taskmanagers",
        "metrics",
        &id,
        "Status.JVM.Memory.Heap.Used",
    ]);
    assert!(metrics.contains("Status.JVM.Memory.Heap.Used"), "{metrics}");
    let error = fails(&["taskmanagers", "get", "no-such-tm"], 3);
    assert!(error.contains("no-such-tm"), "{error}");
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn api_prints_the_body_and_a_404_exits_3() {
    let body = json(&ok(&["api", "GET", "/overview"]));
    assert!(body.get("flink-version").is_some(), "{body}");
    let error = fails(&["api", "GET", "/no/such/path"], 3);
    assert!(error.contains("404"), "{error}");
}

/// The JobManager's metric names once they include `wanted`: Flink's metric fetcher fills its
/// store on an interval, so a cluster that just started may list none yet.
fn jobmanager_metric_names_with(wanted: &str) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let listed = json(&ok(&["api", "GET", "/jobmanager/metrics"]));
        let names: Vec<String> = listed
            .as_array()
            .expect("a list of metric names")
            .iter()
            .map(|metric| metric["id"].as_str().expect("an id").to_owned())
            .collect();
        if names.iter().any(|name| name == wanted) {
            return names;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {wanted} among the JobManager's metrics after 30 s: {names:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn api_splits_a_long_list_of_metric_names_as_the_typed_calls_do() {
    let heap = "Status.JVM.Memory.Heap.Used";
    let real = jobmanager_metric_names_with(heap);
    // Far past the URL length Flink accepts in one request (4 KiB): names it does not know
    // (which it leaves out of its answer) first, so the real ones go in the last requests.
    let mut names: Vec<String> = (0..400)
        .map(|i| format!("flinkctl.test.no_such_metric_{i}"))
        .collect();
    names.extend(real.iter().cloned());
    let path = format!("/jobmanager/metrics?get={}", names.join(","));
    assert!(path.len() > 10_000, "{}", path.len());
    let answer = json(&ok(&["api", "GET", &path]));
    let got: Vec<&str> = answer
        .as_array()
        .expect("one list of metrics")
        .iter()
        .map(|metric| metric["id"].as_str().expect("an id"))
        .collect();
    assert!(
        got.contains(&heap),
        "the last request was asked too: {got:?}"
    );
    let distinct: std::collections::HashSet<&str> = got.iter().copied().collect();
    assert_eq!(distinct.len(), got.len(), "each metric once: {got:?}");
    assert!(
        got.iter()
            .all(|name| real.iter().any(|known| known == name)),
        "only known metrics: {got:?}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn version_names_flinkctl_and_the_clusters_flink() {
    let server = json(&ok(&["api", "GET", "/config"]));
    let flink = server["flink-version"].as_str().expect("a version");
    let both = json(&ok(&["version", "-o", "json"]));
    assert_eq!(both["flinkctl"], env!("CARGO_PKG_VERSION"));
    assert_eq!(both["flink"], flink);
    assert_eq!(both["flink-revision"], server["flink-revision"]);
    let table = ok(&["version"]);
    assert!(
        table.contains(&format!("flinkctl    {}", env!("CARGO_PKG_VERSION")))
            && table.contains(flink),
        "{table}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn a_legacy_path_names_the_endpoint_to_ask_instead() {
    let error = fails(&["api", "GET", "/joboverview"], 3);
    assert!(
        error.contains("before 1.5") && error.contains("ask /jobs/overview"),
        "{error}"
    );
    assert!(
        error.contains("404"),
        "Flink's answer stays visible: {error}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn a_tiny_timeout_exits_4() {
    let error = fails(&["--timeout", "1ms", "jobmanager", "thread-dump"], 4);
    assert!(
        error.contains("timeout") || error.contains("in time"),
        "{error}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn jobmanager_logs_are_listed_and_printed() {
    let logs = ok(&["jobmanager", "logs"]);
    assert!(logs.starts_with("NAME") && logs.contains(".log"), "{logs}");
    let first_line = runtime().block_on(async {
        let mut stream = client()
            .jobmanager_log_file(LogFile::Main)
            .await
            .expect("GET /jobmanager/log");
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next_chunk().await {
            bytes.extend_from_slice(&chunk.expect("a chunk"));
            if bytes.contains(&b'\n') {
                break;
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        text.lines().next().unwrap_or_default().to_owned()
    });
    assert!(!first_line.is_empty());
    let log = ok(&["jobmanager", "log"]);
    assert_eq!(log.lines().next(), Some(first_line.as_str()));
    if let Some(environment) = ok_since(1, 16, &["jobmanager", "environment"]) {
        assert!(environment.contains("jvm.version"), "{environment}");
    }
    // Metrics appear once Flink's metric fetcher has run, a few seconds after the first ask.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let metrics = ok(&["jobmanager", "metrics"]);
        if metrics.contains("Status.JVM.Memory.Heap.Used") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no JobManager metrics: {metrics}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn jobmanager_log_follow_prints_and_keeps_going() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flinkctl"))
        .args(["jobmanager", "log", "--follow"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("flinkctl runs");
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        child.try_wait().expect("status").is_none(),
        "--follow ended early"
    );
    child.kill().expect("stop flinkctl");
    let output = child.wait_with_output().expect("its output");
    assert!(!output.stdout.is_empty());
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn jars_upload_list_plan_delete_round_trip() {
    let jar = std::env::var("FLINK_TEST_JAR")
        .expect("FLINK_TEST_JAR names the test job's jar: run `cargo xtask testjob`");
    let id = ok(&["-q", "jars", "upload", &jar]).trim().to_owned();
    assert!(id.to_ascii_lowercase().ends_with(".jar"), "{id}");
    let listed = json(&ok(&["jars", "list", "-o", "json"]));
    let files = listed["files"].as_array().expect("files");
    assert!(
        files.iter().any(|file| file["id"] == id.as_str()),
        "{listed}"
    );
    assert!(ok(&["jars", "list"]).contains(&id));
    let plan = ok(&["jars", "plan", &id, "-p", "2"]);
    assert!(
        plan.starts_with("VERTEX") && plan.lines().count() > 1,
        "{plan}"
    );
    ok(&["jars", "delete", &id]);
    assert!(!ok(&["jars", "list"]).contains(&id));
    fails(&["jars", "delete", &id], 3);
    fails(&["jars", "upload", "/no/such/job.jar"], 6);
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn a_pinned_server_certificate_stands_in_for_the_ca() {
    let url = std::env::var("FLINK_REST_URL").expect("live tests need FLINK_REST_URL");
    let wrong = format!("{}00", "00:".repeat(31));
    let overview = |pin: &str| {
        command(&["overview"])
            .env_remove("FLINK_TLS_CA")
            .env("FLINK_TLS_FINGERPRINT", pin)
            .output()
            .expect("flinkctl runs")
    };
    if !url.starts_with("https://") {
        // Pins are TLS settings: over plain HTTP they change nothing.
        assert_eq!(overview(&wrong).status.code(), Some(0));
        return;
    }
    // The cluster's certificate, as `cargo xtask flink up --tls|--mtls` wrote it.
    let state = std::env::var("FLINK_TEST_STATE_DIR").expect("FLINK_TEST_STATE_DIR");
    let printed = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(PathBuf::from(state).join("tls/server.pem"))
        .output()
        .expect("openssl runs");
    let printed = String::from_utf8_lossy(&printed.stdout);
    let pin = printed
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_else(|| panic!("no fingerprint in {printed:?}"));
    let pinned = overview(pin);
    assert_eq!(
        pinned.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&pinned.stderr)
    );
    let refused = overview(&wrong);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("matches none of the pinned fingerprints"),
        "{stderr}"
    );
}

#[test]
#[ignore = "needs a Flink cluster: run `cargo xtask test`"]
fn a_jobmanager_that_is_down_fails_over_to_the_cluster() {
    let url = std::env::var("FLINK_REST_URL").expect("live tests need FLINK_REST_URL");
    let scheme = if url.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    let output = command(&[
        "--url",
        &format!("{scheme}://127.0.0.1:9"),
        "overview",
        "-v",
    ])
    .env("FLINK_REST_FAILOVER_URLS", &url)
    .output()
    .expect("flinkctl runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("VERSION"),
        "{stderr}"
    );
}
