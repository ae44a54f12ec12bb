//! Numbers as Flink writes them where Java's doubles leak through: a JSON number, or the
//! strings `"NaN"`, `"Infinity"` and `"-Infinity"` (percentiles of too few samples, busy time
//! of a task that has not reported yet).

use serde::{Deserialize, Deserializer, Serializer, de};

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's `with` passes a reference
pub(crate) fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_nan() {
        serializer.serialize_str("NaN")
    } else if value.is_infinite() {
        serializer.serialize_str(if *value > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        })
    } else {
        serializer.serialize_f64(*value)
    }
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Number(f64),
        Text(String),
        Null(()),
    }
    match Wire::deserialize(deserializer)? {
        Wire::Number(number) => Ok(number),
        Wire::Null(()) => Ok(f64::NAN),
        Wire::Text(text) => match text.as_str() {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            other => other.parse().map_err(|_| {
                de::Error::invalid_value(de::Unexpected::Str(other), &"a number or \"NaN\"")
            }),
        },
    }
}

/// The same for an optional value (absent stays `None`).
pub(crate) mod option {
    use serde::{Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` passes `&Option<_>`
    pub(crate) fn serialize<S: Serializer>(
        value: &Option<f64>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => super::serialize(value, serializer),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<f64>, D::Error> {
        super::deserialize(deserializer).map(Some)
    }
}
