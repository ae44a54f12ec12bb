//! Builds the rustls client configuration from [`TlsConfig`].

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use crate::{CertificateFingerprint, ClientIdentity, ConfigError, RootCertificates, TlsConfig};

/// The crypto provider: the one the application installed for the process
/// (`CryptoProvider::install_default`), else the one the features build in. Either, with
/// rustls' safe defaults, offers TLS 1.2 with ECDHE-RSA-AES-GCM, which is all Flink 1.20
/// accepts.
fn provider() -> Arc<CryptoProvider> {
    CryptoProvider::get_default().map_or_else(|| Arc::new(built_in_provider()), Arc::clone)
}

/// aws-lc-rs, rustls' default provider, when its feature is on.
#[cfg(feature = "aws-lc-rs")]
fn built_in_provider() -> CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

/// ring, when chosen instead of aws-lc-rs.
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
// rustls 0.23.48 deprecates its ring provider for want of post-quantum key exchange, without
// a replacement in 0.23; whoever turns off aws-lc-rs for ring chooses it knowingly.
#[allow(deprecated)]
fn built_in_provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// The rustls configuration for `tls`: its own [`TlsConfig::client_config`] if it has one.
pub(crate) fn client_config(tls: &TlsConfig) -> Result<ClientConfig, ConfigError> {
    if let Some(custom) = &tls.client_config {
        let mut config = ClientConfig::clone(custom);
        // hyper-rustls sets the protocols it speaks, and refuses a configuration with others.
        config.alpn_protocols.clear();
        return Ok(config);
    }
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError::tls_caused_by("no TLS protocol version available", e))?;
    let builder = if !tls.pinned_certificates.is_empty() {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(SignatureOnlyVerifier {
                provider,
                pinned: tls.pinned_certificates.clone(),
            }))
    } else if tls.danger_accept_invalid_certs {
        tracing::warn!(
            "TLS certificate verification is disabled (danger_accept_invalid_certs): \
             anyone on the network path can impersonate the server"
        );
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(SignatureOnlyVerifier {
                provider,
                pinned: Vec::new(),
            }))
    } else {
        builder.with_root_certificates(root_store(tls)?)
    };
    match &tls.client_identity {
        Some(identity) => {
            let (chain, key) = parse_identity(identity)?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                ConfigError::tls_caused_by(
                    "the client certificate and private key cannot be used together; check that \
                     the key belongs to the first certificate",
                    e,
                )
            })
        }
        None => Ok(builder.with_no_client_auth()),
    }
}

fn root_store(tls: &TlsConfig) -> Result<RootCertStore, ConfigError> {
    let mut store = RootCertStore::empty();
    match tls.roots {
        #[cfg(feature = "webpki-roots")]
        RootCertificates::WebPki => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        #[cfg(feature = "native-roots")]
        RootCertificates::Native => {
            let found = rustls_native_certs::load_native_certs();
            for error in &found.errors {
                tracing::debug!(%error, "skipped part of the system certificate store");
            }
            let (added, ignored) = store.add_parsable_certificates(found.certs);
            tracing::debug!(added, ignored, "loaded system root certificates");
        }
        RootCertificates::None => {}
    }
    for (index, pem) in tls.extra_ca_pem.iter().enumerate() {
        let certs = parse_certs(pem).map_err(|e| {
            ConfigError::tls_caused_by(
                format!("extra_ca_pem[{index}] is not valid PEM; pass the CA file's contents"),
                e,
            )
        })?;
        if certs.is_empty() {
            return Err(ConfigError::tls(format!(
                "extra_ca_pem[{index}] holds no `-----BEGIN CERTIFICATE-----` block; pass the \
                 CA certificate as PEM"
            )));
        }
        for cert in certs {
            store.add(cert).map_err(|e| {
                ConfigError::tls_caused_by(
                    format!("extra_ca_pem[{index}] holds a certificate rustls cannot use"),
                    e,
                )
            })?;
        }
    }
    if store.is_empty() {
        return Err(ConfigError::tls(
            "no trusted root certificates; add the cluster's CA to extra_ca_pem, or choose \
             RootCertificates::WebPki or ::Native (features `webpki-roots`, `native-roots`)",
        ));
    }
    Ok(store)
}

fn parse_certs(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, rustls_pki_types::pem::Error> {
    CertificateDer::pem_slice_iter(pem).collect()
}

fn parse_identity(
    identity: &ClientIdentity,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), ConfigError> {
    let chain = parse_certs(identity.cert_chain_pem()).map_err(|e| {
        ConfigError::tls_caused_by("the client certificate chain is not valid PEM", e)
    })?;
    if chain.is_empty() {
        return Err(ConfigError::tls(
            "the client certificate chain holds no `-----BEGIN CERTIFICATE-----` block",
        ));
    }
    // The parse error is left out: it could quote part of the key.
    let key = PrivateKeyDer::from_pem_slice(identity.private_key_pem()).map_err(|_| {
        ConfigError::tls(
            "the client private key is not a PEM `PRIVATE KEY`, `RSA PRIVATE KEY` or \
             `EC PRIVATE KEY` block",
        )
    })?;
    Ok((chain, key))
}

/// Accepts the server certificates with a pinned fingerprint (any certificate when none is
/// pinned), and still checks handshake signatures, so the session keys belong to whoever
/// presented the certificate.
#[derive(Debug)]
struct SignatureOnlyVerifier {
    provider: Arc<CryptoProvider>,
    pinned: Vec<CertificateFingerprint>,
}

impl ServerCertVerifier for SignatureOnlyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.pinned.is_empty() {
            return Ok(ServerCertVerified::assertion());
        }
        let presented = CertificateFingerprint::of_der(end_entity);
        if self.pinned.contains(&presented) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!(
                "the server's certificate (SHA-256 {presented}) matches none of the pinned \
                 fingerprints; pin this one if the cluster's certificate was renewed, else \
                 someone may be impersonating the server"
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(tls: &TlsConfig) -> String {
        client_config(tls).unwrap_err().to_string()
    }

    #[test]
    fn default_roots_build() {
        client_config(&TlsConfig::default()).unwrap();
        client_config(
            &TlsConfig::default()
                .with_roots(RootCertificates::None)
                .with_danger_accept_invalid_certs(true),
        )
        .unwrap();
    }

    #[test]
    fn bad_material_is_explained() {
        let no_roots = TlsConfig::default().with_roots(RootCertificates::None);
        assert!(error(&no_roots).contains("no trusted root certificates"));

        let not_pem = TlsConfig::default().with_extra_ca_pem("hello");
        assert!(error(&not_pem).contains("extra_ca_pem[0]"));

        let bad_key = TlsConfig::default().with_client_identity(ClientIdentity::from_pem(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "-----BEGIN PRIVATE KEY-----\nnot-base64-secret!\n-----END PRIVATE KEY-----\n",
        ));
        let message = error(&bad_key);
        assert!(message.contains("private key"), "{message}");
        assert!(!message.contains("not-base64-secret"), "{message}");
    }
}
