//! [`TlsConfig`], [`RootCertificates`] and [`ClientIdentity`].

use std::fmt;

use crate::CertificateFingerprint;

/// TLS settings for an `https` base URL (ignored for `http`). The defaults verify the server
/// against the Mozilla roots of `webpki-roots`.
///
/// For a Flink cluster with its own CA (`security.ssl.rest.*`), trust that CA:
///
/// ```
/// use flink_transport::{RootCertificates, TlsConfig};
///
/// # let ca_pem = Vec::new();
/// let tls = TlsConfig {
///     roots: RootCertificates::None,
///     extra_ca_pem: vec![ca_pem],
///     ..TlsConfig::default()
/// };
/// ```
#[derive(Clone, Default)]
pub struct TlsConfig {
    /// The built-in trust anchors.
    pub roots: RootCertificates,
    /// More trusted CAs, each entry a PEM bundle of one or more certificates.
    pub extra_ca_pem: Vec<Vec<u8>>,
    /// A client certificate for mutual TLS (`security.ssl.rest.authentication-enabled`).
    pub client_identity: Option<ClientIdentity>,
    /// Accept any server certificate. **Dangerous**: anyone on the network path can then
    /// impersonate the server. For throwaway test clusters only; building the transport logs a
    /// warning.
    pub danger_accept_invalid_certs: bool,
    /// Trust exactly the server certificates with these fingerprints, whoever signed them: a
    /// cluster's self-signed certificate, without its CA and without turning verification
    /// off. When set, the roots and `extra_ca_pem` are not consulted (nor the host name, which
    /// the pinned certificate stands for); handshake signatures are still checked.
    pub pinned_certificates: Vec<CertificateFingerprint>,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let extra: Vec<usize> = self.extra_ca_pem.iter().map(Vec::len).collect();
        f.debug_struct("TlsConfig")
            .field("roots", &self.roots)
            .field("extra_ca_pem_lengths", &extra)
            .field("client_identity", &self.client_identity)
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("pinned_certificates", &self.pinned_certificates)
            .finish()
    }
}

/// The trust anchors [`TlsConfig::extra_ca_pem`] is added to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RootCertificates {
    /// Mozilla's roots, compiled in (`webpki-roots`).
    #[default]
    WebPki,
    /// The operating system's store (`rustls-native-certs`).
    Native,
    /// None: trust only [`TlsConfig::extra_ca_pem`].
    None,
}

/// A client certificate chain and private key, both PEM, for mutual TLS. `Debug` never shows
/// the key.
#[derive(Clone)]
pub struct ClientIdentity {
    cert_chain_pem: Vec<u8>,
    private_key_pem: Vec<u8>,
}

impl ClientIdentity {
    /// The certificate chain (leaf first) and the private key (PKCS#8, PKCS#1 or SEC1), both as
    /// PEM. They are parsed when the transport is built.
    pub fn from_pem(
        cert_chain_pem: impl Into<Vec<u8>>,
        private_key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            cert_chain_pem: cert_chain_pem.into(),
            private_key_pem: private_key_pem.into(),
        }
    }

    /// The certificate chain PEM.
    pub fn cert_chain_pem(&self) -> &[u8] {
        &self.cert_chain_pem
    }

    pub(crate) fn private_key_pem(&self) -> &[u8] {
        &self.private_key_pem
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_chain_pem_len", &self.cert_chain_pem.len())
            .field("private_key_pem", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_key() {
        let identity = ClientIdentity::from_pem("cert", "-----BEGIN PRIVATE KEY-----\nsecret-key");
        let debug = format!(
            "{:?}",
            TlsConfig {
                client_identity: Some(identity),
                extra_ca_pem: vec![b"ca".to_vec()],
                ..TlsConfig::default()
            }
        );
        assert!(!debug.contains("secret-key"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
}
