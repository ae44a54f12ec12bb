//! Metric values as Flink reports them.

use serde::{Deserialize, Serialize};

use crate::Extra;

/// One metric of a component: its name, and its value when values were asked for.
///
/// Flink sends values as text; [`Metric::as_f64`] and [`Metric::as_i64`] read numbers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    /// The metric's name, e.g. `Status.JVM.CPU.Load`.
    pub id: String,
    /// Its value as Flink formats it; absent when only names were listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Metric {
    /// The value as a floating-point number, when it is one.
    pub fn as_f64(&self) -> Option<f64> {
        self.value.as_deref()?.trim().parse().ok()
    }

    /// The value as an integer, when it is one.
    pub fn as_i64(&self) -> Option<i64> {
        self.value.as_deref()?.trim().parse().ok()
    }
}

/// One metric aggregated across components; only the aggregations asked for are set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AggregatedMetric {
    /// The metric's name.
    pub id: String,
    /// The smallest value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::lenient_f64::option"
    )]
    pub min: Option<f64>,
    /// The largest value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::lenient_f64::option"
    )]
    pub max: Option<f64>,
    /// The mean value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::lenient_f64::option"
    )]
    pub avg: Option<f64>,
    /// The sum of the values.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::lenient_f64::option"
    )]
    pub sum: Option<f64>,
    /// How unevenly the values are spread, from 0 (even) to 100.
    ///
    /// Like the others, `NaN` when Flink has no values to aggregate (it writes `"NaN"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::lenient_f64::option"
    )]
    pub skew: Option<f64>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}
