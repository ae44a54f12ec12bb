//! The floor: the least a Rust program can do to make the same calls. hyper-util's pooled
//! client, answers read whole and parsed into `serde_json::Value`, files streamed; no flink-rs
//! code at all. flink-rs is measured against it.

use std::path::Path;

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt as _;
use http::{Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Empty, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tokio::io::AsyncReadExt;

/// What the floor's calls fail with.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// The chunk an upload reads its file in: the same as flink-rs's default, so that both make
/// the same number of hops to the blocking pool.
const UPLOAD_CHUNK: usize = 256 * 1024;

const BOUNDARY: &str = "floor-5b61d6019ab04da71a4e62533c1a8c40";

type FileChunks =
    StreamBody<futures_util::stream::BoxStream<'static, Result<Frame<Bytes>, std::io::Error>>>;

/// A bare client of one server. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Floor {
    base: String,
    client: Client<HttpConnector, Empty<Bytes>>,
    upload_client: Client<HttpConnector, FileChunks>,
}

impl Floor {
    /// A client of the server at `base` (`http://127.0.0.1:8081`).
    pub fn new(base: &str) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            base: base.trim_end_matches('/').to_owned(),
            client: Client::builder(TokioExecutor::new()).build(connector.clone()),
            upload_client: Client::builder(TokioExecutor::new()).build(connector),
        }
    }

    /// `GET path_and_query`, the answer parsed as JSON.
    pub async fn get_json(&self, path_and_query: &str) -> Result<Value, Error> {
        let body = self.get(path_and_query).await?.collect().await?.to_bytes();
        Ok(serde_json::from_slice(&body)?)
    }

    /// `GET path_and_query`, the answer's bytes counted as they arrive.
    pub async fn get_streamed(&self, path_and_query: &str) -> Result<u64, Error> {
        let mut body = self.get(path_and_query).await?;
        let mut read = 0;
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame?.into_data() {
                read += data.len() as u64;
            }
        }
        Ok(read)
    }

    async fn get(&self, path_and_query: &str) -> Result<Incoming, Error> {
        let uri: Uri = format!("{}{path_and_query}", self.base).parse()?;
        let response = self
            .client
            .request(Request::get(uri).body(Empty::new())?)
            .await?;
        ok(response)
    }

    /// `POST /jars/upload` of the file at `jar` as Flink's web form sends it, streamed from
    /// disk; the answer parsed as JSON.
    pub async fn upload_jar(&self, jar: &Path) -> Result<Value, Error> {
        let file = tokio::fs::File::open(jar).await?;
        let length = file.metadata().await?.len();
        let name = jar
            .file_name()
            .map_or_else(|| "job.jar".into(), |name| name.to_string_lossy());
        let head = Bytes::from(format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"{name}\"\r\nContent-Type: application/x-java-archive\r\n\r\n"
        ));
        let tail = Bytes::from(format!("\r\n--{BOUNDARY}--\r\n"));
        let total = head.len() as u64 + length + tail.len() as u64;
        let chunks = futures_util::stream::unfold(Some(file), |file| async move {
            let mut file = file?;
            let mut buffer = BytesMut::with_capacity(UPLOAD_CHUNK);
            match file.read_buf(&mut buffer).await {
                Ok(0) => None,
                Ok(_) => Some((Ok(buffer.freeze()), Some(file))),
                Err(error) => Some((Err(error), None)),
            }
        });
        let frames = futures_util::stream::iter([Ok(head)])
            .chain(chunks)
            .chain(futures_util::stream::iter([Ok(tail)]))
            .map(|chunk| chunk.map(Frame::data));
        let request = Request::post(format!("{}/jars/upload", self.base))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::CONTENT_LENGTH, total)
            .body(StreamBody::new(frames.boxed()))?;
        let body = ok(self.upload_client.request(request).await?)?
            .collect()
            .await?
            .to_bytes();
        Ok(serde_json::from_slice(&body)?)
    }
}

/// The body of a successful answer; an error for any other.
fn ok(response: http::Response<Incoming>) -> Result<Incoming, Error> {
    if response.status() == StatusCode::OK {
        Ok(response.into_body())
    } else {
        Err(format!("the server answered {}", response.status()).into())
    }
}
