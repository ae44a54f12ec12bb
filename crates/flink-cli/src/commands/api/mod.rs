//! `flinkctl api METHOD PATH [--data JSON]`: any request, the answer printed as it came.

mod legacy;
mod metrics;

use std::io::Write;

use bytes::Bytes;
use flink_client::api::{Endpoint, Execute, JsonEndpoint, StreamEndpoint, decode_response};
use flink_client::{ApiError, ByteStream};
use http::{Method, StatusCode};

use super::Ctx;
use crate::cli::Format;
use crate::exit::Failure;
use crate::output::{document, write};

/// The raw request's arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = concat!(
    "Examples:\n",
    "  flinkctl api GET /jobs/overview\n",
    "  flinkctl api GET '/jobmanager/metrics?get=Status.JVM.CPU.Load'\n",
    "  flinkctl api PATCH /jobs/JOBID?mode=cancel\n",
    "  flinkctl api POST /jobs/JOBID/savepoints --data '{\"cancel-job\": false}'\n",
    "  flinkctl api GET /jobs/JOBID/yarn-cancel      # legacy paths work too\n",
    "\n",
    "A JSON answer is pretty-printed (or YAML with -o yaml) up to 64 MiB, or printed as it came\n",
    "when nested more than 1024 levels deep; any other body, and any body with --raw, is printed\n",
    "as it arrives, whatever its size.\n",
    "An error status prints Flink's error and exits with its code (3 for a 404); a path that\n",
    "Flink dropped in 1.5 (/joboverview, …) names the endpoint to ask instead."
))]
pub(crate) struct Args {
    /// The HTTP method: GET, POST, PATCH, PUT, DELETE, …
    method: String,
    /// The path below the REST root, with its query, already percent-encoded.
    path: String,
    /// A JSON body; `@FILE` reads it from a file.
    #[arg(short, long, value_name = "JSON")]
    data: Option<String>,
    /// Print the answer as it arrives, never parsed (for answers too large to pretty-print).
    #[arg(long)]
    raw: bool,
}

/// A request given on the command line.
#[derive(Clone, Debug)]
struct RawRequest {
    method: Method,
    path: String,
    body: Option<Bytes>,
}

impl Endpoint for RawRequest {
    const NAME: &'static str = "flinkctl.api";

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn path(&self) -> String {
        self.path.clone()
    }

    fn body(&self) -> Result<Option<Bytes>, flink_client::ApiError> {
        Ok(self.body.clone())
    }
}

impl StreamEndpoint for RawRequest {}

impl JsonEndpoint for RawRequest {
    type Output = serde_json::Value;
}

/// Checks the arguments into a request.
fn request(args: &Args) -> Result<RawRequest, Failure> {
    let method = Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| Failure::InvalidInput(format!("`{}` is not an HTTP method", args.method)))?;
    let path = if args.path.starts_with('/') {
        args.path.clone()
    } else {
        format!("/{}", args.path)
    };
    if path.parse::<http::uri::PathAndQuery>().is_err() {
        return Err(Failure::InvalidInput(format!(
            "`{path}` is not a URL path; percent-encode spaces and other special characters"
        )));
    }
    let body = match args.data.as_deref() {
        None => None,
        Some(data) => {
            let text = match data.strip_prefix('@') {
                Some(file) => std::fs::read_to_string(file)
                    .map_err(Failure::io(format!("reading the body from {file}")))?,
                None => data.to_owned(),
            };
            serde_json::from_str::<serde_json::Value>(&text)
                .map_err(|error| Failure::InvalidInput(format!("--data is not JSON: {error}")))?;
            Some(Bytes::from(text))
        }
    };
    Ok(RawRequest { method, path, body })
}

/// Sends the request and prints the answer: streamed as it arrives, or read whole (at most
/// the transport's limit of buffered answers) and pretty-printed when it is JSON or `-o json`
/// or `-o yaml` asks for a document.
pub(crate) async fn run(ctx: &Ctx, args: &Args) -> Result<(), Failure> {
    let request = request(args)?;
    if let Some(parts) = metrics::split(&request.method, &request.path)? {
        return print_metrics(ctx, &request, parts).await;
    }
    let what = format!("{} {}", request.method, request.path);
    let mut stream =
        ctx.client.open_stream(request.clone()).await.map_err(
            |error| match legacy::modern_path(&request.path) {
                Some(modern) if error.is_not_found() => Failure::Moved {
                    path: request.path.clone(),
                    modern,
                    source: Box::new(error),
                },
                _ => Failure::Api(error),
            },
        )?;
    let mut out = std::io::stdout().lock();
    let first = first_chunk(&mut stream).await?;
    if args.raw || !(ctx.printer.is_document() || looks_like_json(&first)) {
        write(&mut out, &first)?;
        return copy(&mut stream, &mut out).await;
    }
    let body = read_whole(first, &mut stream, ctx.max_document_bytes, &what).await?;
    match decode_response(&request, StatusCode::OK, None, &body) {
        Ok(json) => {
            let format = if ctx.printer.format == Format::Yaml {
                Format::Yaml
            } else {
                Format::Json
            };
            write(&mut out, document(format, &json)?.as_bytes())
        }
        Err(ApiError::TooDeep { limit, .. }) => {
            ctx.info(&format!(
                "note: the answer nests its JSON more than {limit} levels deep, so it is printed as it came"
            ));
            write(&mut out, &body)
        }
        Err(_) => write(&mut out, &body),
    }
}

/// Asks for a long `get=` list of metrics in `parts`, as the typed calls do, and prints the
/// answers as one list.
async fn print_metrics(ctx: &Ctx, request: &RawRequest, parts: Vec<String>) -> Result<(), Failure> {
    let mut all = Vec::new();
    for path in parts {
        let part = RawRequest {
            path,
            ..request.clone()
        };
        match ctx.client.execute(part).await? {
            serde_json::Value::Array(metrics) => all.extend(metrics),
            other => {
                return Err(Failure::Answer(format!(
                    "{} {}: expected a list of metrics, got {other}",
                    request.method, request.path
                )));
            }
        }
    }
    let format = if ctx.printer.format == Format::Yaml {
        Format::Yaml
    } else {
        Format::Json
    };
    let json = serde_json::Value::Array(all);
    write(
        &mut std::io::stdout().lock(),
        document(format, &json)?.as_bytes(),
    )
}

/// The first chunk of the answer that is not empty (empty at the end of an empty answer).
async fn first_chunk(stream: &mut ByteStream) -> Result<Bytes, Failure> {
    while let Some(chunk) = stream.next_chunk().await {
        let chunk = chunk?;
        if !chunk.is_empty() {
            return Ok(chunk);
        }
    }
    Ok(Bytes::new())
}

/// Whether an answer starting with `start` is a JSON document (an object or an array, as
/// Flink answers); anything else (a log file) is printed as it comes.
fn looks_like_json(start: &[u8]) -> bool {
    matches!(
        start.iter().find(|byte| !byte.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// Writes the rest of the answer as it arrives, one chunk at a time.
async fn copy(stream: &mut ByteStream, out: &mut dyn Write) -> Result<(), Failure> {
    while let Some(chunk) = stream.next_chunk().await {
        write(out, &chunk?)?;
    }
    Ok(())
}

/// The whole answer, `first` and the rest, refused past `limit` bytes.
async fn read_whole(
    first: Bytes,
    stream: &mut ByteStream,
    limit: usize,
    what: &str,
) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    let mut next = Some(first);
    loop {
        let Some(chunk) = next else {
            return Ok(body);
        };
        if body.len() + chunk.len() > limit {
            return Err(Failure::Answer(format!(
                "{what}: the answer is larger than {} MiB, the most flinkctl reads to print it as a document; `flinkctl api --raw` prints it as it arrives",
                limit >> 20
            )));
        }
        body.extend_from_slice(&chunk);
        next = stream.next_chunk().await.transpose()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flink_client::api::build_request;

    fn args(method: &str, path: &str, data: Option<&str>) -> Args {
        Args {
            method: method.to_owned(),
            path: path.to_owned(),
            data: data.map(str::to_owned),
            raw: false,
        }
    }

    #[test]
    fn requests_go_out_as_typed() {
        let request = request(&args("get", "/jobs/metrics?get=a,b", None)).unwrap();
        let built = build_request(&request).unwrap();
        assert_eq!(built.method(), Method::GET);
        assert_eq!(built.uri(), "/jobs/metrics?get=a,b");
        let legacy = request_of("delete", "jobs/00/yarn-cancel", None);
        assert_eq!(legacy.uri(), "/jobs/00/yarn-cancel");
        let post = request_of("POST", "/jars/x.jar/run", Some(r#"{"parallelism": 2}"#));
        assert_eq!(post.headers()["content-type"], "application/json");
        assert_eq!(post.body().as_ref(), br#"{"parallelism": 2}"#);
    }

    fn request_of(method: &str, path: &str, data: Option<&str>) -> http::Request<Bytes> {
        build_request(&request(&args(method, path, data)).unwrap()).unwrap()
    }

    #[test]
    fn json_is_recognised_by_its_first_byte() {
        assert!(looks_like_json(b"  {\"a\": 1}"));
        assert!(looks_like_json(b"\n[1,"));
        assert!(!looks_like_json(b"2024-05-01 INFO started"));
        assert!(!looks_like_json(b""));
    }

    #[test]
    fn bad_requests_are_refused_before_sending() {
        let error = request(&args("GE T", "/x", None)).unwrap_err();
        assert!(matches!(error, Failure::InvalidInput(_)), "{error}");
        let error = request(&args("GET", "/a b", None)).unwrap_err();
        assert!(error.to_string().contains("percent-encode"), "{error}");
        let error = request(&args("POST", "/x", Some("{nope"))).unwrap_err();
        assert!(error.to_string().contains("not JSON"), "{error}");
    }
}
