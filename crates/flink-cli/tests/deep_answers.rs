//! `flinkctl` against a server that answers with JSON nested far too deep: a typed error or the
//! body as it came, never a crash.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Output;

/// `levels` arrays, each inside the one before.
fn arrays(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// A server on loopback that answers every request with `body` as JSON; its URL.
///
/// It serves until the test process ends (each test runs in its own process).
fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                line.clear();
            }
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn flinkctl(url: &str, args: &[&str]) -> Output {
    common::command(&[&["--url", url][..], args].concat())
        .output()
        .expect("flinkctl runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_million_levels_are_refused_in_every_format() {
    let url = serve(arrays(1_000_000));
    for format in ["table", "json", "yaml"] {
        let output = flinkctl(&url, &["overview", "-o", format]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "-o {format}: {stderr}");
        assert!(
            stderr.contains("GET /overview")
                && stderr.contains("more than 1024 levels deep")
                && stderr.contains("rest.flamegraph.stack-depth"),
            "-o {format}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "-o {format}");
    }
}

#[test]
fn the_api_command_prints_a_too_deep_answer_as_it_came() {
    let body = arrays(100_000);
    let url = serve(body.clone());
    let output = flinkctl(&url, &["api", "GET", "/overview", "-o", "json"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(text(&output.stdout), body);
    assert!(stderr.contains("more than 1024 levels deep"), "{stderr}");
}

#[test]
fn the_api_command_pretty_prints_json_up_to_the_limit() {
    let body = arrays(1024);
    let url = serve(body.clone());
    let output = flinkctl(&url, &["api", "GET", "/overview", "-o", "json"]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let stdout = text(&output.stdout);
    assert!(
        stdout.lines().count() > 1024,
        "not pretty-printed: {stdout}"
    );
    let compact: String = stdout.split_whitespace().collect();
    assert_eq!(compact, body);

    let output = flinkctl(&url, &["api", "GET", "/overview", "-o", "yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    // YAML writes nested lists on one line: `- - - []`.
    assert_eq!(text(&output.stdout), format!("{}[]\n", "- ".repeat(1023)));
}
