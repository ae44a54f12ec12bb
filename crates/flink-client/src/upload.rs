//! Streamed multipart uploads: the one body of the jar upload (`POST /jars/upload`) and the
//! job-graph submission (`POST /jobs`), with any number of files in constant memory and
//! progress reports.

use std::collections::VecDeque;
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

/// The default size of the chunks a file is read and sent in. Each chunk costs a hop to
/// tokio's blocking pool and back: over loopback 64 KiB chunks moved 0.4–1.4 GiB/s (median
/// 1.0), 256 KiB ones 0.8–1.8 GiB/s (median 1.7) for 1 MiB more memory (`cargo xtask bench`).
const DEFAULT_CHUNK_SIZE: usize = 256 * 1024;

/// A progress report: `(sent, total)`, bytes of the file (of all files, for a job-graph
/// submission) handed to the connection so far, and their whole length.
pub type UploadProgress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How [`FlinkClient::upload_jar_with`] sends a jar, and
/// [`FlinkClient::submit_job_graph_with`] a job graph's files: progress reports, time limit,
/// chunk size.
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
    /// No progress reports, a 10 minute time limit and 256 KiB chunks.
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
#[non_exhaustive]
pub struct JarUploaded {
    /// The jar's id, for running, planning and deleting it.
    pub jar: JarId,
    /// How many bytes of the file were sent.
    pub bytes: u64,
    /// Flink's answer (where it stored the jar).
    pub response: JarUploadResponse,
}

/// What kind of file is being uploaded, for the messages about it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileKind {
    /// What the file is, in errors about its path: `jar file`.
    pub(crate) what: &'static str,
    /// The file in a sentence: `the jar`.
    pub(crate) the: &'static str,
    /// How to get the file when it is missing.
    pub(crate) make_it: &'static str,
}

/// A jar with a job's classes.
pub(crate) const JAR: FileKind = FileKind {
    what: "jar file",
    the: "the jar",
    make_it: "build the jar first",
};

/// A file opened for upload: its name, the open file and its length.
pub(crate) struct OpenFile {
    pub(crate) file_name: String,
    pub(crate) file: tokio::fs::File,
    pub(crate) length: u64,
}

/// Opens the file at `path` for upload; its name is checked by `check` before the file is
/// opened, so a wrong name is reported as such.
pub(crate) async fn open_file(
    path: &Path,
    kind: FileKind,
    check: impl FnOnce(&str) -> Result<(), ApiError>,
) -> Result<OpenFile, ApiError> {
    let shown = path.display().to_string();
    let file_name = file_name_of(path, kind)?;
    check(file_name)?;
    let file = tokio::fs::File::open(path).await.map_err(|error| {
        invalid_path(
            kind,
            &shown,
            &format!(
                "cannot open it ({error}); check the path, or {}",
                kind.make_it
            ),
        )
    })?;
    let metadata = file
        .metadata()
        .await
        .map_err(|error| invalid_path(kind, &shown, &format!("cannot read its size ({error})")))?;
    if !metadata.is_file() {
        return Err(invalid_path(kind, &shown, "it is not a regular file"));
    }
    Ok(OpenFile {
        file_name: file_name.to_owned(),
        file,
        length: metadata.len(),
    })
}

/// The file name of `path`, which names its multipart part.
pub(crate) fn file_name_of(path: &Path, kind: FileKind) -> Result<&str, ApiError> {
    path.file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| {
            invalid_path(
                kind,
                &path.display().to_string(),
                "it has no file name in UTF-8 that Flink could check",
            )
        })
}

/// Opens the jar at `path` for upload: its name must end in `.jar` (checked first, so a wrong
/// name is reported as such), and it must be a readable regular file.
pub(crate) async fn open_jar(path: &Path) -> Result<OpenFile, ApiError> {
    open_file(path, JAR, |name| JarUpload::new(name).map(|_| ())).await
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
        let body = UploadBody::new(
            vec![
                Segment::Bytes(upload.head()),
                Segment::reader(JAR, reader, length),
                Segment::Bytes(upload.tail()),
            ],
            &options,
        );
        let (status, content_type, bytes) = self
            .send_streamed::<JarUpload>(parts, body, &options, &description)
            .await?;
        let response = decode_response(&upload, status, content_type.as_deref(), &bytes)?;
        let jar = JarId::from_upload_filename(&response.filename)?;
        Ok(JarUploaded {
            jar,
            bytes: length,
            response,
        })
    }
}

impl FlinkClient {
    /// Sends a streamed multipart body with the hints of endpoint `E` (never retried, the
    /// options' time limit) and reads the whole answer.
    pub(crate) async fn send_streamed<E: Endpoint>(
        &self,
        parts: http::request::Parts,
        body: UploadBody,
        options: &UploadOptions,
        description: &str,
    ) -> Result<(http::StatusCode, Option<String>, Bytes), ApiError> {
        let mut request = http::Request::from_parts(parts, Body::streaming(body));
        let extensions = request.extensions_mut();
        extensions.insert(OperationName(E::NAME));
        extensions.insert(Idempotency::NotIdempotent);
        extensions.insert(RequestTimeout(options.time_limit()));
        self.send_prebuilt(request, description).await
    }
}

fn invalid_path(kind: FileKind, path: &str, reason: &str) -> ApiError {
    ApiError::InvalidInput {
        what: kind.what,
        value: path.to_owned(),
        reason: format!("cannot upload {}: {reason}", kind.the),
    }
}

/// One stretch of a streamed multipart body: framing bytes, or a file read chunk by chunk.
pub(crate) enum Segment {
    /// Bytes sent as they are (part headers, boundaries, a JSON part).
    Bytes(Bytes),
    /// `length` bytes of a file, read as the connection takes them.
    Reader {
        /// What the file is, for the error when it ends early.
        kind: FileKind,
        /// The file.
        reader: Pin<Box<dyn AsyncRead + Send>>,
        /// How many bytes it must give.
        length: u64,
        /// How many it has given.
        read: u64,
    },
}

impl Segment {
    /// The file `reader`, of `length` bytes.
    pub(crate) fn reader(
        kind: FileKind,
        reader: impl AsyncRead + Send + 'static,
        length: u64,
    ) -> Self {
        Self::Reader {
            kind,
            reader: Box::pin(reader),
            length,
            read: 0,
        }
    }

    /// How many bytes of it are still to be sent.
    fn remaining(&self) -> u64 {
        match self {
            Self::Bytes(bytes) => bytes.len() as u64,
            Self::Reader { length, read, .. } => length - read,
        }
    }
}

/// A streamed multipart body with any number of parts: its segments in order, the files read
/// chunk by chunk, so memory stays about one chunk whatever the files' sizes. Progress counts
/// the bytes of all files together.
pub(crate) struct UploadBody {
    segments: VecDeque<Segment>,
    sent: u64,
    total: u64,
    chunk_size: usize,
    progress: Option<UploadProgress>,
    failed: bool,
}

impl UploadBody {
    /// A body of `segments`, read in the options' chunk size, reporting to its callback.
    pub(crate) fn new(segments: Vec<Segment>, options: &UploadOptions) -> Self {
        let total = segments
            .iter()
            .filter(|segment| matches!(segment, Segment::Reader { .. }))
            .map(Segment::remaining)
            .sum();
        Self {
            segments: segments.into(),
            sent: 0,
            total,
            chunk_size: options.chunk_size(),
            progress: options.progress_callback(),
            failed: false,
        }
    }

    fn report(&self) {
        if let Some(progress) = &self.progress {
            progress(self.sent, self.total);
        }
    }

    /// The next chunk of the file at the front, `None` once it is done.
    fn poll_file(&mut self, cx: &mut Context<'_>) -> Poll<Option<io::Result<Bytes>>> {
        let chunk_size = self.chunk_size;
        let Some(Segment::Reader {
            kind,
            reader,
            length,
            read,
        }) = self.segments.front_mut()
        else {
            return Poll::Ready(None);
        };
        let remaining = *length - *read;
        if remaining == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(remaining).map_or(chunk_size, |r| r.min(chunk_size));
        let mut chunk = BytesMut::zeroed(want);
        let mut buf = ReadBuf::new(&mut chunk);
        match reader.as_mut().poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Some(Err(error))),
            Poll::Ready(Ok(())) => {
                let filled = buf.filled().len();
                if filled == 0 {
                    return Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "{} ended after {read} of {length} bytes; did the file change during the upload?",
                            kind.the
                        ),
                    ))));
                }
                chunk.truncate(filled);
                *read += filled as u64;
                self.sent += filled as u64;
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
            if this.failed {
                return Poll::Ready(None);
            }
            match this.segments.front() {
                None => return Poll::Ready(None),
                Some(Segment::Bytes(_)) => {
                    if let Some(Segment::Bytes(bytes)) = this.segments.pop_front() {
                        return Poll::Ready(Some(Ok(Frame::data(bytes))));
                    }
                }
                Some(Segment::Reader { .. }) => match this.poll_file(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Some(Ok(chunk))) => {
                        this.report();
                        return Poll::Ready(Some(Ok(Frame::data(chunk))));
                    }
                    Poll::Ready(Some(Err(error))) => {
                        this.failed = true;
                        return Poll::Ready(Some(Err(error)));
                    }
                    Poll::Ready(None) => {
                        if let Some(Segment::Reader { length: 0, .. }) = this.segments.pop_front() {
                            this.report();
                        }
                    }
                },
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed || self.segments.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        if self.failed {
            return SizeHint::with_exact(0);
        }
        SizeHint::with_exact(self.segments.iter().map(Segment::remaining).sum())
    }
}
