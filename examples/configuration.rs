//! Reaching a production cluster in code: a path prefix behind a gateway, its credentials, the
//! cluster's own CA and a client certificate, an HTTP proxy, an HA standby, timeouts and
//! retries. `docs/guide/configuration.md` explains each setting.
//!
//! `cargo run -p flink-examples --example configuration` prints the configuration (secrets
//! redacted). With `FLINK_TLS_CA`, `FLINK_TLS_CLIENT_CERT` and `FLINK_TLS_CLIENT_KEY` naming
//! PEM files it also builds the client from it, which reads and checks them.

// An example is a terminal program: printing is its job.
#![allow(clippy::print_stdout)]

use std::time::Duration;

use flink_client::FlinkClient;
use flink_client::transport::{
    Auth, ClientIdentity, ProxyConfig, RootCertificates, Secret, TokenSource, TransportConfig,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Behind an ingress at /flink/: `GET /jobs` goes to https://gateway.example/flink/jobs.
    let mut config = TransportConfig::new("https://gateway.example/flink/")?;
    config.add_failover_url("https://standby.example/flink/")?;

    // The gateway's credentials: a token read before every call, so a renewed one is used.
    config.auth = Some(Auth::BearerFrom(TokenSource::new(|| {
        let token = std::env::var("GATEWAY_TOKEN").unwrap_or_default();
        Ok(Secret::new(token))
    })));
    config.headers.insert("x-tenant", "blue".parse()?);

    // The cluster's own CA only (not the public roots), and a client certificate for mutual TLS.
    config.tls.roots = RootCertificates::None;
    let ca = std::env::var("FLINK_TLS_CA").ok();
    let identity = std::env::var("FLINK_TLS_CLIENT_CERT")
        .ok()
        .zip(std::env::var("FLINK_TLS_CLIENT_KEY").ok());
    if let (Some(ca), Some((cert, key))) = (&ca, &identity) {
        config.tls.extra_ca_pem.push(std::fs::read(ca)?);
        config.tls.client_identity = Some(ClientIdentity::from_pem(
            std::fs::read(cert)?,
            std::fs::read(key)?,
        ));
    }

    // Through the company proxy, except for hosts of the internal network.
    config.proxy = ProxyConfig::Url {
        url: "http://proxy.internal:3128".to_owned(),
        no_proxy: ".internal,localhost".to_owned(),
    };

    // Tighter limits than the defaults (60 s per attempt, 3 retries, a 5 s election window).
    config.attempt_timeout = Duration::from_secs(20);
    config.retry.max_retries = 5;
    config.retry.unavailable_retry_window = Duration::from_secs(20);

    println!("{config:#?}");
    if ca.is_some() && identity.is_some() {
        let _client = FlinkClient::from_config(&config)?;
        println!("the client is built: the CA, certificate and key are usable");
    }
    Ok(())
}
