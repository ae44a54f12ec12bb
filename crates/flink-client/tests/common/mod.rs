//! What the mock tests share: a client over the scripted mock transport, and the fields of
//! the errors they expect.

#![allow(dead_code, reason = "each test binary uses a part of it")]

pub(crate) mod errors;

use std::time::Duration;

use flink_client::transport::mock::{self, MockHandle, ScriptedResponse};
use flink_client::{FlinkClient, TransportConfig};

/// A client whose transport answers with `script`, one response a request, and the handle
/// that shows what was sent. Each attempt may take 5 s (of paused time).
pub(crate) fn client_over(
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> (FlinkClient, MockHandle) {
    let mut config = TransportConfig::new("http://flink.test:8081/").expect("a valid URL");
    config.attempt_timeout = Duration::from_secs(5);
    client_with(&config, script)
}

/// A client whose transport is the stack of `config` over a mock answering with `script`.
pub(crate) fn client_with(
    config: &TransportConfig,
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> (FlinkClient, MockHandle) {
    let (transport, handle) =
        mock::scripted_with(config, script).expect("the default stack builds");
    (FlinkClient::from_transport(transport), handle)
}
