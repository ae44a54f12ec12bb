//! The streamed jar upload and the submit workflow over mock transports: the body is read
//! chunk by chunk as it is sent, framed exactly, never retried; bad input sends nothing.

mod common;

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use flink_client::Transport;
use flink_client::prelude::*;
use flink_client::transport::mock::{self, MockHandle, ScriptedResponse};
use flink_client::transport::{Body, BoxError};
use flink_client::{SubmitJar, UploadOptions};
use http::{Request, Response, header};
use http_body_util::{BodyExt, Full};
use tokio::io::{AsyncRead, ReadBuf};

const UPLOADED: &str =
    r#"{"filename":"/tmp/flink-web-upload/2f1ada6b_flink-rs-testjob.jar","status":"success"}"#;

/// A reader of `remaining` bytes that counts its reads and the largest buffer it was given.
struct CountingReader {
    remaining: u64,
    reads: Arc<AtomicUsize>,
    largest_read: Arc<AtomicUsize>,
}

impl AsyncRead for CountingReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.largest_read
            .fetch_max(buf.remaining(), Ordering::SeqCst);
        let n = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.remaining());
        buf.put_slice(&vec![b'x'; n]);
        self.remaining -= n as u64;
        Poll::Ready(Ok(()))
    }
}

/// What the frame-by-frame service saw: headers, and per body frame its length and how many
/// reads the reader had done when the frame arrived.
#[derive(Default)]
struct Seen {
    headers: http::HeaderMap,
    frames: Vec<(usize, usize)>,
    body: Vec<u8>,
}

/// A transport that reads the request body one frame at a time, as a socket would.
fn frame_by_frame(reads: Arc<AtomicUsize>) -> (Transport, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = Arc::clone(&seen);
    let service = tower::service_fn(move |request: Request<Body>| {
        let record = Arc::clone(&record);
        let reads = Arc::clone(&reads);
        async move {
            let (parts, mut body) = request.into_parts();
            let mut frames = Vec::new();
            let mut bytes = Vec::new();
            while let Some(frame) = body.frame().await {
                let data = frame?.into_data().unwrap_or_default();
                frames.push((data.len(), reads.load(Ordering::SeqCst)));
                bytes.extend_from_slice(&data);
            }
            let mut seen = record.lock().expect("the record lock");
            seen.headers = parts.headers;
            seen.frames = frames;
            seen.body = bytes;
            Ok::<_, BoxError>(
                Response::builder()
                    .status(200)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Full::new(Bytes::from_static(UPLOADED.as_bytes())))
                    .expect("a valid response"),
            )
        }
    });
    (Transport::new(service), seen)
}

#[tokio::test]
async fn the_body_is_read_chunk_by_chunk_as_it_is_sent() {
    const LENGTH: u64 = 1024 * 1024 + 17;
    let reads = Arc::new(AtomicUsize::new(0));
    let largest_read = Arc::new(AtomicUsize::new(0));
    let (transport, seen) = frame_by_frame(Arc::clone(&reads));
    let client = FlinkClient::from_transport(transport);
    let reported = Arc::new(AtomicU64::new(0));
    let total_seen = Arc::new(AtomicU64::new(0));
    let (r, t) = (Arc::clone(&reported), Arc::clone(&total_seen));
    let options = UploadOptions::new()
        .with_chunk_size(64 * 1024)
        .progress(Arc::new(move |sent, total| {
            assert!(
                sent >= r.swap(sent, Ordering::SeqCst),
                "progress only grows"
            );
            t.store(total, Ordering::SeqCst);
        }));
    let reader = CountingReader {
        remaining: LENGTH,
        reads: Arc::clone(&reads),
        largest_read: Arc::clone(&largest_read),
    };
    let uploaded = client
        .upload_jar_from_reader("flink-rs-testjob.jar", reader, LENGTH, options)
        .await
        .unwrap();
    assert_eq!(uploaded.jar.as_str(), "2f1ada6b_flink-rs-testjob.jar");
    assert_eq!(uploaded.bytes, LENGTH);

    let seen = seen.lock().unwrap();
    // Head, 17 chunks of the file, tail: the reader was never ahead of what was sent.
    let data_frames = &seen.frames[1..seen.frames.len() - 1];
    assert_eq!(data_frames.len(), 17);
    assert_eq!(
        seen.frames[0].1, 0,
        "nothing is read before the head is sent"
    );
    for (index, (len, reads_then)) in data_frames.iter().enumerate() {
        assert!(*len <= 64 * 1024);
        assert_eq!(
            *reads_then,
            index + 1,
            "frame {index} came from exactly one read"
        );
    }
    assert!(largest_read.load(Ordering::SeqCst) <= 64 * 1024);
    assert_eq!(reported.load(Ordering::SeqCst), LENGTH);
    assert_eq!(total_seen.load(Ordering::SeqCst), LENGTH);

    // The framing and the headers.
    let length: usize = seen.headers[header::CONTENT_LENGTH]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(length, seen.body.len(), "Content-Length is exact");
    assert!(
        seen.headers.get(header::EXPECT).is_none(),
        "no Expect header"
    );
    let content_type = seen.headers[header::CONTENT_TYPE].to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = String::from_utf8_lossy(&seen.body);
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"flink-rs-testjob.jar\"\r\nContent-Type: application/x-java-archive\r\n\r\n"
    );
    assert!(body.starts_with(&head), "{}", &body[..200]);
    assert!(body.ends_with(&format!("\r\n--{boundary}--\r\n")));
    assert_eq!(
        seen.body.len() as u64,
        head.len() as u64 + LENGTH + boundary.len() as u64 + 8
    );
}

/// A client over `script` that knows it talks to Flink 2.3.0 (no `GET /config` first).
fn client_over(script: impl IntoIterator<Item = ScriptedResponse>) -> (FlinkClient, MockHandle) {
    let (client, handle) = common::client_over(script);
    let version = "2.3.0".parse().expect("a version");
    (client.with_server_version(version), handle)
}

fn temp_jar(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flink-rs-upload-{}", JobId::generate()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("a temporary file");
    path
}

#[tokio::test(start_paused = true)]
async fn a_file_upload_is_streamed_and_never_retried_on_503() {
    let (client, handle) = client_over([
        ScriptedResponse::json(503, r#"{"errors":["leader election"]}"#),
        ScriptedResponse::json(200, UPLOADED),
    ]);
    let path = temp_jar("flink-rs-testjob.jar", b"PK\x03\x04 not really a jar");
    let error = client.upload_jar(&path).await.unwrap_err();
    assert!(error.is_unavailable(), "{error:?}");
    assert!(
        error.to_string().starts_with("POST /jars/upload"),
        "{error}"
    );
    let requests = handle.requests();
    assert_eq!(requests.len(), 1, "a streamed body cannot be sent twice");
    assert!(requests[0].streamed);
    assert_eq!(requests[0].uri, "http://flink.test:8081/jars/upload");
    assert!(
        requests[0]
            .body_text()
            .contains("PK\u{3}\u{4} not really a jar")
    );
    assert_eq!(
        requests[0].headers[header::CONTENT_LENGTH],
        requests[0].body.len().to_string().as_str()
    );

    // The next upload takes the scripted success.
    let jar = client.upload_jar(&path).await.unwrap();
    assert_eq!(jar.as_str(), "2f1ada6b_flink-rs-testjob.jar");
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn bad_names_and_missing_files_send_nothing() {
    let (client, handle) = client_over([ScriptedResponse::json(200, UPLOADED)]);
    let text = temp_jar("job.txt", b"hello");
    for path in [
        text.clone(),
        text.with_file_name("job.JAR"),
        text.with_file_name("missing.jar"),
        text.parent().unwrap().to_path_buf(),
    ] {
        let error = client.upload_jar(&path).await.unwrap_err();
        assert!(error.is_invalid_input(), "{path:?}: {error:?}");
    }
    let missing = client
        .upload_jar(text.with_file_name("missing.jar"))
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("missing.jar"), "{missing}");
    let reader = client
        .upload_jar_from_reader("job.zip", &b"x"[..], 1, UploadOptions::new())
        .await
        .unwrap_err();
    assert!(reader.is_invalid_input());
    assert_eq!(handle.request_count(), 0);
}

#[tokio::test]
async fn flinks_refusal_is_a_typed_error() {
    let (client, _handle) = client_over([ScriptedResponse::json(
        400,
        r#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Only Jar files are allowed.\n\tat x"]}"#,
    )]);
    let error = client
        .upload_jar_from_reader("a.jar", &b"x"[..], 1, UploadOptions::new())
        .await
        .unwrap_err();
    assert!(error.is_bad_request(), "{error:?}");
    assert!(
        error
            .flink_message()
            .unwrap()
            .contains("Only Jar files are allowed.")
    );
}

#[tokio::test]
async fn a_proxy_refusing_a_big_jar_says_which_limit_to_raise() {
    let page =
        "<html><head><title>413 Request Entity Too Large</title></head><body>nginx</body></html>";
    let (client, _handle) = client_over([ScriptedResponse::bytes(413, page).with_header(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/html"),
    )]);
    let error = client
        .upload_jar_from_reader("big.jar", &b"PK"[..], 2, UploadOptions::new())
        .await
        .unwrap_err();
    assert!(error.is_payload_too_large(), "{error:?}");
    let text = error.to_string();
    assert!(
        text.starts_with("POST /jars/upload") && text.contains("client_max_body_size"),
        "{text}"
    );
}

#[tokio::test]
async fn a_reader_that_ends_early_fails_the_upload() {
    let (transport, handle) = mock::scripted([ScriptedResponse::json(200, UPLOADED)]);
    let client = FlinkClient::from_transport(transport);
    let error = client
        .upload_jar_from_reader("a.jar", &b"short"[..], 100, UploadOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Transport { .. }), "{error:?}");
    let text = format!("{error:?}");
    assert!(text.contains("5 of 100 bytes"), "{text}");
    assert_eq!(
        handle.remaining(),
        1,
        "the mock never answered an incomplete body"
    );
}

const DUPLICATE: &str = r#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute application.\nCaused by: org.apache.flink.runtime.client.DuplicateApplicationSubmissionException: Application has already been submitted."]}"#;

#[tokio::test(start_paused = true)]
async fn submit_uploads_runs_with_a_chosen_id_and_deletes_the_jar() {
    let (client, handle) = client_over([ScriptedResponse::json(200, UPLOADED)]);
    let path = temp_jar("flink-rs-testjob.jar", b"PK");
    // The run's answer is lost once (a timeout), the retry finds the job already submitted.
    handle.push(ScriptedResponse::never());
    handle.push(ScriptedResponse::json(400, DUPLICATE));
    handle.push(ScriptedResponse::json(200, "{}"));
    let submitted = client
        .submit_jar(
            SubmitJar::new(&path)
                .entry_class("flinklocal.TestJob")
                .args(["--count", "20"])
                .parallelism(1)
                .delete_jar_after(true),
        )
        .await
        .unwrap();
    assert!(submitted.jar_deleted);
    assert!(submitted.delete_error.is_none());
    let requests = handle.requests();
    let targets: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.method, r.uri.path()))
        .collect();
    assert_eq!(
        targets,
        [
            "POST /jars/upload",
            "POST /jars/2f1ada6b_flink-rs-testjob.jar/run",
            "POST /jars/2f1ada6b_flink-rs-testjob.jar/run",
            "DELETE /jars/2f1ada6b_flink-rs-testjob.jar",
        ]
    );
    let body: serde_json::Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(body["jobId"], submitted.job.as_str());
    assert_eq!(
        body["programArgsList"],
        serde_json::json!(["--count", "20"])
    );
    assert_eq!(
        requests[2].body, requests[1].body,
        "the retry is the same run"
    );
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_failed_submit_still_deletes_the_jar() {
    let (client, handle) = client_over([
        ScriptedResponse::json(200, UPLOADED),
        ScriptedResponse::json(
            500,
            r#"{"errors":["Internal server error.","<Exception on server side:\norg.apache.flink.client.program.ProgramInvocationException: The program's entry point class 'does.not.Exist' was not found in the jar file.\n>"]}"#,
        ),
        ScriptedResponse::json(200, "{}"),
    ]);
    let path = temp_jar("flink-rs-testjob.jar", b"PK");
    let error = client
        .submit_jar(
            SubmitJar::new(&path)
                .entry_class("does.not.Exist")
                .delete_jar_after(true),
        )
        .await
        .unwrap_err();
    assert!(
        error.flink_message().unwrap().contains("does.not.Exist"),
        "{error}"
    );
    assert_eq!(handle.requests()[2].method, http::Method::DELETE);
    let requests = handle.request_count();
    let error = client
        .submit_jar(SubmitJar::new(&path).parallelism(0))
        .await
        .unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    assert_eq!(handle.request_count(), requests, "nothing was uploaded");
    std::fs::remove_file(&path).unwrap();
}
