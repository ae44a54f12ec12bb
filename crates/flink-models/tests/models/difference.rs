//! Where two JSON documents differ, for messages that point at the loss instead of printing
//! both documents whole.

use serde_json::Value;

/// The first place where `actual` differs from `expected`, as a JSON pointer with both values,
/// or `None` if they are equal.
pub(crate) fn difference(expected: &Value, actual: &Value) -> Option<String> {
    difference_at("", expected, actual)
}

fn difference_at(pointer: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            let keys = expected.keys().chain(actual.keys());
            keys.into_iter().find_map(|key| {
                let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (expected.get(key), actual.get(key)) {
                    (Some(expected), Some(actual)) => difference_at(&here, expected, actual),
                    (Some(expected), None) => Some(format!("{here}: {expected} is missing")),
                    (None, Some(actual)) => Some(format!("{here}: {actual} was not sent")),
                    (None, None) => None,
                }
            })
        }
        (Value::Array(expected), Value::Array(actual)) if expected.len() == actual.len() => {
            expected
                .iter()
                .zip(actual)
                .enumerate()
                .find_map(|(index, (expected, actual))| {
                    difference_at(&format!("{pointer}/{index}"), expected, actual)
                })
        }
        _ => (expected != actual).then(|| format!("{pointer}: {expected} became {actual}")),
    }
}
