//! Streamed multipart upload of jars (`POST /jars/upload`): constant memory, progress reports.

use std::fmt;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use flink_api::jars::{JarUpload, UPLOAD_TIMEOUT};
use flink_api::{ApiError, Endpoint, JarId, decode_response, describe};
use flink_models::jars::JarUploadResponse;
use flink_transport::{Body, Idempotency, OperationName, RequestTimeout};
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

use crate::FlinkClient;

/// The default size of the chunks a file is read and sent in.
const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;

/// A progress report: `(sent, total)`, bytes of the file handed to the connection so far and
/// the file's length.
pub type UploadProgress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How [`FlinkClient::upload_jar_with`] sends a jar: progress reports, time
/// limit, chunk size.
///
/// ```
/// use std::sync::Arc;
/// use flink_client::UploadOptions;
///
/// let options = UploadOptions::new()
///     .progress(Arc::new(|sent, total| eprintln!("{sent} of {total} bytes")))
///     .timeout(std::time::Duration::from_secs(300));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct UploadOptions {
    progress: Option<UploadProgress>,
    timeout: Duration,
    chunk_size: usize,
}

impl UploadOptions {
    /// No progress reports, a 10 minute time limit and 64 KiB chunks.
    pub fn new() -> Self {
        Self {
            progress: None,
            timeout: UPLOAD_TIMEOUT,
            chunk_size: DEFAULT_CHUNK_SIZE,
        }
    }

    /// Calls `progress(sent, total)` after each chunk of the file is handed to the connection,
    /// and once more at the end with `sent == total`.
    #[must_use]
    pub fn progress(mut self, progress: UploadProgress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// The time limit of the whole upload (it is never retried, since the body is streamed).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Reads the file in chunks of this size (at least 1 byte); memory use stays about one
    /// chunk, whatever the file's size.
    #[must_use]
    pub fn with_chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes.max(1);
        self
    }

    /// The progress callback, if one was set.
    pub fn progress_callback(&self) -> Option<UploadProgress> {
        self.progress.clone()
    }

    /// The time limit of the upload.
    pub fn time_limit(&self) -> Duration {
        self.timeout
    }

    /// The size of the chunks the file is read in.
    pub fn chunk_size(&self) -> usize {
        self.chunk_size
    }
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadOptions")
            .field("progress", &self.progress.is_some())
            .field("timeout", &self.timeout)
            .field("chunk_size", &self.chunk_size)
            .finish()
    }
}

/// An uploaded jar: its id and Flink's answer.
#[derive(Clone, Debug)]
pub struct JarUploaded {
    /// The jar's id, for running, planning and deleting it.
    pub jar: JarId,
    /// How many bytes of the file were sent.
    pub bytes: u64,
    /// Flink's answer (where it stored the jar).
    pub response: JarUploadResponse,
}

/// A jar file opened for upload, its name checked.
pub(crate) struct OpenJar {
    file_name: String,
    file: tokio::fs::File,
    length: u64,
}

/// Opens the jar at `path` for upload: its name must end in `.jar` (checked first, so a wrong
/// name is reported as such), and it must be a readable regular file.
pub(crate) async fn open_jar(path: &Path) -> Result<OpenJar, ApiError> {
    let shown = path.display().to_string();
    let file_name = path
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| {
            invalid_path(
                &shown,
                "it has no file name in UTF-8 that Flink could check",
            )
        })?;
    JarUpload::new(file_name)?;
    let file = tokio::fs::File::open(path).await.map_err(|error| {
        invalid_path(
            &shown,
            &format!("cannot open it ({error}); check the path, or build the jar first"),
        )
    })?;
    let metadata = file
        .metadata()
        .await
        .map_err(|error| invalid_path(&shown, &format!("cannot read its size ({error})")))?;
    if !metadata.is_file() {
        return Err(invalid_path(&shown, "it is not a regular file"));
    }
    Ok(OpenJar {
        file_name: file_name.to_owned(),
        file,
        length: metadata.len(),
    })
}

impl FlinkClient {
    /// Uploads the jar at `path` (`POST /jars/upload`) and returns its id.
    ///
    /// The file is streamed in chunks, so memory use does not grow with its size. Its name
    /// must end in `.jar`, as Flink requires; a missing or unreadable file is an
    /// [`ApiError::InvalidInput`] before anything is sent. The upload is never retried.
    pub async fn upload_jar(&self, path: impl AsRef<Path>) -> Result<JarId, ApiError> {
        self.upload_jar_with(path, UploadOptions::new())
            .await
            .map(|uploaded| uploaded.jar)
    }

    /// Uploads the jar at `path` with progress reports or another time limit.
    pub async fn upload_jar_with(
        &self,
        path: impl AsRef<Path>,
        options: UploadOptions,
    ) -> Result<JarUploaded, ApiError> {
        let jar = open_jar(path.as_ref()).await?;
        self.upload_jar_from_reader(&jar.file_name, jar.file, jar.length, options)
            .await
    }

    /// Uploads `length` bytes read from `reader` as a jar named `file_name` (which must end in
    /// `.jar`).
    ///
    /// The bytes are streamed in chunks as the connection takes them. The request carries an
    /// exact `Content-Length`; a reader that ends early fails the upload.
    pub async fn upload_jar_from_reader<R>(
        &self,
        file_name: &str,
        reader: R,
        length: u64,
        options: UploadOptions,
    ) -> Result<JarUploaded, ApiError>
    where
        R: AsyncRead + Send + 'static,
    {
        let upload = JarUpload::new(file_name)?;
        let description = describe(&upload);
        let (parts, ()) = upload.request(length)?.into_parts();
        let body = UploadBody {
            stage: Stage::Head,
            head: upload.head(),
            tail: upload.tail(),
            reader: Box::pin(reader),
            sent: 0,
            length,
            chunk_size: options.chunk_size(),
            progress: options.progress_callback(),
        };
        let mut request = http::Request::from_parts(parts, Body::streaming(body));
        let extensions = request.extensions_mut();
        extensions.insert(OperationName(JarUpload::NAME));
        extensions.insert(Idempotency::NotIdempotent);
        extensions.insert(RequestTimeout(options.time_limit()));

        let (status, content_type, bytes) = self.send_prebuilt(request, &description).await?;
        let response = decode_response(&upload, status, content_type.as_deref(), &bytes)?;
        let jar = JarId::from_upload_filename(&response.filename)?;
        Ok(JarUploaded {
            jar,
            bytes: length,
            response,
        })
    }
}

fn invalid_path(path: &str, reason: &str) -> ApiError {
    ApiError::InvalidInput {
        what: "jar file",
        value: path.to_owned(),
        reason: format!("cannot upload this jar: {reason}"),
    }
}

/// Where an upload body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Head,
    File,
    Tail,
    Done,
}

/// The multipart body: head, the reader's bytes chunk by chunk, tail.
struct UploadBody {
    stage: Stage,
    head: Bytes,
    tail: Bytes,
    reader: Pin<Box<dyn AsyncRead + Send>>,
    sent: u64,
    length: u64,
    chunk_size: usize,
    progress: Option<UploadProgress>,
}

impl UploadBody {
    fn report(&self) {
        if let Some(progress) = &self.progress {
            progress(self.sent, self.length);
        }
    }

    fn poll_file(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        let remaining = self.length - self.sent;
        if remaining == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(remaining).map_or(self.chunk_size, |r| r.min(self.chunk_size));
        let mut chunk = BytesMut::zeroed(want);
        let mut buf = ReadBuf::new(&mut chunk);
        match self.reader.as_mut().poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Some(Err(error))),
            Poll::Ready(Ok(())) => {
                let read = buf.filled().len();
                if read == 0 {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "the jar ended after {} of {} bytes; did the file change during the upload?",
                            self.sent, self.length
                        ),
                    ))));
                }
                chunk.truncate(read);
                self.sent += read as u64;
                Poll::Ready(Some(Ok(chunk.freeze())))
            }
        }
    }
}

impl http_body::Body for UploadBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        loop {
            match this.stage {
                Stage::Head => {
                    this.stage = Stage::File;
                    return Poll::Ready(Some(Ok(Frame::data(this.head.clone()))));
                }
                Stage::File => match this.poll_file(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(chunk))) => {
                        this.report();
                        return Poll::Ready(Some(Ok(Frame::data(chunk))));
                    }
                    Poll::Ready(Some(Err(error))) => {
                        this.stage = Stage::Done;
                        return Poll::Ready(Some(Err(error)));
                    }
                    Poll::Ready(None) => {
                        if this.length == 0 {
                            this.report();
                        }
                        this.stage = Stage::Tail;
                    }
                },
                Stage::Tail => {
                    this.stage = Stage::Done;
                    return Poll::Ready(Some(Ok(Frame::data(this.tail.clone()))));
                }
                Stage::Done => return Poll::Ready(None),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.stage == Stage::Done
    }

    fn size_hint(&self) -> SizeHint {
        let len = |bytes: &Bytes| bytes.len() as u64;
        let left = match self.stage {
            Stage::Head => len(&self.head) + (self.length - self.sent) + len(&self.tail),
            Stage::File => (self.length - self.sent) + len(&self.tail),
            Stage::Tail => len(&self.tail),
            Stage::Done => 0,
        };
        SizeHint::with_exact(left)
    }
}
