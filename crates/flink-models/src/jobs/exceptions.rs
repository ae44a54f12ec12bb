//! `GET /jobs/:jobid/exceptions`: the failures a job went through.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Extra, Nullable};

/// `GET /jobs/:jobid/exceptions`: the job's exception history, newest first.
///
/// Flink 1.x also sends the legacy fields (`root-exception`, `timestamp`, `all-exceptions`,
/// `truncated`); 2.x sends only the history.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobExceptionsInfoWithHistory {
    /// The failures, each with the exceptions that happened at the same time.
    #[serde(rename = "exceptionHistory")]
    pub exception_history: JobExceptionHistory,
    /// The stack trace of the most recent failure's root cause (Flink 1.x only; `null` when the
    /// job has not failed).
    #[serde(
        rename = "root-exception",
        default,
        skip_serializing_if = "Nullable::is_absent"
    )]
    pub root_exception: Nullable<String>,
    /// When that failure happened, in milliseconds since the epoch (Flink 1.x only; `null`
    /// when the job has not failed).
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub timestamp: Nullable<i64>,
    /// The task exceptions of the most recent failure (Flink 1.x only).
    #[serde(
        rename = "all-exceptions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub all_exceptions: Option<Vec<ExecutionExceptionInfo>>,
    /// Whether `all_exceptions` was cut short (Flink 1.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncated: Option<bool>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobExceptionsInfoWithHistory {
    /// Every exception of the history (root causes and their concurrent exceptions), in order.
    pub fn all_entries(&self) -> impl Iterator<Item = ExceptionEntry<'_>> {
        self.exception_history
            .entries
            .iter()
            .flat_map(|root| std::iter::once(&root.exception).chain(&root.concurrent_exceptions))
            .map(|e| ExceptionEntry {
                exception_name: &e.exception_name,
                stacktrace: &e.stacktrace,
                task_name: e.task_name.as_deref(),
            })
    }

    /// Whether any exception of the history mentions `text` in its name or stack trace.
    pub fn mentions(&self, text: &str) -> bool {
        self.all_entries()
            .any(|e| e.exception_name.contains(text) || e.stacktrace.contains(text))
    }
}

/// A borrowed view of one exception of the history, root or concurrent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionEntry<'a> {
    /// The exception's class name.
    pub exception_name: &'a str,
    /// Its stack trace, message first.
    pub stacktrace: &'a str,
    /// The task it happened in, if it came from a task.
    pub task_name: Option<&'a str>,
}

/// The failures of a job, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct JobExceptionHistory {
    /// One entry per failure.
    pub entries: Vec<RootExceptionInfo>,
    /// Whether older entries were left out (see the `maxExceptions` parameter).
    pub truncated: bool,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One failure of a job: the exception that caused it and those that happened with it.
///
/// As in Flink, where it extends [`ExceptionInfo`], the root exception's fields are those of an
/// [`ExceptionInfo`], sent at the top level; they are also readable through `Deref`
/// (`root.timestamp`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RootExceptionInfo {
    /// The exception that caused the failure (with the fields this version of flink-models
    /// does not know).
    #[serde(flatten)]
    pub exception: ExceptionInfo,
    /// Exceptions of other tasks that were part of the same failure.
    #[serde(default)]
    pub concurrent_exceptions: Vec<ExceptionInfo>,
}

impl std::ops::Deref for RootExceptionInfo {
    type Target = ExceptionInfo;

    fn deref(&self) -> &ExceptionInfo {
        &self.exception
    }
}

/// An exception of a failure: its root cause ([`RootExceptionInfo::exception`]) or one that
/// happened together with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExceptionInfo {
    /// The exception's class name.
    pub exception_name: String,
    /// Its stack trace, message first.
    pub stacktrace: String,
    /// When it happened, in milliseconds since the epoch.
    pub timestamp: i64,
    /// Labels that failure enrichers attached (`key → value`); Flink 1.18 and newer (older
    /// versions send no such field, so that "no labels" and "not reported" stay apart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_labels: Option<BTreeMap<String, String>>,
    /// The task it happened in, with its subtask index and attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_name: Option<String>,
    /// The TaskManager's address (Flink 1.x only; use `endpoint`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The TaskManager's address, `host:port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The TaskManager's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_manager_id: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A task exception in the legacy `all-exceptions` list (Flink 1.x only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExecutionExceptionInfo {
    /// The stack trace, message first.
    pub exception: String,
    /// The task it happened in.
    pub task: String,
    /// The TaskManager's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The TaskManager's address, `host:port`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// When it happened, in milliseconds since the epoch.
    pub timestamp: i64,
    /// The TaskManager's id.
    #[serde(
        rename = "taskManagerId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub task_manager_id: Option<String>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    const HISTORY: &str = r#"{"entries":[{"exceptionName":"org.apache.flink.runtime.JobException","stacktrace":"org.apache.flink.runtime.JobException: Recovery is suppressed","timestamp":1795441902631,"failureLabels":{},"concurrentExceptions":[{"exceptionName":"java.lang.RuntimeException","stacktrace":"java.lang.RuntimeException: test job: intentional failure at record 5","timestamp":1795441902587,"failureLabels":{"type":"user"},"taskName":"count-per-key (1/1) - execution #0","endpoint":"localhost:36419","taskManagerId":"127.0.0.1:41119-e8b103"}]}],"truncated":false}"#;

    #[test]
    fn history_of_flink_2_decodes_and_searches_concurrent_exceptions() {
        let json = format!(r#"{{"exceptionHistory":{HISTORY}}}"#);
        let info: JobExceptionsInfoWithHistory = serde_json::from_str(&json).unwrap();
        assert!(info.root_exception.is_absent() && info.all_exceptions.is_none());
        assert!(info.mentions("intentional failure"));
        assert!(!info.mentions("no such text"));
        let concurrent = &info.exception_history.entries[0].concurrent_exceptions[0];
        assert_eq!(concurrent.failure_labels.as_ref().unwrap()["type"], "user");
        assert_eq!(info.all_entries().count(), 2);
        assert_eq!(
            serde_json::to_value(&info).unwrap(),
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        );
    }

    #[test]
    fn legacy_fields_of_flink_1_decode() {
        let json = format!(
            r#"{{"root-exception":"org.apache.flink.runtime.JobException: x","timestamp":1,"all-exceptions":[{{"exception":"java.lang.RuntimeException: y","task":"count-per-key (1/1)","location":"localhost:42301","endpoint":"localhost:42301","timestamp":2,"taskManagerId":"127.0.0.1:44135-d7cbd0"}}],"truncated":false,"exceptionHistory":{HISTORY}}}"#
        );
        let info: JobExceptionsInfoWithHistory = serde_json::from_str(&json).unwrap();
        assert_eq!(
            info.all_exceptions.as_ref().unwrap()[0].task,
            "count-per-key (1/1)"
        );
        assert_eq!(info.truncated, Some(false));

        let empty: JobExceptionsInfoWithHistory = serde_json::from_str(
            r#"{"root-exception":null,"timestamp":null,"all-exceptions":[],"truncated":false,"exceptionHistory":{"entries":[],"truncated":false}}"#,
        )
        .unwrap();
        assert!(empty.root_exception.is_null());
        assert!(!empty.mentions(""));
    }

    #[test]
    fn entries_without_failure_labels_of_flink_1_17_stay_without() {
        // Flink 1.17 and older have no failure labels; an empty map is a 1.18+ answer.
        let json = r#"{"exceptionName":"java.lang.RuntimeException","stacktrace":"x","timestamp":1,"taskName":"map (1/1)","location":"localhost:1","taskManagerId":"127.0.0.1:2-abcdef"}"#;
        let entry: ExceptionInfo = serde_json::from_str(json).unwrap();
        assert_eq!(entry.failure_labels, None);
        assert_eq!(
            serde_json::to_value(&entry).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
