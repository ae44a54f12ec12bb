//! Version awareness over the mock transport: the server's version is asked once, and an
//! endpoint the server's version lacks is refused before anything is sent.

use flink_client::api::{Endpoint, JsonEndpoint};
use flink_client::models::common::Empty;
use flink_client::prelude::*;
use flink_client::transport::mock::{self, ScriptedResponse};

const CONFIG_1_20: &str = r#"{"refresh-interval":3000,"timezone-name":"UTC","timezone-offset":0,"flink-version":"1.20.5","flink-revision":"x","features":{"web-submit":true,"web-cancel":true,"web-rescale":false,"web-history":false}}"#;

/// An endpoint that exists only from Flink 2.0 on, whose input can be bad.
struct NewInTwo {
    good: bool,
}

/// [`NewInTwo`] with good input.
const GOOD: NewInTwo = NewInTwo { good: true };

impl Endpoint for NewInTwo {
    const NAME: &'static str = "test.new-in-two";
    const VERSION_DEPENDENT: bool = true;

    fn path(&self) -> String {
        "/new-in-two".to_owned()
    }

    fn body(&self) -> Result<Option<bytes::Bytes>, ApiError> {
        if self.good {
            Ok(None)
        } else {
            Err("not-a-job-id".parse::<JobId>().expect_err("not a job id"))
        }
    }

    fn adapt_to(&mut self, version: &FlinkVersion) -> Result<(), ApiError> {
        version.require(2, 0, "GET /new-in-two")
    }
}

impl JsonEndpoint for NewInTwo {
    type Output = Empty;
}

#[tokio::test]
async fn the_version_is_asked_once_and_gates_endpoints_before_sending() {
    let (transport, handle) = mock::scripted([ScriptedResponse::json(200, CONFIG_1_20)]);
    let client = FlinkClient::from_transport(transport);

    let error = client.execute(GOOD).await.unwrap_err();
    assert!(error.is_unsupported(), "{error:?}");
    assert!(error.to_string().contains("1.20.5"), "{error}");
    // A clone shares the cached version: no second `GET /config`.
    let error = client.clone().execute(GOOD).await.unwrap_err();
    assert!(error.is_unsupported(), "{error:?}");

    let requests = handle.requests();
    assert_eq!(requests.len(), 1, "only GET /config was sent");
    assert!(requests[0].uri.path() == "/config", "{}", requests[0].uri);
    assert_eq!(client.server_version().await.unwrap().to_string(), "1.20.5");
}

#[tokio::test]
async fn a_given_version_saves_the_request() {
    let (transport, handle) = mock::scripted([ScriptedResponse::json(200, "{}")]);
    let client =
        FlinkClient::from_transport(transport).with_server_version("2.3.0".parse().unwrap());
    client.execute(GOOD).await.unwrap();
    let requests = handle.requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0].uri.path() == "/new-in-two",
        "{}",
        requests[0].uri
    );
}

#[tokio::test]
async fn once_the_version_is_known_bad_input_is_still_refused_first_and_nothing_is_sent() {
    let (transport, handle) = mock::scripted([]);
    let old = FlinkClient::from_transport(transport).with_server_version("1.20.5".parse().unwrap());
    let error = old.execute(NewInTwo { good: false }).await.unwrap_err();
    assert!(
        error.is_invalid_input(),
        "bad input before the refusal: {error:?}"
    );
    let error = old.execute(GOOD).await.unwrap_err();
    assert!(error.is_unsupported(), "{error:?}");
    let new = old.with_server_version("2.3.0".parse().unwrap());
    let error = new.execute(NewInTwo { good: false }).await.unwrap_err();
    assert!(error.is_invalid_input(), "{error:?}");
    assert_eq!(handle.request_count(), 0);
}
