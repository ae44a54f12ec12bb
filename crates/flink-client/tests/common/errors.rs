//! The fields of the errors tests expect; each helper panics, naming the error, on any other.
//!
//! Shared by the mock tests (through `common`) and the live tests.

#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::time::Duration;

use flink_client::ApiError;

/// The fields of an [`ApiError::OperationFailed`].
#[derive(Debug)]
pub(crate) struct Failure<'a> {
    /// What failed, with its ids.
    pub(crate) operation: &'a str,
    /// Flink's exception class.
    pub(crate) class: Option<&'a str>,
    /// The root cause.
    pub(crate) message: &'a str,
    /// Flink's stack trace.
    pub(crate) stack_trace: Option<&'a str>,
}

/// The fields of `error`, which must be an [`ApiError::OperationFailed`].
pub(crate) fn operation_failed(error: &ApiError) -> Failure<'_> {
    match error {
        ApiError::OperationFailed {
            operation,
            class,
            message,
            stack_trace,
        } => Failure {
            operation,
            class: class.as_deref(),
            message,
            stack_trace: stack_trace.as_deref(),
        },
        other => panic!("expected OperationFailed, got {other:?}"),
    }
}

/// The operation and the source of `error`, which must be an [`ApiError::OperationExpired`].
pub(crate) fn operation_expired(error: &ApiError) -> (&str, &ApiError) {
    match error {
        ApiError::OperationExpired { operation, source } => (operation, source.as_ref()),
        other => panic!("expected OperationExpired, got {other:?}"),
    }
}

/// What was awaited, how long and what was seen last, of `error`, which must be an
/// [`ApiError::WaitTimedOut`].
pub(crate) fn timed_out(error: &ApiError) -> (&str, Duration, &str) {
    match error {
        ApiError::WaitTimedOut {
            what,
            waited,
            last_seen,
            ..
        } => (what, *waited, last_seen),
        other => panic!("expected WaitTimedOut, got {other:?}"),
    }
}
