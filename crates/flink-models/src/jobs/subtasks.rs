//! Subtasks of a vertex: details, attempts, accumulators.
//!
//! `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex` (the current attempt) and
//! `…/subtasks/:subtaskindex/attempts/:attempt` answer a [`SubtaskExecutionAttemptDetailsInfo`],
//! the same shape as each subtask of a vertex's details.

use serde::{Deserialize, Serialize};

use crate::Extra;
use crate::jobs::result::UserTaskAccumulator;

pub use crate::jobs::vertices::SubtaskExecutionAttemptDetailsInfo;

/// `GET /jobs/:jobid/vertices/:vertexid/subtasks/accumulators`: the user accumulators of every
/// subtask of a vertex (current attempts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtasksAllAccumulatorsInfo {
    /// The vertex's id (32 hexadecimal characters).
    pub id: String,
    /// How many subtasks the vertex runs.
    pub parallelism: i32,
    /// One entry per subtask.
    pub subtasks: Vec<SubtaskAccumulatorsInfo>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The user accumulators of one subtask's current attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtaskAccumulatorsInfo {
    /// The subtask's index, from 0.
    pub subtask: i32,
    /// The attempt number.
    pub attempt: i32,
    /// The host the attempt runs on (Flink 1.x only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The TaskManager's `host:port` (Flink 1.19 and newer; 1.18 sends only `host`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The accumulators the job's code registered, as text.
    #[serde(rename = "user-accumulators", default)]
    pub user_accumulators: Vec<UserTaskAccumulator>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `GET /jobs/:jobid/vertices/:vertexid/subtasks/:subtaskindex/attempts/:attempt/accumulators`:
/// the user accumulators of one execution attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubtaskExecutionAttemptAccumulatorsInfo {
    /// The subtask's index, from 0.
    pub subtask: i32,
    /// The attempt number.
    pub attempt: i32,
    /// The execution attempt's id (Flink's internal id of this attempt).
    pub id: String,
    /// The accumulators the job's code registered, as text.
    #[serde(rename = "user-accumulators", default)]
    pub user_accumulators: Vec<UserTaskAccumulator>,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::state::ExecutionState;

    fn round_trip<T>(json: &str) -> T
    where
        T: serde::de::DeserializeOwned + Serialize,
    {
        let decoded: T = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
        decoded
    }

    const METRICS: &str = r#"{"read-bytes":598,"read-bytes-complete":true,"write-bytes":0,"write-bytes-complete":true,"read-records":6,"read-records-complete":true,"write-records":0,"write-records-complete":true,"accumulated-backpressured-time":0,"accumulated-idle-time":2247,"accumulated-busy-time":192.0}"#;

    #[test]
    fn attempt_details_of_both_versions_decode() {
        let v2 = format!(
            r#"{{"subtask":0,"status":"RUNNING","attempt":0,"endpoint":"localhost:36395","start-time":1795441876497,"end-time":-1,"duration":5691,"metrics":{METRICS},"taskmanager-id":"127.0.0.1:35829-925740","status-duration":{{"RUNNING":5023,"DEPLOYING":408,"CREATED":98,"SCHEDULED":311,"INITIALIZING":260}},"start_time":1795441876497}}"#
        );
        let details: SubtaskExecutionAttemptDetailsInfo = round_trip(&v2);
        assert_eq!(details.status, ExecutionState::Running);
        assert_eq!(details.attempt, 0);
        assert_eq!(details.host, None);
        assert_eq!(details.metrics.read_records, 6);
        assert_eq!(details.status_duration[&ExecutionState::Running], 5023);
        assert_eq!(details.extra["start_time"], details.start_time);
        assert!(details.other_concurrent_attempts.is_none());

        let v1 = v2.replace(r#""attempt":0,"#, r#""attempt":0,"host":"localhost","#);
        let details: SubtaskExecutionAttemptDetailsInfo = round_trip(&v1);
        assert_eq!(details.host.as_deref(), Some("localhost"));

        let speculative = v2.replace(
            r#""start_time":1795441876497}"#,
            &format!(r#""start_time":1795441876497,"other-concurrent-attempts":[{v2}]}}"#),
        );
        let details: SubtaskExecutionAttemptDetailsInfo = round_trip(&speculative);
        assert_eq!(details.other_concurrent_attempts.map(|a| a.len()), Some(1));
    }

    #[test]
    fn accumulators_decode() {
        let all: SubtasksAllAccumulatorsInfo = round_trip(
            r#"{"id":"5b61d6019ab04da71a4e62533c1a8c40","parallelism":1,"subtasks":[{"subtask":0,"attempt":0,"host":"localhost","endpoint":"localhost:42301","user-accumulators":[{"name":"records","type":"LongCounter","value":"20"}]}]}"#,
        );
        assert_eq!(all.subtasks[0].user_accumulators[0].value, "20");
        assert_eq!(all.subtasks[0].host.as_deref(), Some("localhost"));

        let attempt: SubtaskExecutionAttemptAccumulatorsInfo = round_trip(
            r#"{"subtask":0,"attempt":1,"id":"c0ffee","user-accumulators":[],"future":1}"#,
        );
        assert_eq!(attempt.attempt, 1);
        assert_eq!(attempt.extra["future"], 1);
    }
}
