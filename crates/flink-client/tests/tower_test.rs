//! flink-client over `tower_test::mock`, the mock of the tower ecosystem: the test holds each
//! request while the client waits, and answers it by hand. The way to test code built on
//! flink-client with any tower service instead of the scripted mock of `test-util`.

use bytes::Bytes;
use flink_client::prelude::*;
use flink_client::transport::Body;
use http_body_util::{BodyExt, Full};
use tower_test::mock;

const OVERVIEW: &str = r#"{"taskmanagers":1,"slots-total":4,"slots-available":3,"jobs-running":1,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0,"flink-version":"1.19.1","flink-commit":"c0f8d1a"}"#;

type Mock = mock::Mock<http::Request<Body>, http::Response<Full<Bytes>>>;
type Handle = mock::Handle<http::Request<Body>, http::Response<Full<Bytes>>>;

/// A client over a fresh `tower_test` mock, and the mock's handle.
fn client() -> (FlinkClient, Handle) {
    let (service, handle): (Mock, Handle) = mock::pair();
    (FlinkClient::from_transport(Transport::new(service)), handle)
}

fn json(status: u16, body: &'static str) -> http::Response<Full<Bytes>> {
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("a valid response")
}

#[tokio::test]
async fn a_call_goes_out_as_flink_expects_and_its_answer_comes_back_typed() {
    let (client, mut handle) = client();
    let call = tokio::spawn(async move { client.overview().await });

    let (request, reply) = handle.next_request().await.expect("a request");
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(request.uri(), "/overview");
    assert_eq!(request.headers()[http::header::ACCEPT], "application/json");
    reply.send_response(json(200, OVERVIEW));

    let overview = call.await.expect("no panic").expect("an overview");
    assert_eq!((overview.taskmanagers, overview.slots_available), (1, 3));
}

#[tokio::test]
async fn the_version_is_asked_first_and_fits_the_request_to_it() {
    let (client, mut handle) = client();
    let jar: JarId = "0c4e7b1a-1b2c-4d5e-8f90-abcdef012345_job.jar"
        .parse()
        .expect("a jar id");
    let run = RunJar::new(jar).claim_mode(ClaimMode::Claim);
    let call = tokio::spawn(async move { client.run_jar(run).await });

    let (config, reply) = handle.next_request().await.expect("GET /config");
    assert_eq!(config.uri(), "/config");
    reply.send_response(json(
        200,
        r#"{"refresh-interval":3000,"timezone-name":"UTC","timezone-offset":0,"flink-version":"1.19.1","flink-revision":"x","features":{"web-submit":true,"web-cancel":true,"web-rescale":false,"web-history":false}}"#,
    ));

    let (run, reply) = handle.next_request().await.expect("the run");
    assert_eq!(
        run.uri(),
        "/jars/0c4e7b1a-1b2c-4d5e-8f90-abcdef012345_job.jar/run"
    );
    let body = run.into_body().collect().await.expect("a body").to_bytes();
    assert_eq!(
        body, r#"{"restoreMode":"CLAIM"}"#,
        "Flink 1.19 reads restoreMode"
    );
    reply.send_response(json(200, r#"{"jobid":"d7b2518b7cc9b04478ed2eb249c5b9a0"}"#));

    let answer = call.await.expect("no panic").expect("a job id");
    assert_eq!(answer.jobid, "d7b2518b7cc9b04478ed2eb249c5b9a0");
}

#[tokio::test]
async fn a_failing_service_is_a_typed_error() {
    let (client, mut handle) = client();
    let call = tokio::spawn(async move { client.overview().await });
    let (_request, reply) = handle.next_request().await.expect("a request");
    reply.send_error(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));

    let error = call
        .await
        .expect("no panic")
        .expect_err("a refused connection");
    assert!(error.is_connect() && error.is_retryable(), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("GET /overview: could not talk to Flink"),
        "{error}"
    );
}
