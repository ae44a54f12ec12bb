//! Validated identifiers: a bad id is rejected when it is made, never sent to Flink.

use crate::ApiError;

/// Declares a validated newtype over a `String`: `as_str`, `FromStr` (which checks the text
/// with `$parse`, a `fn(&str) -> Result<String, ApiError>` that returns the id to keep),
/// `TryFrom<&str>`, `TryFrom<String>`, `AsRef<str>`, `Display` (the id itself) and `Debug`
/// (`Name(id)`).
macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $as_str:literal, $parse:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            #[doc = $as_str]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::ApiError;

            fn from_str(value: &str) -> Result<Self, $crate::ApiError> {
                let parse: fn(&str) -> Result<String, $crate::ApiError> = $parse;
                parse(value).map(Self)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = $crate::ApiError;

            fn try_from(value: &str) -> Result<Self, $crate::ApiError> {
                value.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::ApiError;

            fn try_from(value: String) -> Result<Self, $crate::ApiError> {
                value.parse()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

pub(crate) use text_id;

/// Declares a newtype over a 32-hex-character Flink id (Flink's `AbstractID` wire form).
macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        text_id!(
            $(#[$doc])*
            $name,
            "The id as Flink writes it: 32 lower-case hexadecimal characters.",
            |value| parse_hex_id(value, $what)
        );

        impl $name {
            /// A new random id, for ids the client chooses itself (so a retried request
            /// names the same thing twice instead of creating a second one).
            pub fn generate() -> Self {
                Self(random_hex_id())
            }
        }
    };
}

hex_id!(
    /// A job's id: 32 hexadecimal characters, as in `/jobs/:jobid`.
    JobId,
    "job id"
);
hex_id!(
    /// The id of an asynchronous operation (savepoint, checkpoint, disposal, dataset deletion).
    TriggerId,
    "trigger id"
);
hex_id!(
    /// A cluster dataset's id (an intermediate result kept by the cluster), as in `/datasets/:datasetid`.
    DataSetId,
    "dataset id"
);

hex_id!(
    /// A job vertex's id (32 hexadecimal characters), as in `/jobs/:jobid/vertices/:vertexid`.
    VertexId,
    "vertex id"
);
hex_id!(
    /// An application's id (Flink 2.x), as in `/applications/:applicationid`. A plain jar
    /// run's application has the job's id.
    ApplicationId,
    "application id"
);
hex_id!(
    /// A rescale's id (Flink 2.x), the `rescaleUuid` of an entry of
    /// `GET /jobs/:jobid/rescales/history`.
    RescaleId,
    "rescale id"
);

impl From<JobId> for ApplicationId {
    /// The application of a plain jar run, whose id is the job's.
    fn from(job: JobId) -> Self {
        Self(job.0)
    }
}

/// 32 random lower-case hex characters.
///
/// Randomness comes from the standard library's per-process random hash keys mixed with the
/// time and a counter: unique enough for trigger and job ids, without a `rand` dependency.
fn random_hex_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let half = |salt: u64| {
        let mut hasher = std::hash::RandomState::new().build_hasher();
        hasher.write_u128(nanos);
        hasher.write_u64(count);
        hasher.write_u64(salt);
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(1), half(2))
}

/// Whether `value` has the form of a Flink `AbstractID`: 32 hexadecimal characters.
pub(crate) fn is_hex_id(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `value` in lower case if it is a 32-hex-character id, else why not, naming it `what`.
fn parse_hex_id(value: &str, what: &'static str) -> Result<String, ApiError> {
    if is_hex_id(value) {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(ApiError::invalid(
            what,
            value,
            format!(
                "a {what} is 32 hexadecimal characters (like `a1b2c3d4e5f60718293a4b5c6d7e8f90`), this has {} characters",
                value.chars().count()
            ),
        ))
    }
}

/// `value` if it is non-empty text without control characters that stays in its path segment,
/// else why not, ending with `reason`, naming it `what`: the rule for ids Flink makes from names
/// (TaskManager ids, operator uids), which the server or the user chooses.
pub(crate) fn parse_plain_text(
    value: &str,
    what: &'static str,
    reason: &'static str,
) -> Result<String, ApiError> {
    if value.trim().is_empty() || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(what, value, reason));
    }
    if let Some(problem) = leaves_its_segment(value) {
        return Err(ApiError::invalid(
            what,
            value,
            format!("{problem}; {reason}"),
        ));
    }
    Ok(value.to_owned())
}

/// Why `value` would not stay in one path segment, if it would not: it is a dot segment (`.`,
/// `..`), which a proxy resolves against the segments before it, or it holds a separator (`/`, or
/// `\`, which some proxies read as `/`). Also once percent-decoded, as often as a proxy might
/// (`%2e%2e`, `%252F`): percent-encoding the id keeps it literal for Flink, but not for every
/// proxy on the way.
fn leaves_its_segment(value: &str) -> Option<&'static str> {
    let mut text = value.to_owned();
    loop {
        if text == "." || text == ".." {
            return Some(
                "it is the path step `.` or `..` (also when percent-decoded), which a proxy would resolve into another URL",
            );
        }
        if text.contains(['/', '\\']) {
            return Some(
                "it contains `/` or `\\` (also when percent-decoded), which would take it out of its URL path segment",
            );
        }
        // Each decoding that changes the text makes it shorter, so this ends.
        let decoded = percent_encoding::percent_decode_str(&text)
            .decode_utf8_lossy()
            .into_owned();
        if decoded == text {
            return None;
        }
        text = decoded;
    }
}

text_id!(
    /// A TaskManager's id, as listed by `GET /taskmanagers` (e.g. `127.0.0.1:41119-e8b103`).
    ///
    /// Any non-empty text without control characters; it is percent-encoded into one path segment.
    TaskManagerId,
    "The id as Flink reports it.",
    |value| {
        parse_plain_text(
            value,
            "TaskManager id",
            "a TaskManager id is the non-empty `id` of an entry of `GET /taskmanagers`",
        )
    }
);

text_id!(
    /// The id of an uploaded jar, as `GET /jars` lists it and `POST /jars/upload` returns it at the
    /// end of its `filename` (e.g. `8e5e…_my-job.jar`).
    ///
    /// A plain file name ending in `.jar`; it is percent-encoded into one path segment.
    JarId,
    "The id as Flink reports it.",
    parse_jar_id
);

impl JarId {
    /// The jar id inside the `filename` that `POST /jars/upload` answers with (its last path
    /// segment).
    pub fn from_upload_filename(filename: &str) -> Result<Self, ApiError> {
        filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(filename)
            .parse()
    }
}

/// `value` if it is a file name ending in `.jar`.
fn parse_jar_id(value: &str) -> Result<String, ApiError> {
    let file = parse_file_name(value).map_err(|_| {
        ApiError::invalid(
            "jar id",
            value,
            "a jar id is the `id` of an entry of `GET /jars` (like `8e5e…_job.jar`), without `/`",
        )
    })?;
    // Flink's upload handler compares case-sensitively, so `X.JAR` was never uploaded.
    #[allow(clippy::case_sensitive_file_extension_comparisons)]
    if !file.ends_with(".jar") {
        return Err(ApiError::invalid(
            "jar id",
            value,
            "a jar id ends in `.jar`; list the uploaded jars (`GET /jars`) for valid ids",
        ));
    }
    Ok(file)
}

text_id!(
    /// The name of a file in a JobManager's or TaskManager's log directory or profiler output.
    ///
    /// A plain file name: not empty, not `.` or `..`, no `/`, `\` or control characters, so it can
    /// never point outside the directory Flink serves.
    FileName,
    "The file name.",
    parse_file_name
);

/// `value` if it is a plain file name.
fn parse_file_name(value: &str) -> Result<String, ApiError> {
    let reason = if value.is_empty() {
        Some("a file name cannot be empty".to_owned())
    } else if let Some(problem) = leaves_its_segment(value) {
        Some(format!(
            "{problem}; a file name has no path: list the files first (`logs`) and use a name from there"
        ))
    } else if value.chars().any(char::is_control) {
        Some("a file name cannot contain control characters".to_owned())
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ApiError::invalid("file name", value, reason)),
        None => Ok(value.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_id_accepts_32_hex_and_normalizes_case() {
        let id: JobId = "A1B2C3D4E5F60718293A4B5C6D7E8F90".parse().unwrap();
        assert_eq!(id.as_str(), "a1b2c3d4e5f60718293a4b5c6d7e8f90");
    }

    #[test]
    fn job_id_rejects_wrong_length_and_non_hex() {
        for bad in [
            "",
            "abc",
            "not-a-job-id",
            "g1b2c3d4e5f60718293a4b5c6d7e8f90",
            "a1b2c3d4e5f60718293a4b5c6d7e8f9000",
        ] {
            let error = bad.parse::<JobId>().unwrap_err();
            assert!(error.is_invalid_input(), "{bad}");
            assert!(error.to_string().contains("32 hexadecimal"), "{error}");
        }
    }

    #[test]
    fn taskmanager_id_rejects_empty_and_control_characters() {
        assert!("".parse::<TaskManagerId>().is_err());
        assert!("  ".parse::<TaskManagerId>().is_err());
        assert!("a\nb".parse::<TaskManagerId>().is_err());
        assert_eq!(
            "127.0.0.1:41119-e8b103"
                .parse::<TaskManagerId>()
                .unwrap()
                .as_str(),
            "127.0.0.1:41119-e8b103"
        );
    }

    #[test]
    fn ids_chosen_by_the_server_or_the_user_never_leave_their_segment() {
        let taskmanager = |value: &str| value.parse::<TaskManagerId>();
        for bad in [
            ".",
            "..",
            "../../admin/users",
            "a/b",
            "a\\b",
            "%2e",
            "%2E%2e",
            ".%2E",
            "%252e%252E",
            "a%2Fb",
            "a%5cb",
            "%252F",
        ] {
            let error = taskmanager(bad).unwrap_err();
            assert!(error.is_invalid_input(), "{bad:?}");
            let text = error.to_string();
            assert!(
                text.contains(bad) && text.contains("URL") && text.contains("GET /taskmanagers"),
                "{text}"
            );
            assert!(bad.parse::<FileName>().is_err(), "{bad:?}");
        }
        for good in [
            "127.0.0.1:39915-1a2b3c",
            "flink-taskmanager-7d9f8-1_2",
            "container_e01_1700000000000_0001_01_000002",
            "...",
            "a..b",
            "100%",
            "%zz",
        ] {
            assert_eq!(taskmanager(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = JobId::generate();
        let b = JobId::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().parse::<JobId>().unwrap(), a);
        assert_eq!(TriggerId::generate().as_str().len(), 32);
    }

    #[test]
    fn jar_ids_are_file_names_ending_in_jar() {
        let id = JarId::from_upload_filename("/tmp/flink-web-upload/8e5e0c_flink-rs-testjob.jar")
            .unwrap();
        assert_eq!(id.as_str(), "8e5e0c_flink-rs-testjob.jar");
        for bad in ["", "x.txt", "a/b.jar", ".."] {
            assert!(
                bad.parse::<JarId>().unwrap_err().is_invalid_input(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn file_name_rejects_paths() {
        for bad in ["", ".", "..", "../etc/passwd", "a/b", "a\\b", "a\0b"] {
            assert!(
                bad.parse::<FileName>().unwrap_err().is_invalid_input(),
                "{bad:?}"
            );
        }
        assert!(
            "flink-root-taskexecutor-0-host.log.1"
                .parse::<FileName>()
                .is_ok()
        );
    }
}
