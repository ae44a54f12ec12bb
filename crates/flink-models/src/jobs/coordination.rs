//! Client heartbeats and coordination requests to a job's operator coordinators.

use serde::{Deserialize, Serialize};

use crate::Extra;

/// The body of `PATCH /jobs/:jobid/clientHeartbeat`: the client is still there.
///
/// Jobs submitted with `execution.attached` and `client.heartbeat.timeout` are cancelled
/// when their client stops sending these.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobClientHeartbeatRequest {
    /// Until when the job may go without another heartbeat, in milliseconds since the epoch.
    pub expired_timestamp: i64,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl JobClientHeartbeatRequest {
    /// A heartbeat valid until `expired_timestamp` (milliseconds since the epoch).
    pub fn new(expired_timestamp: i64) -> Self {
        Self {
            expired_timestamp,
            extra: Extra::new(),
        }
    }
}

/// The body of `POST /jobs/:jobid/coordinators/:operatorUid`: a request for an operator's
/// coordinator (as the SQL client's `collect` sink uses).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientCoordinationRequest {
    /// The request object in Java serialization, base64-encoded.
    pub serialized_coordination_request: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ClientCoordinationRequest {
    /// A request from its base64-encoded Java serialization.
    pub fn new(serialized_coordination_request: impl Into<String>) -> Self {
        Self {
            serialized_coordination_request: serialized_coordination_request.into(),
            extra: Extra::new(),
        }
    }
}

/// The answer of an operator coordinator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientCoordinationResponse {
    /// The response object in Java serialization, base64-encoded.
    pub serialized_coordination_result: String,
    /// Fields this version of flink-models does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_use_camel_case() {
        assert_eq!(
            serde_json::to_string(&JobClientHeartbeatRequest::new(1_700_000_000_000)).unwrap(),
            r#"{"expiredTimestamp":1700000000000}"#
        );
        assert_eq!(
            serde_json::to_string(&ClientCoordinationRequest::new("rO0AB")).unwrap(),
            r#"{"serializedCoordinationRequest":"rO0AB"}"#
        );
        let response: ClientCoordinationResponse =
            serde_json::from_str(r#"{"serializedCoordinationResult":"rO0AC"}"#).unwrap();
        assert_eq!(response.serialized_coordination_result, "rO0AC");
    }
}
