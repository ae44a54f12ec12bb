//! `flinkctl` as a process, where no cluster is needed: usage errors, help, completions,
//! unreachable clusters.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Runs `flinkctl` with `args` and no Flink settings from the environment.
fn flinkctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flinkctl"))
        .args(args)
        .env_remove("FLINK_REST_URL")
        .env_remove("FLINKCTL_CONTEXT")
        .env("FLINKCTL_CONFIG", "/nonexistent/flinkctl-test/config.toml")
        .output()
        .expect("flinkctl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        &["no-such-command"][..],
        &["overview", "--output", "xml"],
        &["overview", "--timeout", "soon"],
        &["taskmanagers", "get"],
    ] {
        let output = flinkctl(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

#[test]
fn no_cluster_given_is_bad_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_flinkctl"))
        .arg("overview")
        .env_remove("FLINK_REST_URL")
        .env_remove("FLINKCTL_CONTEXT")
        .env_remove("FLINKCTL_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent/flinkctl-test")
        .output()
        .expect("flinkctl runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("--url"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn a_missing_config_file_named_explicitly_fails() {
    let output = flinkctl(&["--context", "prod", "overview"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("does not exist"));
}

#[test]
fn help_documents_exit_codes_and_examples() {
    let output = flinkctl(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    let help = text(&output.stdout);
    assert!(
        help.contains("Exit codes:") && help.contains("3 not found"),
        "{help}"
    );
    for command in [
        &["overview"][..],
        &["jobmanager", "log"],
        &["taskmanagers", "list"],
        &["jars", "plan"],
        &["api"],
        &["completions"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let help = text(&flinkctl(&args).stdout);
        assert!(
            help.contains("Examples:\n  flinkctl"),
            "{command:?}: {help}"
        );
    }
}

#[test]
fn only_the_root_help_lists_the_global_options() {
    let root = text(&flinkctl(&["--help"]).stdout);
    assert!(
        root.contains("Global options:\n") && root.contains("--url <URL>"),
        "{root}"
    );
    assert!(
        root.contains("--no-headers") && root.contains("name"),
        "{root}"
    );
    assert!(root.contains("see `flinkctl context --help`"), "{root}");
    assert!(root.lines().count() <= 50, "{root}");
    for command in [
        &["jobs", "get"][..],
        &["jobs"],
        &["completions"],
        &["cancel"],
        &["taskmanagers", "log"],
    ] {
        let mut args = command.to_vec();
        args.push("--help");
        let output = flinkctl(&args);
        assert_eq!(output.status.code(), Some(0), "{command:?}");
        let help = text(&output.stdout);
        assert!(help.lines().count() <= 50, "{command:?}: {help}");
        assert!(
            !help.contains("--url <URL>") && !help.contains("The REST URL"),
            "{command:?}: {help}"
        );
        assert!(
            help.contains("see `flinkctl --help`"),
            "{command:?}: {help}"
        );
    }
    // Hidden from the help, the global options work all the same.
    let output = flinkctl(&["completions", "bash", "--url", "http://127.0.0.1:1", "-q"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn completions_bash_prints_a_script() {
    let output = flinkctl(&["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0));
    let script = text(&output.stdout);
    assert!(
        script.contains("complete ") && script.contains("flinkctl"),
        "{script}"
    );
    assert!(script.contains("taskmanagers"));
}

#[test]
fn an_unreachable_cluster_exits_1_quickly() {
    let started = Instant::now();
    let output = flinkctl(&["--url", "http://127.0.0.1:1", "overview"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(text(&output.stderr).contains("could not talk to Flink"));
}

#[test]
fn a_bad_url_exits_1_with_a_message() {
    let output = flinkctl(&["--url", "not a url", "overview"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("not a url"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn bad_input_exits_6_before_sending() {
    // Nothing listens there: the input is refused before any connection is tried.
    let output = flinkctl(&[
        "--url",
        "http://127.0.0.1:1",
        "api",
        "POST",
        "/x",
        "--data",
        "{",
    ]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    let output = flinkctl(&["--url", "http://127.0.0.1:1", "jobmanager", "log", "../etc"]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
    // A TaskManager id that would leave its path segment behind a proxy.
    for id in ["../../admin/users", "%2e%2e"] {
        let output = flinkctl(&["--url", "http://127.0.0.1:1", "taskmanagers", "get", id]);
        assert_eq!(output.status.code(), Some(6), "{}", text(&output.stderr));
        assert!(
            text(&output.stderr).contains(id),
            "{}",
            text(&output.stderr)
        );
    }
}

/// `flinkctl` goes through the proxy `HTTP_PROXY` names, as curl does: a one-shot proxy on
/// loopback answers `GET /overview` for a cluster that does not exist.
#[test]
fn http_proxy_from_the_environment_is_used() {
    use std::io::{BufRead, BufReader, Write};

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let proxy = listener.local_addr().expect("its address");
    let answered = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("flinkctl connects to the proxy");
        let mut reader = BufReader::new(stream);
        let mut request_line = String::new();
        reader.read_line(&mut request_line).expect("a request line");
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
            line.clear();
        }
        let body = r#"{"taskmanagers":1,"slots-total":4,"slots-available":4,"jobs-running":0,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":"2.3.0","flink-commit":"abc"}"#;
        let mut stream = reader.into_inner();
        write!(
            stream,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("the answer is written");
        request_line
    });
    let output = Command::new(env!("CARGO_BIN_EXE_flinkctl"))
        .args([
            "--url",
            "http://flink.invalid:8081",
            "overview",
            "-o",
            "json",
        ])
        .env_remove("FLINKCTL_CONTEXT")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("HTTP_PROXY", format!("http://{proxy}"))
        .env("FLINKCTL_CONFIG", "/nonexistent/flinkctl-test/config.toml")
        .output()
        .expect("flinkctl runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("\"flink-version\": \"2.3.0\""),
        "{}",
        text(&output.stdout)
    );
    let request_line = answered.join().expect("the proxy thread");
    assert_eq!(
        request_line,
        "GET http://flink.invalid:8081/overview HTTP/1.1\r\n"
    );
}

/// The hidden `generate-man DIR` writes roff pages of flinkctl and its subcommands, which
/// `man` renders (when this machine has it).
#[test]
fn generate_man_writes_pages_man_renders() {
    let dir = std::env::temp_dir().join(format!("flinkctl-man-{}", std::process::id()));
    let output = flinkctl(&["generate-man", dir.to_str().expect("a UTF-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let listed = text(&output.stdout);
    for page in ["flinkctl.1", "flinkctl-jobs.1", "flinkctl-context-use.1"] {
        assert!(listed.contains(page), "{page}: {listed}");
        let roff = std::fs::read_to_string(dir.join(page)).expect("the page");
        assert!(roff.contains("\n.TH "), "{page}: {roff}");
    }
    match Command::new("man")
        .arg("-l")
        .arg(dir.join("flinkctl-context.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
    {
        Ok(rendered) => {
            assert_eq!(
                rendered.status.code(),
                Some(0),
                "{}",
                text(&rendered.stderr)
            );
            let page = text(&rendered.stdout);
            assert!(page.contains("use-context"), "{page}");
        }
        Err(error) => eprintln!("man is not installed ({error}): the pages were not rendered"),
    }
    std::fs::remove_dir_all(&dir).ok();
}
