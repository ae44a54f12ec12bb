//! A loopback HTTP server that answers like Flink: canned JSON, a jar upload that reads and
//! drops the body, a log file of any size streamed from memory.
//!
//! The side-by-side benchmark runs it in a process of its own ([`serve_until_stdin_closes`]),
//! so that the CPU time measured in the benchmark's process is the clients' alone.

use std::convert::Infallible;
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::sync::Arc;

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

/// How many vertices the job of `GET /jobs/:jobid` has.
pub const JOB_VERTICES: usize = 200;

/// How many checkpoints `GET /jobs/:jobid/checkpoints` lists in its history.
pub const CHECKPOINT_HISTORY: usize = 100;

/// How many bytes `GET /jobmanager/log` streams.
pub const LOG_BYTES: u64 = 1024 * 1024 * 1024;

/// The answers, made once.
struct Answers {
    taskmanager_metrics: Bytes,
    job_details: Bytes,
    checkpoints: Bytes,
    log_chunk: Bytes,
}

impl Answers {
    fn new() -> Self {
        Self {
            taskmanager_metrics: fixtures::taskmanager_metrics().into(),
            job_details: fixtures::job_details(JOB_VERTICES).into(),
            checkpoints: fixtures::checkpoints(CHECKPOINT_HISTORY).into(),
            log_chunk: Bytes::from(
                "2026-12-02 05:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - a line of the log\n"
                    .repeat(LOG_CHUNK / 100)
                    .into_bytes(),
            ),
        }
    }
}

/// Serves on 127.0.0.1 until the runtime ends; the URL to give a client.
pub async fn spawn() -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr: SocketAddr = listener.local_addr()?;
    let answers = Arc::new(Answers::new());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let _ = tcp.set_nodelay(true);
            let answers = Arc::clone(&answers);
            tokio::spawn(async move {
                let service = service_fn(move |request| answer(request, Arc::clone(&answers)));
                // A client that goes away mid-answer is no concern of a benchmark.
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    Ok(format!("http://{addr}"))
}

/// Serves (one worker thread), prints the URL as the first line of stdout, and exits when
/// stdin closes: the parent's end of the pipe closing ends the server with it.
pub fn serve_until_stdin_closes() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let url = runtime.block_on(spawn())?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{url}")?;
    stdout.flush()?;
    // Blocks this thread only; the runtime's worker serves meanwhile.
    for line in std::io::stdin().lock().lines() {
        line?;
    }
    Ok(())
}

type Body = BoxBody<Bytes, Infallible>;

async fn answer(
    request: Request<Incoming>,
    answers: Arc<Answers>,
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
    let ok = |body: &Bytes| json(StatusCode::OK, body.clone());
    let path = request.uri().path();
    Ok(match (request.method(), path) {
        (&Method::GET, "/config") => ok(&Bytes::from_static(fixtures::CONFIG)),
        (&Method::GET, "/overview") => ok(&Bytes::from_static(fixtures::OVERVIEW)),
        (&Method::GET, "/taskmanagers/metrics") => ok(&answers.taskmanager_metrics),
        (&Method::GET, "/jobmanager/log") => log(&answers.log_chunk, LOG_BYTES),
        (&Method::GET, _) if path.starts_with("/jobs/") && path.ends_with("/checkpoints") => {
            ok(&answers.checkpoints)
        }
        (&Method::GET, _) if path.starts_with("/jobs/") && path.matches('/').count() == 2 => {
            ok(&answers.job_details)
        }
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
        _ => json(
            StatusCode::NOT_FOUND,
            Bytes::from_static(br#"{"errors":["Not found."]}"#),
        ),
    })
}

/// A text file of `length` bytes, sent in chunks that share one buffer.
fn log(chunk: &Bytes, length: u64) -> Response<Body> {
    let chunk = chunk.clone();
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
