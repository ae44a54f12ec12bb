//! The streamed job-graph submission (`POST /jobs`) over mock transports: one multipart body
//! with the JSON part and every file, the graph's field fitted to the server's version, never
//! retried; bad input sends nothing.

mod common;

use std::path::{Path, PathBuf};

use flink_client::prelude::*;
use flink_client::transport::mock::{MockHandle, ScriptedResponse};
use http::header;

const JOB: &str = "1a82557f36b1714deddabaa43587e385";
const ACCEPTED: &str = r#"{"jobUrl":"/jobs/1a82557f36b1714deddabaa43587e385"}"#;
const CONFIG_1_20: &str = r#"{"refresh-interval":3000,"timezone-name":"UTC","timezone-offset":0,"flink-version":"1.20.5","flink-revision":"x","features":{"web-submit":true,"web-cancel":true,"web-rescale":false,"web-history":false}}"#;

/// A client over `script` that knows it talks to Flink `version` (no `GET /config` first).
fn client_over(
    version: &str,
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> (FlinkClient, MockHandle) {
    let (client, handle) = common::client_over(script);
    let version = version.parse().expect("a version");
    (client.with_server_version(version), handle)
}

/// A fresh directory with `files` (name, bytes) in it.
fn temp_files(files: &[(&str, &[u8])]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flink-rs-submission-{}", JobId::generate()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("a temporary file");
    }
    dir
}

/// The parts of a multipart body: (headers, content) each.
fn parts(body: &[u8], content_type: &str) -> Vec<(String, Vec<u8>)> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    let delimiter = format!("--{boundary}");
    let text = body.to_vec();
    let mut found = Vec::new();
    let positions: Vec<usize> = text
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, window)| *window == delimiter.as_bytes())
        .map(|(index, _)| index)
        .collect();
    for pair in positions.windows(2) {
        let part = &text[pair[0] + delimiter.len() + 2..pair[1] - 2];
        let split = part
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("part headers end");
        found.push((
            String::from_utf8_lossy(&part[..split]).into_owned(),
            part[split + 4..].to_vec(),
        ));
    }
    let last = *positions.last().expect("a closing boundary");
    assert_eq!(&text[last..], format!("{delimiter}--\r\n").as_bytes());
    found
}

fn remove(dir: &Path) {
    std::fs::remove_dir_all(dir).expect("removing the temporary directory");
}

#[tokio::test(start_paused = true)]
async fn the_graph_and_its_jars_go_in_one_streamed_body() {
    let (client, handle) = client_over("2.3.0", [ScriptedResponse::json(202, ACCEPTED)]);
    let dir = temp_files(&[
        ("job.graph", b"\xac\xed\x00\x05 a graph"),
        ("flink-rs-testjob.jar", b"PK\x03\x04 a jar"),
        ("extra.jar", b""),
    ]);
    let job = client
        .submit_job_graph(
            dir.join("job.graph"),
            [dir.join("flink-rs-testjob.jar"), dir.join("extra.jar")],
        )
        .await
        .unwrap();
    assert_eq!(job.as_str(), JOB);

    let requests = handle.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, http::Method::POST);
    assert_eq!(request.uri, "http://flink.test:8081/jobs");
    assert!(request.streamed, "the files are streamed");
    assert!(request.headers.get(header::EXPECT).is_none());
    assert_eq!(
        request.headers[header::CONTENT_LENGTH],
        request.body.len().to_string().as_str(),
        "Content-Length is exact"
    );
    let content_type = request.headers[header::CONTENT_TYPE].to_str().unwrap();
    let parts = parts(&request.body, content_type);
    assert_eq!(parts.len(), 4, "the JSON part and three files");
    assert!(
        parts[0]
            .0
            .starts_with("Content-Disposition: form-data; name=\"request\"\r\n"),
        "{}",
        parts[0].0
    );
    let json: serde_json::Value = serde_json::from_slice(&parts[0].1).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "executionPlanFileName": "job.graph",
            "jobJarFileNames": ["flink-rs-testjob.jar", "extra.jar"],
            "jobArtifactFileNames": [],
        })
    );
    for (index, (name, bytes)) in [
        ("job.graph", &b"\xac\xed\x00\x05 a graph"[..]),
        ("flink-rs-testjob.jar", b"PK\x03\x04 a jar"),
        ("extra.jar", b""),
    ]
    .into_iter()
    .enumerate()
    {
        let (headers, content) = &parts[index + 1];
        assert!(
            headers.contains(&format!("name=\"file_{index}\"; filename=\"{name}\"")),
            "{headers}"
        );
        assert_eq!(content, bytes, "{name}");
    }
    remove(&dir);
}

#[tokio::test]
async fn flink_1_reads_the_graph_from_job_graph_file_name() {
    let (transport, handle) = flink_client::transport::mock::scripted([
        ScriptedResponse::json(200, CONFIG_1_20),
        ScriptedResponse::json(202, ACCEPTED),
    ]);
    let client = FlinkClient::from_transport(transport);
    let dir = temp_files(&[("job.graph", b"graph"), ("job.jar", b"PK")]);
    client
        .submit_job_graph(dir.join("job.graph"), [dir.join("job.jar")])
        .await
        .unwrap();
    let requests = handle.requests();
    assert_eq!(
        requests[0].uri.path(),
        "/config",
        "the version is asked first"
    );
    let body = requests[1].body_text();
    assert!(
        body.contains(r#"{"jobGraphFileName":"job.graph","jobJarFileNames":["job.jar"],"#),
        "{body}"
    );
    assert!(!body.contains("executionPlanFileName"), "{body}");
    remove(&dir);
}

#[tokio::test]
async fn bad_input_sends_nothing() {
    let (client, handle) = client_over("2.3.0", [ScriptedResponse::json(202, ACCEPTED)]);
    let dir = temp_files(&[("job.graph", b"graph"), ("job.jar", b"PK")]);
    let other = temp_files(&[("job.jar", b"PK"), ("job.graph", b"graph")]);
    let graph = dir.join("job.graph");
    let jar = dir.join("job.jar");
    let cases: Vec<(&str, PathBuf, Vec<PathBuf>, &str)> = vec![
        (
            "a missing graph",
            dir.join("missing.graph"),
            vec![jar.clone()],
            "missing.graph",
        ),
        (
            "a missing jar",
            graph.clone(),
            vec![dir.join("missing.jar")],
            "missing.jar",
        ),
        (
            "a jar twice",
            graph.clone(),
            vec![jar.clone(), jar.clone()],
            "job.jar",
        ),
        (
            "two jars of one name",
            graph.clone(),
            vec![jar.clone(), other.join("job.jar")],
            "job.jar",
        ),
        (
            "the graph's name as a jar",
            graph.clone(),
            vec![other.join("job.graph")],
            "job.graph",
        ),
        (
            "a directory as the graph",
            dir.clone(),
            vec![jar.clone()],
            "regular file",
        ),
        ("a path without a name", PathBuf::from("/"), vec![], "/"),
    ];
    for (case, graph, jars, mentions) in cases {
        let error = client.submit_job_graph(&graph, &jars).await.unwrap_err();
        assert!(error.is_invalid_input(), "{case}: {error:?}");
        assert!(error.to_string().contains(mentions), "{case}: {error}");
    }
    assert_eq!(handle.request_count(), 0, "nothing was sent");
    remove(&dir);
    remove(&other);
}

#[tokio::test(start_paused = true)]
async fn a_submission_is_never_retried_and_flinks_refusal_is_typed() {
    let (client, handle) = client_over(
        "2.3.0",
        [
            ScriptedResponse::json(503, r#"{"errors":["leader election"]}"#),
            ScriptedResponse::json(
                400,
                r#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Failed to deserialize JobGraph.\n\tat x"]}"#,
            ),
        ],
    );
    let dir = temp_files(&[("job.graph", b"not a graph"), ("job.jar", b"PK")]);
    let error = client
        .submit_job_graph(dir.join("job.graph"), [dir.join("job.jar")])
        .await
        .unwrap_err();
    assert!(error.is_unavailable(), "{error:?}");
    assert!(error.to_string().starts_with("POST /jobs"), "{error}");
    assert_eq!(handle.request_count(), 1, "a streamed body is sent once");

    let error = client
        .submit_job_graph(dir.join("job.graph"), [dir.join("job.jar")])
        .await
        .unwrap_err();
    assert!(error.is_bad_request(), "{error:?}");
    assert!(
        error
            .flink_message()
            .unwrap()
            .contains("Failed to deserialize JobGraph."),
        "{error}"
    );
    remove(&dir);
}

#[tokio::test]
async fn an_answer_without_a_job_id_is_a_decode_error() {
    let (client, _handle) = client_over(
        "2.3.0",
        [ScriptedResponse::json(202, r#"{"jobUrl":"/jobs/"}"#)],
    );
    let dir = temp_files(&[("job.graph", b"graph")]);
    let no_jars: [PathBuf; 0] = [];
    let error = client
        .submit_job_graph(dir.join("job.graph"), no_jars)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Decode { .. }), "{error:?}");
    remove(&dir);
}
