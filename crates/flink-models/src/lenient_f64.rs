//! Numbers as Flink writes them where Java's doubles leak through: a JSON number, or the
//! strings `"NaN"`, `"Infinity"` and `"-Infinity"` (percentiles of too few samples, busy time
//! of a task that has not reported yet).

use std::fmt;

use serde::{Deserializer, Serializer, de};

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

/// Reads a number, one of Java's non-finite strings or another numeric string, or `null`
/// (as NaN). One visitor over `deserialize_any`, so that nothing is buffered: the derived
/// alternative (an untagged enum) copies every value into serde's private `Content` first and
/// pays for an error each time a string is tried as a number.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    deserializer.deserialize_any(LenientF64)
}

/// The visitor of [`deserialize`].
struct LenientF64;

impl de::Visitor<'_> for LenientF64 {
    type Value = f64;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a number or \"NaN\"")
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<f64, E> {
        Ok(value)
    }

    #[allow(clippy::cast_precision_loss)] // as JSON readers do: the nearest double
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<f64, E> {
        Ok(value as f64)
    }

    #[allow(clippy::cast_precision_loss)] // as JSON readers do: the nearest double
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<f64, E> {
        Ok(value as f64)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<f64, E> {
        match text {
            "NaN" => Ok(f64::NAN),
            "Infinity" => Ok(f64::INFINITY),
            "-Infinity" => Ok(f64::NEG_INFINITY),
            other => other
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }

    /// JSON `null` (through `serde_json` and through the buffered values of structs with
    /// flattened fields alike).
    fn visit_unit<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
    }

    fn visit_none<E: de::Error>(self) -> Result<f64, E> {
        Ok(f64::NAN)
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

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use crate::jobs::checkpoints::StatsSummary;
    use crate::metrics::AggregatedMetric;

    /// An aggregated metric inside a struct that flattens it: serde buffers the object and
    /// reads the numbers from its own buffer, through `deserialize_any`.
    #[derive(Deserialize)]
    struct Buffered {
        #[serde(flatten)]
        metric: AggregatedMetric,
    }

    /// Inputs that decode, and the number each gives.
    const ACCEPTED: [(&str, f64); 13] = [
        ("3", 3.0),
        ("-2", -2.0),
        ("0.25", 0.25),
        ("1.7976931348623157e308", f64::MAX),
        ("18446744073709551615", 18_446_744_073_709_551_615.0),
        (r#""NaN""#, f64::NAN),
        (r#""Infinity""#, f64::INFINITY),
        (r#""-Infinity""#, f64::NEG_INFINITY),
        (r#""2.5""#, 2.5),
        (r#""-1e3""#, -1000.0),
        (r#""7""#, 7.0),
        ("null", f64::NAN),
        (r#""inf""#, f64::INFINITY),
    ];

    /// Inputs that are refused, and what the error says.
    const REFUSED: [(&str, &str); 6] = [
        (
            r#""abc""#,
            r#"invalid value: string "abc", expected a number or "NaN""#,
        ),
        (
            r#""""#,
            r#"invalid value: string "", expected a number or "NaN""#,
        ),
        (
            r#"" 1""#,
            r#"invalid value: string " 1", expected a number or "NaN""#,
        ),
        (
            "true",
            r#"invalid type: boolean `true`, expected a number or "NaN""#,
        ),
        ("[1]", r#"expected a number or "NaN""#),
        ("{}", r#"expected a number or "NaN""#),
    ];

    fn same(read: f64, expected: f64) -> bool {
        (read.is_nan() && expected.is_nan()) || read.to_bits() == expected.to_bits()
    }

    /// `min` of `{"id":"m","min":<wire>}` read straight from the text, through serde's buffer
    /// of a flattening struct, and from a `Value`.
    fn min_three_ways(wire: &str) -> [Result<Option<f64>, String>; 3] {
        let json = format!(r#"{{"id":"m","min":{wire}}}"#);
        let direct = serde_json::from_str::<AggregatedMetric>(&json).map(|metric| metric.min);
        let buffered = serde_json::from_str::<Buffered>(&json).map(|outer| outer.metric.min);
        let value = serde_json::from_str::<serde_json::Value>(&json)
            .and_then(serde_json::from_value::<AggregatedMetric>)
            .map(|metric| metric.min);
        [direct, buffered, value].map(|read| read.map_err(|error| error.to_string()))
    }

    /// `p50` of a checkpoint statistics summary (a plain `f64` field) read from `wire`.
    fn p50(wire: &str) -> Result<f64, String> {
        let json =
            format!(r#"{{"min":1,"max":3,"avg":2,"p50":{wire},"p90":3,"p95":3,"p99":3,"p999":3}}"#);
        serde_json::from_str::<StatsSummary>(&json)
            .map(|summary| summary.p50)
            .map_err(|error| error.to_string())
    }

    #[test]
    fn numbers_non_finite_strings_numeric_strings_and_null_are_read_every_way() {
        for (wire, expected) in ACCEPTED {
            for read in min_three_ways(wire) {
                let read = read.unwrap_or_else(|error| panic!("{wire}: {error}"));
                assert!(same(read.unwrap(), expected), "{wire}: {read:?}");
            }
            let read = p50(wire).unwrap_or_else(|error| panic!("{wire}: {error}"));
            assert!(same(read, expected), "{wire}: {read}");
        }
    }

    #[test]
    fn other_values_are_refused_with_what_was_expected() {
        for (wire, message) in REFUSED {
            for read in min_three_ways(wire) {
                let error = read.unwrap_err();
                assert!(error.contains(message), "{wire}: {error}");
            }
            let error = p50(wire).unwrap_err();
            assert!(error.contains(message), "{wire}: {error}");
        }
    }

    #[test]
    fn an_absent_optional_number_stays_absent_and_non_finite_ones_encode_as_flink_writes_them() {
        let metric: AggregatedMetric = serde_json::from_str(
            r#"{"id":"m","max":"NaN","sum":"Infinity","avg":"-Infinity","skew":1.5}"#,
        )
        .unwrap();
        assert_eq!(metric.min, None);
        assert_eq!(
            serde_json::to_string(&metric).unwrap(),
            r#"{"id":"m","max":"NaN","avg":"-Infinity","sum":"Infinity","skew":1.5}"#
        );
    }
}
