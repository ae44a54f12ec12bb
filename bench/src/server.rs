//! A loopback HTTP server that answers like Flink: canned JSON, a jar upload that reads and
//! drops the body, a log file of any size streamed from memory.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::fixtures;

/// The size of each chunk of a streamed log.
const LOG_CHUNK: usize = 64 * 1024;

/// What the server answers.
#[derive(Clone, Copy, Debug)]
pub struct Answers {
    /// How many bytes `GET /jobmanager/log` streams.
    pub log_bytes: u64,
}

/// Serves `answers` on 127.0.0.1 until the runtime ends; the URL to give a client.
pub async fn spawn(answers: Answers) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(request, answers));
                // A client that goes away mid-answer is no concern of a benchmark.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    Ok(format!("http://{addr}"))
}

type Body = BoxBody<Bytes, Infallible>;

async fn answer(
    request: Request<Incoming>,
    answers: Answers,
) -> Result<Response<Body>, Infallible> {
    let json = |status: StatusCode, body: Bytes| {
        Response::builder()
            .status(status)
            .header(
                http::header::CONTENT_TYPE,
                "application/json; charset=UTF-8",
            )
            .body(Full::new(body).boxed())
            .unwrap_or_default()
    };
    Ok(match (request.method(), request.uri().path()) {
        (&Method::GET, "/overview") => json(StatusCode::OK, Bytes::from_static(fixtures::OVERVIEW)),
        (&Method::POST, "/jars/upload") => {
            // Read every frame and keep none, as a server that stores to disk would.
            let mut body = request.into_body();
            while let Some(frame) = body.frame().await {
                if frame.is_err() {
                    break;
                }
            }
            json(
                StatusCode::OK,
                Bytes::from_static(
                    br#"{"filename":"/tmp/flink-web-upload/5b61d601-9ab0-4da7-a4e6-2533c1a8c40f_job.jar","status":"success"}"#,
                ),
            )
        }
        (&Method::GET, "/jobmanager/log") => log(answers.log_bytes),
        _ => json(
            StatusCode::NOT_FOUND,
            Bytes::from_static(br#"{"errors":["Not found."]}"#),
        ),
    })
}

/// A text file of `length` bytes, sent in chunks that share one buffer.
fn log(length: u64) -> Response<Body> {
    let chunk = Bytes::from(
        "2026-12-02 05:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - a line of the log\n"
            .repeat(LOG_CHUNK / 100)
            .into_bytes(),
    );
    let chunk_length = chunk.len() as u64;
    let frames = (0..length.div_ceil(chunk_length)).map(move |index| {
        let left = length - index * chunk_length;
        let size = usize::try_from(left.min(chunk_length)).unwrap_or(chunk.len());
        Ok::<_, Infallible>(Frame::data(chunk.slice(..size)))
    });
    Response::builder()
        .header(http::header::CONTENT_TYPE, "text/plain")
        .header(http::header::CONTENT_LENGTH, length)
        .body(BodyExt::boxed(StreamBody::new(futures_util::stream::iter(
            frames,
        ))))
        .unwrap_or_default()
}
