//! Flink's error envelope and every other error body, on any bytes: the first two bytes pick the
//! status (400 to 599) and the content type, the rest is the body.
//!
//! Reading an error never panics or overflows the stack; the error keeps the status, renders,
//! and keeps every string of a Flink envelope.

#![no_main]

use flink_api::{ApiError, error_from_response};
use http::StatusCode;
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [Option<&str>; 4] = [
    None,
    Some("application/json; charset=UTF-8"),
    Some("text/html"),
    Some("text/plain"),
];

fuzz_target!(|data: &[u8]| {
    let [code, kind, body @ ..] = data else {
        return;
    };
    let status = StatusCode::from_u16(400 + u16::from(*code) % 200).expect("400 to 599");
    let content_type = CONTENT_TYPES[usize::from(*kind) % CONTENT_TYPES.len()];
    let error = error_from_response("GET /fuzz", status, content_type, body);

    assert_eq!(error.status(), Some(status), "{error:?}");
    let _ = (
        error.to_string(),
        format!("{error:?}"),
        error.flink_message(),
    );
    let _ = (error.is_not_found(), error.is_payload_too_large());
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let _ = cause.to_string();
        source = cause.source();
    }
    if let ApiError::Flink { errors, extra, .. } = &error {
        // The envelope parsed: its strings and other fields are exactly the body's.
        // At most `MAX_JSON_DEPTH` levels, as it was read: deep, but well within the stack.
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        deserializer.disable_recursion_limit();
        let body = serde::Deserialize::deserialize(&mut deserializer);
        let body: serde_json::Value = body.expect("an envelope is JSON");
        let mut expected = body.as_object().expect("an envelope is an object").clone();
        let sent = expected.remove("errors").expect("an envelope has errors");
        assert_eq!(sent, serde_json::json!(errors));
        assert_eq!(**extra, expected);
    }
});
