//! Lists of metric names to read: checked, grouped into the `get=` values of as many requests
//! as the URL length needs, and joined, once per list rather than once per call.

use std::sync::Arc;

use crate::ApiError;

/// At most this many bytes of metric names go into one request's `get=` parameter.
pub(super) const MAX_NAMES_PER_REQUEST_BYTES: usize = 1500;

/// Metric names checked and grouped once, each group already joined into the `get=` value of
/// one request; cheap to clone (one reference count).
///
/// The metric calls take a list of names and check it on every call; a poller that asks for
/// the same metrics every second makes a `MetricNames` once and passes it instead:
///
/// ```
/// use flink_api::metrics::{GetMetrics, MetricNames, MetricScope, names};
///
/// let wanted = MetricNames::new(&[names::NUM_RECORDS_IN, names::NUM_RECORDS_OUT])?;
/// let requests = GetMetrics::values_of(MetricScope::JobManager, &wanted)?;
/// assert_eq!(requests.len(), 1);
/// assert_eq!(wanted.iter().collect::<Vec<_>>(), ["numRecordsIn", "numRecordsOut"]);
/// # Ok::<(), flink_api::ApiError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricNames {
    /// The `get=` value of each request: its names joined with `,`.
    groups: Arc<[Arc<str>]>,
}

impl MetricNames {
    /// Checks `names` (at least one; none empty or with a `,`, which Flink splits `get=` on)
    /// and groups them so that no request's URL grows too long.
    pub fn new<S: AsRef<str>>(names: &[S]) -> Result<Self, ApiError> {
        Self::grouped(names, MAX_NAMES_PER_REQUEST_BYTES)
    }

    /// The names, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().flat_map(|group| group.split(','))
    }

    /// The `get=` value of each request.
    pub(super) fn groups(&self) -> &[Arc<str>] {
        &self.groups
    }

    /// The same names grouped for at most `budget` bytes per request: regrouped (rarely: next
    /// to a long member list of an aggregate) when that is less than they were grouped for.
    pub(super) fn within(&self, budget: usize) -> Result<Self, ApiError> {
        if budget >= MAX_NAMES_PER_REQUEST_BYTES {
            return Ok(self.clone());
        }
        let names: Vec<&str> = self.iter().collect();
        Self::grouped(&names, budget)
    }

    /// Checks `names` and groups them in order, with at most `budget` encoded bytes of names
    /// per group (a longer name is a group of its own), each group joined as it is filled.
    fn grouped<S: AsRef<str>>(names: &[S], budget: usize) -> Result<Self, ApiError> {
        if names.is_empty() {
            return Err(ApiError::invalid(
                "metric names",
                "",
                "name at least one metric; to see which exist, list the names first",
            ));
        }
        let mut groups: Vec<String> = Vec::new();
        let mut group_len = 0;
        for name in names {
            let name = name.as_ref();
            if name.trim().is_empty() || name.contains(',') {
                return Err(ApiError::invalid(
                    "metric name",
                    name,
                    "a metric name is non-empty and has no `,` (Flink splits `get=` on commas)",
                ));
            }
            let len = encoded_len(name) + 1;
            match groups.last_mut() {
                Some(group) if group_len + len <= budget => {
                    group.push(',');
                    group.push_str(name);
                    group_len += len;
                }
                _ => {
                    // Room for a full group at once: no reallocation as names are added.
                    let mut group = String::with_capacity(budget.max(name.len()));
                    group.push_str(name);
                    groups.push(group);
                    group_len = len;
                }
            }
        }
        Ok(Self {
            groups: groups.into_iter().map(Arc::from).collect(),
        })
    }
}

/// Metric names as the metric calls take them: a list of names (`&[&str]`, `&[String]`,
/// `&Vec<_>`, checked on each call) or [`MetricNames`], checked once.
pub trait IntoMetricNames {
    /// The names, checked and grouped.
    fn into_metric_names(self) -> Result<MetricNames, ApiError>;
}

impl IntoMetricNames for MetricNames {
    fn into_metric_names(self) -> Result<MetricNames, ApiError> {
        Ok(self)
    }
}

impl IntoMetricNames for &MetricNames {
    fn into_metric_names(self) -> Result<MetricNames, ApiError> {
        Ok(self.clone())
    }
}

impl<S: AsRef<str>> IntoMetricNames for &[S] {
    fn into_metric_names(self) -> Result<MetricNames, ApiError> {
        MetricNames::new(self)
    }
}

impl<S: AsRef<str>, const N: usize> IntoMetricNames for &[S; N] {
    fn into_metric_names(self) -> Result<MetricNames, ApiError> {
        MetricNames::new(self)
    }
}

impl<S: AsRef<str>> IntoMetricNames for &Vec<S> {
    fn into_metric_names(self) -> Result<MetricNames, ApiError> {
        MetricNames::new(self)
    }
}

/// Validates metric names and groups them so that each group's `get=` value stays short enough
/// for one request (the typed metric endpoints send one request per group); for tools that
/// build metric requests themselves, such as `flinkctl api`.
pub fn split_names<S: AsRef<str>>(names: &[S]) -> Result<Vec<Vec<String>>, ApiError> {
    Ok(MetricNames::new(names)?
        .groups()
        .iter()
        .map(|group| group.split(',').map(str::to_owned).collect())
        .collect())
}

/// The length of a query value once percent-encoded (counted strictly: every byte but ASCII
/// alphanumerics as three, as `percent_encoding::NON_ALPHANUMERIC` encodes it), counted
/// without encoding it.
pub(super) fn encoded_len(value: &str) -> usize {
    // Counted 16 bytes at a time into a `u8`, which the compiler turns into vector
    // instructions: a count byte by byte costs three times as much, for every name of a call.
    let alphanumeric: usize = value
        .as_bytes()
        .chunks(16)
        .map(|chunk| {
            let count: u8 = chunk
                .iter()
                .map(|byte| u8::from(byte.is_ascii_alphanumeric()))
                .sum();
            usize::from(count)
        })
        .sum();
    value.len() * 3 - alphanumeric * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_once_and_every_list_form_gives_the_same_groups() {
        let owned: Vec<String> = (0..100).map(|i| format!("0.numRecordsIn{i:03}")).collect();
        let borrowed: Vec<&str> = owned.iter().map(String::as_str).collect();
        let names = MetricNames::new(&owned).unwrap();
        assert!(names.groups().len() > 1, "{names:?}");
        assert!(names.iter().eq(borrowed.iter().copied()));
        for other in [
            borrowed.as_slice().into_metric_names(),
            (&borrowed).into_metric_names(),
            (&owned).into_metric_names(),
            (&names).into_metric_names(),
            names.clone().into_metric_names(),
        ] {
            assert_eq!(other.unwrap(), names);
        }
        let fixed = (&["a", "b"]).into_metric_names().unwrap();
        assert_eq!(fixed.groups(), [Arc::from("a,b")]);
        assert_eq!(
            split_names(&borrowed).unwrap().concat(),
            owned,
            "split_names keeps every name once, in order"
        );
    }

    #[test]
    fn a_smaller_budget_regroups_and_the_full_one_shares() {
        let names = MetricNames::new(&["aaaa", "bbbb", "cccc"]).unwrap();
        let same = names.within(MAX_NAMES_PER_REQUEST_BYTES).unwrap();
        assert!(Arc::ptr_eq(&same.groups, &names.groups), "not copied");
        let small = names.within(10).unwrap();
        assert_eq!(small.groups(), [Arc::from("aaaa,bbbb"), Arc::from("cccc")]);
        assert!(small.iter().eq(names.iter()));
    }

    #[test]
    fn encoded_lengths_are_those_of_the_strictest_encoding() {
        for value in [
            "numRecordsIn",
            "0.Source__numbers.a b&c",
            "Größe.µs",
            "",
            "%2e/?#",
        ] {
            let encoded =
                percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            assert_eq!(encoded_len(value), encoded.len(), "{value}");
        }
    }

    #[test]
    fn empty_lists_and_bad_names_are_refused() {
        for bad in [&[][..], &["a,b"], &[" "], &[""], &["ok", "a,"]] {
            let error = MetricNames::new(bad).unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}: {error}");
        }
    }
}
