//! TLS and mutual TLS against a loopback tokio-rustls server, with certificates made by rcgen.

// A panic is how a test reports failure.
#![allow(clippy::unwrap_used)]

#[path = "common/capture.rs"]
mod capture;
#[path = "common/proxy.rs"]
mod proxy;
#[path = "common/server.rs"]
mod server;

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use http::Request;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use flink_transport::{
    Body, BoxError, CertificateFingerprint, ClientIdentity, Idempotency, Outcome, ProxyConfig,
    RootCertificates, TlsConfig, TransportConfig, Verdict, classify, is_connect,
};

/// A CA, a server certificate for 127.0.0.1 and localhost, and a client certificate.
struct Pki {
    ca_pem: String,
    ca_der: CertificateDer<'static>,
    server_cert: CertificateDer<'static>,
    server_key_der: Vec<u8>,
    client_cert_pem: String,
    client_key_pem: String,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "flink-rs test CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();

    let server_key = KeyPair::generate().unwrap();
    let mut server = CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server.signed_by(&server_key, &ca).unwrap();

    let client_key = KeyPair::generate().unwrap();
    let mut client = CertificateParams::new(Vec::new()).unwrap();
    client
        .distinguished_name
        .push(DnType::CommonName, "flink-rs test client");
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client.signed_by(&client_key, &ca).unwrap();

    Pki {
        ca_pem: ca.pem(),
        ca_der: ca.der().clone(),
        server_cert: server_cert.der().clone(),
        server_key_der: server_key.serialize_der(),
        client_cert_pem: client_cert.pem(),
        client_key_pem: client_key.serialize_pem(),
    }
}

enum ServerMode {
    /// TLS 1.2 only, like Flink 1.20.
    Tls12,
    /// Default versions, and a client certificate signed by the CA is required.
    MutualTls,
}

async fn tls_server(pki: &Pki, mode: ServerMode) -> server::Server {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider));
    let builder = match mode {
        ServerMode::Tls12 => builder
            .with_protocol_versions(&[&rustls::version::TLS12])
            .unwrap()
            .with_no_client_auth(),
        ServerMode::MutualTls => {
            let mut roots = RootCertStore::empty();
            roots.add(pki.ca_der.clone()).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
            builder
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_client_cert_verifier(verifier)
        }
    };
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server_key_der.clone()));
    let config = builder
        .with_single_cert(vec![pki.server_cert.clone()], key)
        .unwrap();
    server::spawn(Some(TlsAcceptor::from(Arc::new(config)))).await
}

/// Trust the test CA, and nothing else.
fn trusting_the_ca(pki: &Pki) -> TlsConfig {
    TlsConfig::default()
        .with_roots(RootCertificates::None)
        .with_extra_ca_pem(pki.ca_pem.clone())
}

fn transport(server: &server::Server, tls: TlsConfig) -> flink_transport::Transport {
    let mut config = TransportConfig::new(&format!("https://{}/", server.addr)).unwrap();
    config.tls = tls;
    config.retry.initial_backoff = Duration::from_millis(1);
    config.retry.max_backoff = Duration::from_millis(5);
    config.build().unwrap()
}

async fn get(transport: &flink_transport::Transport) -> Result<http::StatusCode, BoxError> {
    let request = Request::get("/overview").body(Body::empty()).unwrap();
    Ok(transport.send(request).await?.status())
}

fn chain_text(error: &BoxError) -> String {
    let first: &(dyn Error + 'static) = &**error;
    std::iter::successors(Some(first), |&e| e.source())
        .map(|e| format!("{e} | {e:?}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn extra_ca_is_trusted_over_tls12() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::Tls12).await;
    let tls = trusting_the_ca(&pki);
    assert_eq!(get(&transport(&server, tls)).await.unwrap(), 200);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn unknown_ca_fails_without_retries() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::Tls12).await;
    let capture = capture::Capture::default();
    let _guard = capture.install();
    let error = get(&transport(&server, TlsConfig::default()))
        .await
        .unwrap_err();
    let chain = chain_text(&error);
    assert!(is_connect(&*error), "{chain}");
    assert!(chain.contains("UnknownIssuer"), "{chain}");
    assert_eq!(
        classify(Idempotency::Idempotent, Outcome::Error(&*error)),
        Verdict::DoNotRetry
    );
    assert!(
        capture.retries().is_empty(),
        "a certificate error is not retried"
    );
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn danger_accept_invalid_certs_connects_and_warns() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::Tls12).await;
    let capture = capture::Capture::default();
    let _guard = capture.install();
    let tls = TlsConfig::default()
        .with_roots(RootCertificates::None)
        .with_danger_accept_invalid_certs(true);
    assert_eq!(get(&transport(&server, tls)).await.unwrap(), 200);
    assert!(capture.all_text().contains("danger_accept_invalid_certs"));
}

#[tokio::test]
async fn a_pinned_certificate_is_trusted_without_its_ca() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::Tls12).await;
    let tls = TlsConfig::default()
        .with_roots(RootCertificates::None)
        .with_pinned_certificate(CertificateFingerprint::of_der(&pki.server_cert));
    assert_eq!(get(&transport(&server, tls)).await.unwrap(), 200);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn another_certificate_than_the_pinned_one_is_refused_without_retries() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::Tls12).await;
    let capture = capture::Capture::default();
    let _guard = capture.install();
    // Pinned: the CA's fingerprint, not the server's; the CA is trusted too, and does not help.
    let tls =
        trusting_the_ca(&pki).with_pinned_certificate(CertificateFingerprint::of_der(&pki.ca_der));
    let error = get(&transport(&server, tls)).await.unwrap_err();
    let chain = chain_text(&error);
    let presented = CertificateFingerprint::of_der(&pki.server_cert).to_string();
    assert!(
        chain.contains("matches none of the pinned fingerprints") && chain.contains(&presented),
        "{chain}"
    );
    assert!(
        capture.retries().is_empty(),
        "a pin mismatch is not retried"
    );
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn mutual_tls_with_a_client_certificate() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::MutualTls).await;
    let tls = trusting_the_ca(&pki).with_client_identity(ClientIdentity::from_pem(
        pki.client_cert_pem.clone(),
        pki.client_key_pem.clone(),
    ));
    assert_eq!(get(&transport(&server, tls)).await.unwrap(), 200);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn mutual_tls_without_a_client_certificate_fails() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::MutualTls).await;
    let tls = trusting_the_ca(&pki);
    let error = get(&transport(&server, tls)).await.unwrap_err();
    let chain = chain_text(&error);
    assert!(chain.contains("CertificateRequired"), "{chain}");
    // The alert arrives with the response, as an I/O error, but a TLS error is not retried.
    assert_eq!(
        classify(Idempotency::Idempotent, Outcome::Error(&*error)),
        Verdict::DoNotRetry
    );
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn a_custom_rustls_config_is_used_as_it_is() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::Tls12).await;
    let mut roots = RootCertStore::empty();
    roots.add(pki.ca_der.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut custom = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    // Protocols of its own are dropped: the transport speaks HTTP/1.1.
    custom.alpn_protocols = vec![b"h2".to_vec()];
    let mut tls = TlsConfig::custom(Arc::new(custom));
    // Ignored beside a custom configuration; on their own, these would trust nothing.
    tls.roots = RootCertificates::None;
    assert_eq!(get(&transport(&server, tls)).await.unwrap(), 200);
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn an_https_base_url_is_tunnelled_through_the_proxy() {
    let pki = pki();
    let server = tls_server(&pki, ServerMode::Tls12).await;
    let proxy = proxy::spawn().await;
    let mut config = TransportConfig::new(&format!("https://{}/", server.addr)).unwrap();
    config.tls = trusting_the_ca(&pki);
    config.proxy = ProxyConfig::Url {
        url: format!("http://ops:pw@{}", proxy.addr),
        no_proxy: String::new(),
    };
    assert_eq!(get(&config.build().unwrap()).await.unwrap(), 200);
    // The proxy saw only the tunnel; the request itself went encrypted to the server.
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(
        heads[0].starts_with(&format!("connect {} http/1.1\r\n", server.addr)),
        "{heads:?}"
    );
    assert!(
        heads[0].contains("proxy-authorization: basic b3bzonb3"),
        "{heads:?}"
    );
    assert_eq!(server.seen().len(), 1);
}
