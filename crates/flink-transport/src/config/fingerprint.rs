//! [`CertificateFingerprint`]: the SHA-256 digest of a server certificate, for pinning.

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "aws-lc-rs")]
use aws_lc_rs::digest;
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use ring::digest;

use crate::ConfigError;

/// The SHA-256 fingerprint of a certificate (of its DER encoding), as
/// `openssl x509 -noout -fingerprint -sha256 -in cert.pem` prints it.
///
/// ```
/// use flink_transport::CertificateFingerprint;
///
/// let pin: CertificateFingerprint =
///     "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
///         .parse()?;
/// assert_eq!(pin.to_string().len(), 95);
/// assert!("AB:CD".parse::<CertificateFingerprint>().is_err());
/// # Ok::<(), flink_transport::ConfigError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertificateFingerprint([u8; 32]);

impl CertificateFingerprint {
    /// The fingerprint of a DER-encoded certificate, hashed by the crypto provider of the
    /// features.
    #[cfg(any(feature = "aws-lc-rs", feature = "ring"))]
    #[cfg_attr(docsrs_nightly, doc(cfg(any(feature = "aws-lc-rs", feature = "ring"))))]
    pub fn of_der(certificate: &[u8]) -> Self {
        let digest = digest::digest(&digest::SHA256, certificate);
        let mut bytes = [0; 32];
        bytes.copy_from_slice(digest.as_ref());
        Self(bytes)
    }
}

impl FromStr for CertificateFingerprint {
    type Err = ConfigError;

    /// 64 hexadecimal digits, in either case, with or without `:` between the bytes.
    fn from_str(text: &str) -> Result<Self, ConfigError> {
        let digits: String = text.trim().chars().filter(|c| *c != ':').collect();
        let invalid = || {
            ConfigError::tls(format!(
                "`{text}` is not a SHA-256 certificate fingerprint: write 64 hexadecimal digits \
                 (colons allowed), as `openssl x509 -noout -fingerprint -sha256 -in cert.pem` \
                 prints them"
            ))
        };
        if digits.len() != 64 || !digits.is_ascii() {
            return Err(invalid());
        }
        let mut bytes = [0; 32];
        for (byte, pair) in bytes.iter_mut().zip(digits.as_bytes().chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| invalid())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
        }
        Ok(Self(bytes))
    }
}

impl fmt::Display for CertificateFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, byte) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for CertificateFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertificateFingerprint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_as_openssl_prints_them_and_print_the_same() {
        let colons = "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9";
        let pin: CertificateFingerprint = colons.parse().unwrap();
        assert_eq!(pin.to_string(), colons);
        let bare: CertificateFingerprint = colons.replace(':', "").to_lowercase().parse().unwrap();
        assert_eq!(bare, pin);
        for bad in [
            "",
            "0A:1B",
            &colons.replace("0A", "ZZ"),
            &format!("{colons}:00"),
        ] {
            let error = bad.parse::<CertificateFingerprint>().unwrap_err();
            assert!(error.to_string().contains("-sha256"), "{error}");
        }
    }

    #[test]
    #[cfg(any(feature = "aws-lc-rs", feature = "ring"))]
    fn the_fingerprint_of_a_certificate_is_its_sha256() {
        // SHA-256 of the empty input.
        assert_eq!(
            CertificateFingerprint::of_der(b"")
                .to_string()
                .replace(':', ""),
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
        );
    }
}
