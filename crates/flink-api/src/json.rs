//! Reading the server's JSON: documents of any sane depth, refusing deeper ones before they are
//! parsed. Plain Rust: no stack switching, no C toolchain.

use serde::de::DeserializeOwned;

/// The deepest nesting of objects and arrays that flink-rs reads in an answer.
///
/// Flame graphs are the deepest answers Flink sends: two levels per stack frame, up to
/// `rest.flamegraph.stack-depth` frames (100 by default, about 200 levels), so 1,024 levels fit a
/// flame graph of about 500 frames. Deeper documents are refused
/// ([`ApiError::TooDeep`](crate::ApiError::TooDeep)) before they are parsed: code that walks a
/// decoded [`serde_json::Value`] recursively (dropping, printing or re-decoding it) needs stack in
/// proportion to its depth, and a million levels overflow any thread's stack.
///
/// A document deeper than `serde_json`'s limit of 128 levels is decoded on a thread of its own
/// (std only, started for that document); on a target that cannot start threads, it is refused
/// as too deep instead.
pub const MAX_JSON_DEPTH: usize = 1024;

/// How deep `serde_json` nests before it refuses, to keep the stack safe.
const SERDE_JSON_DEPTH_LIMIT: usize = 128;

/// Why a document could not be decoded.
#[derive(Debug)]
pub(crate) enum JsonFailure {
    /// It nests deeper than `limit` levels: [`MAX_JSON_DEPTH`], or `serde_json`'s own limit where
    /// no thread can be started to decode it on a stack that fits (a target without threads).
    /// Nothing was parsed.
    TooDeep {
        /// The deepest nesting that could be read.
        limit: usize,
    },
    /// It is not JSON, or not of the expected shape.
    Invalid {
        /// The JSON path of the value that does not fit (`taskmanagers[0].slotsNumber`), `.`
        /// for the root.
        path: String,
        /// What was wrong there.
        error: serde_json::Error,
    },
}

/// The stack a document deeper than `serde_json`'s limit is decoded on: 8 MiB, four times what
/// an unoptimized build needs for [`MAX_JSON_DEPTH`] levels (a flame graph at the limit needs
/// under 2 MiB), whatever stack the caller runs on (a Tokio worker has 2 MiB).
const DEEP_DECODE_STACK: usize = 8 * 1024 * 1024;

/// Decodes one JSON document (nothing may follow it) of at most [`MAX_JSON_DEPTH`] levels,
/// naming the path of a value that does not fit.
///
/// Documents deeper than `serde_json`'s limit are decoded on a thread of their own with a
/// stack of [`DEEP_DECODE_STACK`], so their depth never weighs on the caller's stack. Tracking
/// the path halves the decoding speed (`cargo xtask bench`), so it is done only to report a
/// document that does not fit, by decoding it again. Only a document that the fast decoder
/// refuses is scanned for its depth, so shallow answers are read in one pass.
pub(crate) fn deserialize_json<T: DeserializeOwned + Send>(json: &[u8]) -> Result<T, JsonFailure> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    if let Ok(value) = T::deserialize(&mut deserializer)
        && deserializer.end().is_ok()
    {
        return Ok(value);
    }
    let depth = nesting_depth(json);
    if depth > MAX_JSON_DEPTH {
        return Err(JsonFailure::TooDeep {
            limit: MAX_JSON_DEPTH,
        });
    }
    if depth < SERDE_JSON_DEPTH_LIMIT {
        return with_path(json, false);
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("flink-api-deep-json".to_owned())
            .stack_size(DEEP_DECODE_STACK)
            .spawn_scoped(scope, || decode_deep(json))
            .map_err(|_| JsonFailure::TooDeep {
                limit: SERDE_JSON_DEPTH_LIMIT - 1,
            })?
            .join()
            // A panic of a `Deserialize` impl goes on in the caller, as it would inline.
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Decodes a document deeper than `serde_json`'s limit, on a stack that fits it.
fn decode_deep<T: DeserializeOwned>(json: &[u8]) -> Result<T, JsonFailure> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    deserializer.disable_recursion_limit();
    if let Ok(value) = T::deserialize(&mut deserializer)
        && deserializer.end().is_ok()
    {
        return Ok(value);
    }
    with_path(json, true)
}

/// Decodes one document again, tracking the path, for the error of one that does not fit.
fn with_path<T: DeserializeOwned>(json: &[u8], deep: bool) -> Result<T, JsonFailure> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    if deep {
        deserializer.disable_recursion_limit();
    }
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        JsonFailure::Invalid {
            path: error.path().to_string(),
            error: error.into_inner(),
        }
    })?;
    deserializer.end().map_err(|error| JsonFailure::Invalid {
        path: ".".to_owned(),
        error,
    })?;
    Ok(value)
}

/// The deepest nesting of objects and arrays in `json`, counted up to one more than
/// [`MAX_JSON_DEPTH`] (the scan stops there).
///
/// Brackets inside strings do not count. For a document that is not JSON, the count up to the
/// first error is what a parser would reach, so it bounds the parser's depth too.
pub(crate) fn nesting_depth(json: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in json {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > MAX_JSON_DEPTH {
                    break;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::cluster::GetOverview;
    use crate::jobs::vertices::GetVertexFlameGraph;
    use crate::jobs::{GetJob, GetJobPlan};
    use crate::metrics::{AggregatedMetricScope, GetAggregatedMetrics};
    use crate::{ApiError, JsonEndpoint, Raw, decode_response, error_from_response};

    const JOB: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    const VERTEX: &str = "0a448493b4782967b150582570326227";

    /// `levels` arrays, each inside the one before.
    fn arrays(levels: usize) -> String {
        format!("{}{}", "[".repeat(levels), "]".repeat(levels))
    }

    /// A flame graph answer whose stack is `frames` calls deep.
    fn flame_graph(frames: usize) -> String {
        let mut node = r#"{"name":"frame","value":1,"children":[]}"#.to_owned();
        for _ in 0..frames {
            node = format!(r#"{{"name":"caller:1","value":1,"children":[{node}]}}"#);
        }
        format!(r#"{{"endTimestamp":1714564800000,"data":{node}}}"#)
    }

    fn assert_too_deep(error: &ApiError, request: &str, status: StatusCode) {
        match error {
            ApiError::TooDeep {
                request: named,
                status: answered,
                limit,
            } => {
                assert_eq!(named, request);
                assert_eq!(*answered, status);
                assert_eq!(*limit, MAX_JSON_DEPTH);
            }
            other => panic!("expected TooDeep, got {other:?}"),
        }
        let text = error.to_string();
        assert!(
            text.starts_with(request)
                && text.contains("1024 levels")
                && text.contains("rest.flamegraph.stack-depth"),
            "{text}"
        );
        assert_eq!(error.status(), Some(status));
    }

    #[test]
    fn a_million_levels_are_a_typed_error_for_every_decoder() {
        let ok = StatusCode::OK;
        for json in [
            arrays(1_000_000),
            format!("{}1{}", r#"{"a":"#.repeat(1_000_000), "}".repeat(1_000_000)),
            // A known model with a deep value in a field it keeps as it came.
            format!(r#"{{"taskmanagers":1,"x":{}}}"#, arrays(1_000_000)),
        ] {
            let body = json.as_bytes();
            let typed = decode_response(&GetOverview, ok, Some("application/json"), body);
            assert_too_deep(&typed.unwrap_err(), "GET /overview", ok);
            let raw = decode_response(&Raw(GetOverview), ok, None, body);
            assert_too_deep(&raw.unwrap_err(), "GET /overview", ok);
            let failed = StatusCode::INTERNAL_SERVER_ERROR;
            let error = error_from_response("GET /overview", failed, None, body);
            assert_too_deep(&error, "GET /overview", failed);
        }
        let envelope = format!(r#"{{"errors":["x"],"extra":{}}}"#, arrays(1_000_000));
        let error = error_from_response(
            "GET /overview",
            StatusCode::BAD_GATEWAY,
            None,
            envelope.as_bytes(),
        );
        assert_too_deep(&error, "GET /overview", StatusCode::BAD_GATEWAY);
    }

    #[test]
    fn one_level_over_the_limit_is_refused_and_the_limit_itself_is_read() {
        let over = arrays(MAX_JSON_DEPTH + 1);
        let error = decode_response(&Raw(GetOverview), StatusCode::OK, None, over.as_bytes());
        assert_too_deep(&error.unwrap_err(), "GET /overview", StatusCode::OK);
        assert_eq!(nesting_depth(over.as_bytes()), MAX_JSON_DEPTH + 1);

        // What a caller does with the deepest document it can get (print it, decode it again,
        // drop it) recurses on its own stack: even unoptimized, it fits 2 MiB, the stack of
        // Rust's spawned threads and of tokio's workers.
        let at_limit = arrays(MAX_JSON_DEPTH);
        let handled = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let value =
                    decode_response(&Raw(GetOverview), StatusCode::OK, None, at_limit.as_bytes())
                        .unwrap();
                let printed = serde_json::to_string_pretty(&value).unwrap();
                let again: serde_json::Value = serde_json::from_value(value).unwrap();
                (printed.matches('[').count(), again.is_array())
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(handled, (MAX_JSON_DEPTH, true));
    }

    #[test]
    fn a_flame_graph_of_a_deep_stack_still_decodes() {
        let endpoint = GetVertexFlameGraph::new(JOB.parse().unwrap(), VERTEX.parse().unwrap());
        // Recorded from the test job on Flink 2.3.0.
        let recorded = include_bytes!("../tests/fixtures/flamegraph-2.3.0.json");
        let graph = decode_response(&endpoint, StatusCode::OK, None, recorded).unwrap();
        let root = graph.data.unwrap();
        assert_eq!((root.name.as_str(), root.frame_count()), ("root", 42));

        // 500 frames: five times `rest.flamegraph.stack-depth`'s default.
        let json = flame_graph(500);
        assert!(nesting_depth(json.as_bytes()) <= MAX_JSON_DEPTH);
        let graph = decode_response(&endpoint, StatusCode::OK, None, json.as_bytes()).unwrap();
        assert_eq!(graph.data.unwrap().frame_count(), 501);
        let raw = decode_response(&Raw(endpoint), StatusCode::OK, None, json.as_bytes()).unwrap();
        assert_eq!(raw["endTimestamp"], 1_714_564_800_000_i64);
    }

    #[test]
    fn the_deepest_documents_decode_on_their_own_stack_not_the_callers() {
        let endpoint = GetVertexFlameGraph::new(JOB.parse().unwrap(), VERTEX.parse().unwrap());
        // 510 frames: 1,023 levels, as deep as a flame graph within the limit gets.
        let json = flame_graph(510);
        assert_eq!(nesting_depth(json.as_bytes()), MAX_JSON_DEPTH - 1);
        let broken = json.replacen(
            r#""value":1,"children":[]"#,
            r#""value":"x","children":[]"#,
            1,
        );
        // A caller with 512 KiB of stack: enough for the 128 levels that `serde_json` reads
        // before it gives up, far from the 1.5 to 2 MiB that 1,024 levels need unoptimized. The
        // graph is dropped (recursively) by this test's thread, not the caller.
        let (graph, path) = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                let graph = decode_response(&endpoint, StatusCode::OK, None, json.as_bytes());
                let error = decode_response(&endpoint, StatusCode::OK, None, broken.as_bytes());
                let path = match error.unwrap_err() {
                    ApiError::Decode { path, .. } => path,
                    other => panic!("expected Decode, got {other:?}"),
                };
                (graph, path)
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(graph.unwrap().data.unwrap().frame_count(), 511);
        // The path of the innermost frame's value, found on the deep stack too.
        assert!(path.starts_with("data.children[0].children[0]."), "{path}");
        assert!(path.ends_with("].value"), "{path}");
    }

    /// The path and message of the error of `body` decoded as `endpoint`'s answer.
    fn decode_error<E: JsonEndpoint>(endpoint: &E, body: &str) -> (String, String) {
        match decode_response(endpoint, StatusCode::OK, None, body.as_bytes()) {
            Err(ApiError::Decode { path, message, .. }) => (path, message),
            Err(other) => panic!("expected Decode, got {other:?}"),
            Ok(_) => panic!("expected Decode, but {body} decoded"),
        }
    }

    #[test]
    fn errors_inside_a_plan_and_in_lenient_numbers_are_named_by_their_path() {
        let plan = GetJobPlan {
            job: JOB.parse().unwrap(),
        };
        let bad_node = r#"{"plan":{"jid":"j","name":"n","nodes":[{"id":"a","parallelism":1},{"id":"b","parallelism":"two"}]}}"#;
        let (path, message) = decode_error(&plan, bad_node);
        assert_eq!(path, "plan.nodes[1].parallelism");
        assert!(
            message.contains(r#"invalid type: string "two", expected i64"#),
            "{message}"
        );
        let (path, message) = decode_error(&plan, r#"{"plan":"none"}"#);
        assert_eq!(path, "plan");
        assert!(message.contains("expected a plan object"), "{message}");
        // `{}` is no plan, whatever the plan's own decoder thought of it: a later error is the
        // one reported.
        let job = GetJob {
            job: JOB.parse().unwrap(),
        };
        let (path, message) = decode_error(&job, r#"{"plan":{},"jid":5}"#);
        assert_eq!(path, "jid");
        assert!(message.contains("invalid type: integer `5`"), "{message}");

        let metrics = GetAggregatedMetrics::names(AggregatedMetricScope::Jobs(Vec::new()));
        let (path, message) =
            decode_error(&metrics, r#"[{"id":"a","min":1},{"id":"b","max":"lots"}]"#);
        assert_eq!(path, "[1].max");
        assert!(
            message.contains(r#"invalid value: string "lots", expected a number or "NaN""#),
            "{message}"
        );
    }

    #[test]
    fn nothing_may_follow_the_document() {
        for json in [
            &b"[1] [2]"[..],
            b"{} x",
            &format!("{} 1", arrays(300)).into_bytes(),
        ] {
            let error = decode_response(&Raw(GetOverview), StatusCode::OK, None, json);
            assert!(
                matches!(&error, Err(ApiError::Decode { path, .. }) if path == "."),
                "{error:?}"
            );
        }
    }
}
