//! No secret of the settings (a password or a token in the URL, the bearer token, extra header
//! values) reaches `Debug` output, error messages or tracing, at any level.

// The transport's recording subscriber, shared rather than copied.
#[path = "../../flink-transport/tests/common/capture.rs"]
#[allow(
    clippy::unwrap_used,
    reason = "test support of another crate, linted as its tests"
)]
mod capture;

use flink_client::prelude::*;
use flink_client::transport::mock::{self, ScriptedResponse};
use flink_client::{ClientSettings, FlinkClient};

const SECRETS: [&str; 5] = [
    "URL-PASSWORD",
    "QUERY-TOKEN",
    "BEARER-TOKEN",
    "API-KEY-VALUE",
    "COOKIE-VALUE",
];

/// The settings of `url`, with a bearer token and secret extra headers.
fn settings(url: &str) -> ClientSettings {
    ClientSettings::from_lookup(|name| match name {
        "FLINK_REST_URL" => Some(url.to_owned()),
        "FLINK_REST_TOKEN" => Some("BEARER-TOKEN".to_owned()),
        "FLINK_REST_CLIENT_HEADERS" => {
            Some("X-Api-Key: API-KEY-VALUE\nCookie: session=COOKIE-VALUE".to_owned())
        }
        _ => None,
    })
    .expect("settings with a URL")
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{secret} leaked into {what}: {text}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn no_secret_reaches_debug_errors_or_tracing() {
    let capture = capture::Capture::default();
    let _installed = capture.install();

    for url in [
        "http://alice:URL-PASSWORD@flink.test:8081/",
        "http://flink.test:8081/?token=QUERY-TOKEN",
    ] {
        let settings = settings(url);
        assert_no_secret("Debug", &format!("{settings:?} {settings:#?}"));
        let error = settings
            .transport_config()
            .expect_err("credentials and queries in the URL are refused");
        assert_no_secret("the error", &format!("{error} {error:?}"));
    }

    let settings = settings("http://flink.test:8081/");
    let config = settings.transport_config().expect("a valid configuration");
    let (transport, handle) = mock::scripted_with(
        &config,
        [
            ScriptedResponse::json(503, r#"{"errors":["leader election"]}"#),
            ScriptedResponse::json(404, r#"{"errors":["Not found."]}"#),
        ],
    )
    .expect("the stack builds");
    let client = FlinkClient::from_transport(transport);
    let error = client
        .job_status(
            "a1b2c3d4e5f60718293a4b5c6d7e8f90"
                .parse()
                .expect("a job id"),
        )
        .await
        .expect_err("the script ends with a 404");
    assert!(error.is_not_found(), "{error}");
    // The secrets were sent, so their absence below is redaction, not a missing header.
    let sent = &handle.requests()[0].headers;
    assert_eq!(sent["x-api-key"], "API-KEY-VALUE");
    assert_eq!(sent["authorization"], "Bearer BEARER-TOKEN");

    assert_no_secret(
        "Debug",
        &format!("{settings:?} {config:?} {client:?} {error:?}"),
    );
    assert_no_secret("the error", &error.to_string());
    let traced = capture.all_text();
    assert!(
        traced.contains("flink.test") || traced.contains("job"),
        "{traced}"
    );
    assert_no_secret("tracing", &traced);
}
