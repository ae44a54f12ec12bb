//! What the mock tests share: a client over the scripted mock transport, and the fields of
//! the errors they expect.

#![allow(dead_code, reason = "each test binary uses a part of it")]

pub(crate) mod errors;

use std::time::Duration;

use flink_client::transport::mock::{self, MockHandle, ScriptedResponse};
use flink_client::{FlinkClient, TransportConfig};

/// A client whose transport answers with `script`, one response a request, and the handle
/// that shows what was sent. Each attempt may take 5 s (of paused time).
pub(crate) fn client_over(
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> (FlinkClient, MockHandle) {
    let mut config = TransportConfig::new("http://flink.test:8081/").expect("a valid URL");
    config.attempt_timeout = Duration::from_secs(5);
    client_with(&config, script)
}

/// A client whose transport is the stack of `config` over a mock answering with `script`.
///
/// The client takes the server for the newest Flink, so that no script has to answer the
/// `GET /config` that version-dependent endpoints would otherwise ask first.
pub(crate) fn client_with(
    config: &TransportConfig,
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> (FlinkClient, MockHandle) {
    let (transport, handle) =
        mock::scripted_with(config, script).expect("the default stack builds");
    let newest = "2.3.0".parse().expect("a Flink version");
    (
        FlinkClient::from_transport(transport).with_server_version(newest),
        handle,
    )
}

/// `GET /jobs/:id` of `job` in `state` whose vertices have these parallelisms and tasks in
/// these states (`(parallelism, running, finished)`).
pub(crate) fn job_details(
    job: &str,
    state: &str,
    vertices: &[(i32, i32, i32)],
) -> ScriptedResponse {
    let io = r#"{"read-bytes":0,"read-bytes-complete":true,"write-bytes":0,"write-bytes-complete":true,"read-records":0,"read-records-complete":true,"write-records":0,"write-records-complete":true}"#;
    let vertices: Vec<String> = vertices
        .iter()
        .enumerate()
        .map(|(index, (parallelism, running, finished))| {
            let deploying = parallelism - running - finished;
            format!(
                r#"{{"id":"{index:032x}","name":"vertex {index}","maxParallelism":128,"parallelism":{parallelism},"status":"RUNNING","start-time":1,"end-time":-1,"duration":1,"tasks":{{"RUNNING":{running},"FINISHED":{finished},"DEPLOYING":{deploying}}},"metrics":{io}}}"#
            )
        })
        .collect();
    ScriptedResponse::json(
        200,
        format!(
            r#"{{"jid":"{job}","name":"job","isStoppable":false,"state":"{state}","start-time":1,"end-time":-1,"duration":1,"maxParallelism":-1,"now":2,"timestamps":{{}},"vertices":[{}],"status-counts":{{}},"plan":{{}}}}"#,
            vertices.join(",")
        ),
    )
}
