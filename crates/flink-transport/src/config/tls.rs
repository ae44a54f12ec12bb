//! [`TlsConfig`], [`RootCertificates`] and [`ClientIdentity`].

use std::fmt;
#[cfg(feature = "default-client")]
use std::sync::Arc;

use crate::CertificateFingerprint;

/// TLS settings for an `https` base URL (ignored for `http`). The defaults verify the server
/// against the [`RootCertificates::default`] roots (Mozilla's, with the default features).
///
/// Start from [`TlsConfig::default`] and set fields, or chain the `with_*` methods. For a Flink
/// cluster with its own CA (`security.ssl.rest.*`), trust that CA only:
///
/// ```
/// use flink_transport::{RootCertificates, TlsConfig};
///
/// # let ca_pem = Vec::new();
/// let tls = TlsConfig::default()
///     .with_roots(RootCertificates::None)
///     .with_extra_ca_pem(ca_pem);
/// ```
///
/// For anything these settings do not cover (another verifier, client certificates from a
/// hardware key, a FIPS provider), pass a rustls configuration of your own with
/// [`TlsConfig::custom`].
#[derive(Clone, Default)]
#[non_exhaustive]
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
    /// A rustls configuration of your own, used as it is: when set, every other field is
    /// ignored. Its ALPN protocols are replaced with none (the transport speaks HTTP/1.1).
    #[cfg(feature = "default-client")]
    #[cfg_attr(docsrs_nightly, doc(cfg(feature = "default-client")))]
    pub client_config: Option<Arc<rustls::ClientConfig>>,
}

impl TlsConfig {
    /// Settings that use `config` as it is (see [`client_config`](Self::client_config)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use flink_transport::rustls::{ClientConfig, RootCertStore};
    /// use flink_transport::{TlsConfig, TransportConfig};
    ///
    /// # let provider = Arc::new(flink_transport::rustls::crypto::aws_lc_rs::default_provider());
    /// let roots = RootCertStore::empty(); // add the cluster's CA here
    /// let rustls_config = ClientConfig::builder_with_provider(provider)
    ///     .with_safe_default_protocol_versions()?
    ///     .with_root_certificates(roots)
    ///     .with_no_client_auth();
    /// let mut config = TransportConfig::new("https://flink.example/")?;
    /// config.tls = TlsConfig::custom(Arc::new(rustls_config));
    /// let transport = config.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "default-client")]
    #[cfg_attr(docsrs_nightly, doc(cfg(feature = "default-client")))]
    pub fn custom(config: Arc<rustls::ClientConfig>) -> Self {
        Self {
            client_config: Some(config),
            ..Self::default()
        }
    }

    /// These settings with [`roots`](Self::roots) set.
    #[must_use]
    pub fn with_roots(self, roots: RootCertificates) -> Self {
        Self { roots, ..self }
    }

    /// These settings with one more PEM bundle in [`extra_ca_pem`](Self::extra_ca_pem).
    #[must_use]
    pub fn with_extra_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_ca_pem.push(pem.into());
        self
    }

    /// These settings with [`client_identity`](Self::client_identity) set.
    #[must_use]
    pub fn with_client_identity(self, identity: ClientIdentity) -> Self {
        Self {
            client_identity: Some(identity),
            ..self
        }
    }

    /// These settings with one more fingerprint in
    /// [`pinned_certificates`](Self::pinned_certificates).
    #[must_use]
    pub fn with_pinned_certificate(mut self, fingerprint: CertificateFingerprint) -> Self {
        self.pinned_certificates.push(fingerprint);
        self
    }

    /// These settings with [`danger_accept_invalid_certs`](Self::danger_accept_invalid_certs)
    /// set. **Dangerous**: see there.
    #[must_use]
    pub fn with_danger_accept_invalid_certs(self, accept: bool) -> Self {
        Self {
            danger_accept_invalid_certs: accept,
            ..self
        }
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let extra: Vec<usize> = self.extra_ca_pem.iter().map(Vec::len).collect();
        let mut debug = f.debug_struct("TlsConfig");
        debug
            .field("roots", &self.roots)
            .field("extra_ca_pem_lengths", &extra)
            .field("client_identity", &self.client_identity)
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("pinned_certificates", &self.pinned_certificates);
        #[cfg(feature = "default-client")]
        debug.field(
            "client_config",
            &self.client_config.as_ref().map(|_| "<custom>"),
        );
        debug.finish()
    }
}

/// The trust anchors [`TlsConfig::extra_ca_pem`] is added to. Each source is a cargo feature.
///
/// The default is the first that is built in: `WebPki`, else `Native`, else `None`. Features
/// are unified across a build, so another crate can turn one on: set the roots explicitly
/// when it matters which are trusted (`None` to trust only your CA).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RootCertificates {
    /// Mozilla's roots, compiled in (`webpki-roots`).
    #[cfg(feature = "webpki-roots")]
    #[cfg_attr(docsrs_nightly, doc(cfg(feature = "webpki-roots")))]
    #[default]
    WebPki,
    /// The operating system's store (`rustls-native-certs`).
    #[cfg(feature = "native-roots")]
    #[cfg_attr(docsrs_nightly, doc(cfg(feature = "native-roots")))]
    #[cfg_attr(not(feature = "webpki-roots"), default)]
    Native,
    /// None: trust only [`TlsConfig::extra_ca_pem`].
    #[cfg_attr(not(any(feature = "webpki-roots", feature = "native-roots")), default)]
    None,
}

/// A client certificate chain and private key, both PEM, for mutual TLS. `Debug` never shows
/// the key.
#[derive(Clone)]
pub struct ClientIdentity {
    cert_chain_pem: Vec<u8>,
    #[cfg_attr(
        not(feature = "default-client"),
        expect(
            dead_code,
            reason = "only the default client's TLS setup reads the key"
        )
    )]
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

    #[cfg(feature = "default-client")]
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
            TlsConfig::default()
                .with_client_identity(identity)
                .with_extra_ca_pem("ca")
        );
        assert!(!debug.contains("secret-key"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
}
