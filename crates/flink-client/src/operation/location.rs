//! Where a savepoint was written.

use std::fmt;
use std::path::PathBuf;

/// Where a savepoint was written, as Flink reports it: a URI such as
/// `file:/flink/savepoints/savepoint-ab12cd-0123456789ab` or `s3://bucket/savepoint-…`.
///
/// Pass it to a jar run as `savepointPath` to resume from it, or to
/// [`FlinkClient::dispose_savepoint`] to delete it.
///
/// [`FlinkClient::dispose_savepoint`]: crate::FlinkClient::dispose_savepoint
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SavepointLocation(String);

impl SavepointLocation {
    /// A location from its text (as stored from an earlier savepoint).
    pub fn new(location: impl Into<String>) -> Self {
        Self(location.into())
    }

    /// The location as Flink reported it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The location as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The directory on this machine's file system, for `file:` locations (and plain paths);
    /// `None` for other schemes (`s3:`, `hdfs:`, …).
    pub fn local_path(&self) -> Option<PathBuf> {
        let location = self.0.as_str();
        let path = match location.strip_prefix("file:") {
            // `file:///a/b` and `file://localhost/a/b` both name `/a/b`.
            Some(rest) => match rest.strip_prefix("//") {
                Some(authority_and_path) => {
                    let slash = authority_and_path.find('/')?;
                    let (authority, path) = authority_and_path.split_at(slash);
                    if !(authority.is_empty() || authority == "localhost") {
                        return None;
                    }
                    path
                }
                None => rest,
            },
            None if location.starts_with('/') => location,
            None => return None,
        };
        Some(PathBuf::from(path))
    }
}

impl fmt::Display for SavepointLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SavepointLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SavepointLocation({})", self.0)
    }
}

impl AsRef<str> for SavepointLocation {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<SavepointLocation> for String {
    fn from(location: SavepointLocation) -> Self {
        location.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_of_savepoint_locations() {
        let cases = [
            ("file:/tmp/sp/savepoint-1", Some("/tmp/sp/savepoint-1")),
            ("file:///tmp/sp/savepoint-1", Some("/tmp/sp/savepoint-1")),
            ("file://localhost/tmp/sp", Some("/tmp/sp")),
            ("/tmp/sp", Some("/tmp/sp")),
            ("file://otherhost/tmp/sp", None),
            ("s3://bucket/sp", None),
        ];
        for (location, expected) in cases {
            assert_eq!(
                SavepointLocation::new(location).local_path(),
                expected.map(PathBuf::from),
                "{location}"
            );
        }
    }
}
