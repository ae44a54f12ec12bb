//! `POST /jars/upload` without IO: the multipart framing around a jar's bytes, and the checks
//! of its file name.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, header};

use crate::endpoint::{Endpoint, JsonEndpoint, describe};
use crate::{ApiError, TriggerId};
use flink_models::jars::JarUploadResponse;

/// How long a jar upload may take by default.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The multipart part name Flink's upload handler is documented with (it accepts any name).
const PART_NAME: &str = "jarfile";

/// The content type of the uploaded part.
const PART_CONTENT_TYPE: &str = "application/x-java-archive";

/// `POST /jars/upload`, without IO: the `multipart/form-data` framing around a jar's bytes.
///
/// The body is [`JarUpload::head`], then the file's bytes, then [`JarUpload::tail`]; its
/// length is [`JarUpload::content_length`]. `flink_client::FlinkClient::upload_jar` streams
/// a file this way; use this type directly to upload through your own HTTP stack. It is a
/// [`JsonEndpoint`] only so its answer can be decoded with [`crate::decode_response`];
/// building it with [`crate::build_request`] fails, since the body is not JSON.
///
/// ```
/// use flink_api::jars::JarUpload;
///
/// let upload = JarUpload::with_boundary("my-job.jar", "b0undary")?;
/// assert_eq!(upload.content_type(), "multipart/form-data; boundary=b0undary");
/// let mut body = upload.head().to_vec();
/// body.extend_from_slice(b"PK...");
/// body.extend_from_slice(&upload.tail());
/// assert_eq!(body.len() as u64, upload.content_length(5));
/// assert!(JarUpload::new("my-job.txt").is_err(), "Flink accepts only `.jar` names");
/// # Ok::<(), flink_api::ApiError>(())
/// ```
#[derive(Clone, Debug)]
pub struct JarUpload {
    file_name: String,
    boundary: String,
}

impl JarUpload {
    /// An upload of a file named `file_name` (a plain name ending in `.jar`, as Flink
    /// requires), with a random boundary.
    pub fn new(file_name: &str) -> Result<Self, ApiError> {
        Self::with_boundary(file_name, &format!("flink-rs-{}", TriggerId::generate()))
    }

    /// An upload with a chosen boundary (1 to 70 letters, digits, `-` or `_`), for tests.
    pub fn with_boundary(file_name: &str, boundary: &str) -> Result<Self, ApiError> {
        check_upload_name(file_name)?;
        if boundary.is_empty()
            || boundary.len() > 70
            || !boundary
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ApiError::invalid(
                "multipart boundary",
                boundary,
                "a boundary is 1 to 70 ASCII letters, digits, `-` or `_`",
            ));
        }
        Ok(Self {
            file_name: file_name.to_owned(),
            boundary: boundary.to_owned(),
        })
    }

    /// The file name sent to Flink; the jar id ends with it.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The multipart boundary.
    pub fn boundary(&self) -> &str {
        &self.boundary
    }

    /// The request's `Content-Type`: `multipart/form-data; boundary=…`.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The bytes before the file: the boundary and the part's headers.
    pub fn head(&self) -> Bytes {
        Bytes::from(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{PART_NAME}\"; filename=\"{name}\"\r\nContent-Type: {PART_CONTENT_TYPE}\r\n\r\n",
            boundary = self.boundary,
            name = quote_file_name(&self.file_name),
        ))
    }

    /// The bytes after the file: the closing boundary.
    pub fn tail(&self) -> Bytes {
        Bytes::from(format!("\r\n--{}--\r\n", self.boundary))
    }

    /// The length of the whole body for a file of `file_length` bytes.
    pub fn content_length(&self, file_length: u64) -> u64 {
        let framing = self.head().len() + self.tail().len();
        u64::try_from(framing)
            .unwrap_or(u64::MAX)
            .saturating_add(file_length)
    }

    /// The request without its body: method, path, `Accept`, `Content-Type` and an exact
    /// `Content-Length` for a file of `file_length` bytes. No `Expect` header: Flink answers
    /// `100 Continue` only once the whole body has arrived.
    pub fn request(&self, file_length: u64) -> Result<http::Request<()>, ApiError> {
        http::Request::builder()
            .method(Method::POST)
            .uri(self.path())
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, self.content_type())
            .header(header::CONTENT_LENGTH, self.content_length(file_length))
            .body(())
            .map_err(|error| ApiError::invalid("request", &describe(self), error.to_string()))
    }
}

impl Endpoint for JarUpload {
    const NAME: &'static str = "jars.upload";

    fn method(&self) -> Method {
        Method::POST
    }

    fn path(&self) -> String {
        "/jars/upload".to_owned()
    }

    /// Always an error: the body is a streamed file, sent by `FlinkClient::upload_jar`.
    fn body(&self) -> Result<Option<Bytes>, ApiError> {
        Err(ApiError::invalid(
            "request",
            "POST /jars/upload",
            "a jar upload streams a file; send it with `FlinkClient::upload_jar`, or frame it yourself with `JarUpload::head`/`tail`",
        ))
    }

    fn idempotent(&self) -> bool {
        false
    }

    fn timeout(&self) -> Option<Duration> {
        Some(UPLOAD_TIMEOUT)
    }
}

impl JsonEndpoint for JarUpload {
    type Output = JarUploadResponse;
}

fn check_upload_name(name: &str) -> Result<(), ApiError> {
    let reason = if name.is_empty() {
        Some("the file name of a jar upload cannot be empty")
    } else if name.contains(['/', '\\']) {
        Some("give the file's name only, without a directory")
    } else if !has_jar_extension(name) {
        Some(
            "Flink accepts only file names ending in `.jar` (lower case); rename the file, or pass another name to `upload_jar_from_reader`",
        )
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ApiError::invalid("jar file name", name, reason)),
        None => Ok(()),
    }
}

/// Flink compares the extension case-sensitively, so `X.JAR` is refused.
#[allow(clippy::case_sensitive_file_extension_comparisons)]
fn has_jar_extension(name: &str) -> bool {
    name.ends_with(".jar")
}

/// The file name as a quoted string of a `Content-Disposition` header: `"`, CR and LF are
/// percent-encoded, as RFC 7578 (section 4.2) and browsers do.
fn quote_file_name(name: &str) -> String {
    let mut quoted = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '"' => quoted.push_str("%22"),
            '\r' => quoted.push_str("%0D"),
            '\n' => quoted.push_str("%0A"),
            other => quoted.push(other),
        }
    }
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{JarId, build_request, decode_response};
    use http::StatusCode;

    #[test]
    fn upload_framing_is_exact() {
        let upload = JarUpload::with_boundary("my-job.jar", "XyZ").unwrap();
        assert_eq!(
            upload.head(),
            "--XyZ\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"my-job.jar\"\r\nContent-Type: application/x-java-archive\r\n\r\n"
        );
        assert_eq!(upload.tail(), "\r\n--XyZ--\r\n");
        let request = upload.request(1000).unwrap();
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/jars/upload");
        assert_eq!(
            request.headers()[header::CONTENT_TYPE],
            "multipart/form-data; boundary=XyZ"
        );
        let expected = upload.head().len() + 1000 + upload.tail().len();
        assert_eq!(
            request.headers()[header::CONTENT_LENGTH],
            expected.to_string().as_str()
        );
        assert!(request.headers().get(header::EXPECT).is_none());
        assert!(!upload.idempotent());
    }

    #[test]
    fn upload_names_are_checked_and_quoted() {
        for bad in [
            "",
            "job.txt",
            "job.JAR",
            "job.jar.gz",
            "dir/job.jar",
            "c:\\job.jar",
        ] {
            let error = JarUpload::new(bad).unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}");
        }
        let upload = JarUpload::with_boundary("a\"b\r\nc.jar", "b").unwrap();
        let head = String::from_utf8(upload.head().to_vec()).unwrap();
        assert!(head.contains("filename=\"a%22b%0D%0Ac.jar\""), "{head}");
        assert!(JarUpload::with_boundary("a.jar", "bad boundary").is_err());
        assert!(JarUpload::with_boundary("a.jar", "").is_err());
    }

    #[test]
    fn random_boundaries_differ() {
        let a = JarUpload::new("a.jar").unwrap();
        let b = JarUpload::new("a.jar").unwrap();
        assert_ne!(a.boundary(), b.boundary());
        assert!(a.boundary().len() <= 70);
    }

    #[test]
    fn an_upload_cannot_be_built_as_a_json_request() {
        let upload = JarUpload::new("a.jar").unwrap();
        assert!(build_request(&upload).unwrap_err().is_invalid_input());
    }

    #[test]
    fn upload_answers_decode_to_a_jar_id_or_flinks_error() {
        let upload = JarUpload::new("flink-rs-testjob.jar").unwrap();
        let answer = decode_response(
            &upload,
            StatusCode::OK,
            Some("application/json"),
            br#"{"filename":"/tmp/web-upload/flink-web-upload/2f1a_flink-rs-testjob.jar","status":"success"}"#,
        )
        .unwrap();
        let id = JarId::from_upload_filename(&answer.filename).unwrap();
        assert_eq!(id.as_str(), "2f1a_flink-rs-testjob.jar");
        let error = decode_response(
            &upload,
            StatusCode::BAD_REQUEST,
            Some("application/json"),
            br#"{"errors":["org.apache.flink.runtime.rest.handler.RestHandlerException: Only Jar files are allowed.\n\tat x"]}"#,
        )
        .unwrap_err();
        assert!(error.is_bad_request());
        assert!(
            error.to_string().contains("Only Jar files are allowed."),
            "{error}"
        );
        assert!(
            error.to_string().starts_with("POST /jars/upload"),
            "{error}"
        );
    }
}
