//! Helpers for tests of code built on flink-client (feature `test-util`; not for production).
//!
//! [`mock_client`] is a [`FlinkClient`] over the scripted mock transport that knows the
//! server's Flink version, so every scripted answer goes to a request of the code under test.
//! The mock's items are re-exported here, so a test needs one `use`.
//!
//! ```
//! use flink_client::api::FlinkVersion;
//! use flink_client::testing::{ScriptedResponse, mock_client};
//! use flink_client::prelude::*;
//! use http::Method;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ApiError> {
//! let (client, mock) = mock_client(FlinkVersion::new(1, 19, 1), [
//!     ScriptedResponse::json(200, r#"{"jobid":"d7b2518b7cc9b04478ed2eb249c5b9a0"}"#),
//! ]);
//! // A standing answer for a call made any number of times.
//! mock.reply_to(Method::GET, "/jobs/*/status", ScriptedResponse::json(200, r#"{"status":"RUNNING"}"#));
//!
//! let jar: JarId = "0c4e7b1a-1b2c-4d5e-8f90-abcdef012345_job.jar".parse()?;
//! let job = client.run_jar(RunJar::new(jar).claim_mode(ClaimMode::Claim)).await?.jobid;
//! let job: JobId = job.parse()?;
//! assert_eq!(client.job_status(job).await?.status, JobState::Running);
//!
//! let requests = mock.requests();
//! assert_eq!(requests.len(), 2, "no GET /config: the version was given");
//! assert_eq!(requests[0].body_text(), r#"{"restoreMode":"CLAIM"}"#, "as Flink 1.19 reads it");
//! # Ok(())
//! # }
//! ```

use flink_api::FlinkVersion;
use flink_transport::mock;
pub use flink_transport::mock::{MockHandle, RecordedRequest, ScriptedResponse};

use crate::FlinkClient;

/// A client whose transport answers with `script`, one answer a request in order (no retries,
/// no timeouts), and the handle that shows what was sent and adds answers
/// ([`MockHandle::reply_to`], [`MockHandle::push`]).
///
/// The client takes the server to run Flink `version` and never asks `GET /config`:
/// version-dependent calls are fitted to `version`, and the script holds only the answers of
/// the code under test. For the retries and timeouts of a real stack over the mock, build the
/// transport with [`mock::scripted_with`] and the client with [`FlinkClient::from_transport`]
/// and [`FlinkClient::with_server_version`].
pub fn mock_client(
    version: FlinkVersion,
    script: impl IntoIterator<Item = ScriptedResponse>,
) -> (FlinkClient, MockHandle) {
    let (transport, handle) = mock::scripted(script);
    let client = FlinkClient::from_transport(transport).with_server_version(version);
    (client, handle)
}
