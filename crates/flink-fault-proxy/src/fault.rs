//! [`Fault`]: what the proxy does with a request, and [`Answer`], a response it gives itself.

use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

/// What the proxy does with one request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Fault {
    /// Forward it and pass the answer back as it comes (what the proxy does without a rule).
    Forward,
    /// Answer it without forwarding.
    Respond(Answer),
    /// Forward it, read Flink's whole answer, then answer with this instead: a proxy whose
    /// upstream connection broke after the request went out (Envoy, nginx).
    ForwardThenRespond(Answer),
    /// Forward it, read Flink's whole answer, then reset the client's connection without an
    /// answer.
    ForwardThenReset,
    /// Read the whole request, hold it this long, then forward it, also when the client has
    /// gone away meanwhile: as on a slow link, where a request already on its way still
    /// arrives.
    Delay(Duration),
    /// Read the whole request, then never answer it nor forward it, keeping the connection
    /// open: a server that stopped answering (a JobManager paused by `SIGSTOP`).
    NeverAnswer,
    /// Forward it, send Flink's response head, then never send a byte of the body.
    StallBodyAfterHead,
    /// Forward it, send Flink's response head and this many bytes of its body, then close the
    /// connection.
    CutAfter(usize),
    /// Answer `200` with a JSON body that never ends, without forwarding.
    EndlessBody,
    /// Answer `200` `text/plain` with log lines that never end, without forwarding: a log that
    /// grows faster than it is read.
    EndlessLog,
    /// Answer `200` with a JSON object whose one member nests this many arrays
    /// (`{"nested":[[…]]}`), without forwarding.
    NestedBody(usize),
}

/// A response the proxy gives itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// Its status.
    pub status: StatusCode,
    /// Its `Content-Type`.
    pub content_type: String,
    /// Its body.
    pub body: Bytes,
}

impl Answer {
    /// An answer with `status`, `content_type` and `body`.
    pub fn new(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Self {
        Self {
            status,
            content_type: content_type.to_owned(),
            body: body.into(),
        }
    }

    /// The 503 Flink's REST server sends before dispatching anything while no leader is
    /// elected: its JSON error envelope.
    pub fn flink_no_leader() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "application/json; charset=UTF-8",
            r#"{"errors":["Service temporarily unavailable due to an ongoing leader election. Please refresh."]}"#,
        )
    }

    /// The 503 Envoy (and Istio) sends when its upstream connection broke, also after the
    /// request was forwarded: plain text, not Flink's envelope.
    pub fn envoy_upstream_reset() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            "upstream connect error or disconnect/reset before headers. reset reason: connection termination",
        )
    }
}
