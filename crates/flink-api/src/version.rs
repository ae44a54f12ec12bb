//! The Flink version a server runs, for endpoints and fields that not every version has.

use std::fmt;
use std::str::FromStr;

use crate::ApiError;

/// A Flink release as `GET /config` reports it (`2.3.0`, `1.20.5`, `2.4-SNAPSHOT`).
///
/// Ordered by major, minor and patch; a suffix such as `-SNAPSHOT` is kept for display only.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FlinkVersion {
    major: u16,
    minor: u16,
    patch: u16,
    text: String,
}

impl FlinkVersion {
    /// A version from its numbers.
    pub fn new(major: u16, minor: u16, patch: u16) -> Self {
        Self {
            major,
            minor,
            patch,
            text: format!("{major}.{minor}.{patch}"),
        }
    }

    /// The major version (`2` for 2.3.0).
    pub fn major(&self) -> u16 {
        self.major
    }

    /// The minor version (`3` for 2.3.0).
    pub fn minor(&self) -> u16 {
        self.minor
    }

    /// Whether this version is `major.minor` or newer.
    pub fn at_least(&self, major: u16, minor: u16) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// An `Unsupported` error unless this version is `major.minor` or newer.
    pub fn require(&self, major: u16, minor: u16, feature: &str) -> Result<(), ApiError> {
        if self.at_least(major, minor) {
            Ok(())
        } else {
            Err(ApiError::Unsupported {
                feature: feature.to_owned(),
                server_version: self.to_string(),
                since: format!("{major}.{minor}"),
            })
        }
    }
}

impl FromStr for FlinkVersion {
    type Err = ApiError;

    fn from_str(value: &str) -> Result<Self, ApiError> {
        let numeric = value
            .split(['-', ' '])
            .next()
            .unwrap_or_default()
            .trim_start_matches('v');
        let mut parts = numeric.split('.').map(str::parse::<u16>);
        let invalid = || {
            ApiError::invalid(
                "Flink version",
                value,
                "a Flink version looks like `2.3.0` or `1.20`",
            )
        };
        let major = parts.next().and_then(Result::ok).ok_or_else(invalid)?;
        let minor = parts.next().and_then(Result::ok).ok_or_else(invalid)?;
        let patch = match parts.next() {
            None => 0,
            Some(patch) => patch.map_err(|_| invalid())?,
        };
        Ok(Self {
            major,
            minor,
            patch,
            text: value.to_owned(),
        })
    }
}

impl PartialOrd for FlinkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FlinkVersion {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch))
    }
}

impl fmt::Display for FlinkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for FlinkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FlinkVersion({})", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_releases_and_snapshots() {
        let release: FlinkVersion = "2.3.0".parse().unwrap();
        assert_eq!((release.major(), release.minor()), (2, 3));
        let snapshot: FlinkVersion = "2.4-SNAPSHOT".parse().unwrap();
        assert!(snapshot > release);
        assert_eq!(snapshot.to_string(), "2.4-SNAPSHOT");
        assert!("1.20.5".parse::<FlinkVersion>().unwrap() < release);
        assert!(
            "x.y"
                .parse::<FlinkVersion>()
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn require_names_the_feature_and_both_versions() {
        let old: FlinkVersion = "1.20.5".parse().unwrap();
        assert!(old.require(1, 20, "claimMode").is_ok());
        let error = old.require(2, 0, "run-application").unwrap_err();
        assert!(error.is_unsupported());
        let text = error.to_string();
        assert!(
            text.contains("run-application") && text.contains("1.20.5") && text.contains("2.0"),
            "{text}"
        );
    }
}
