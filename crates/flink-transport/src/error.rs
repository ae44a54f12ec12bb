//! Errors the stack produces, and helpers that recognise them anywhere in a source chain.

use std::error::Error;
use std::io;
use std::time::Duration;

#[cfg(feature = "default-client")]
use crate::BoxError;

/// One attempt got no response head within its timeout
/// ([`TransportConfig::attempt_timeout`](crate::TransportConfig::attempt_timeout) or
/// [`RequestTimeout`](crate::RequestTimeout)), or, for an answer the attempt reads whole (see
/// [`BufferedResponse`](crate::BufferedResponse)), not all of its body.
#[derive(Debug, thiserror::Error)]
#[error("no response within {after:?}; raise the timeout or check the server")]
#[non_exhaustive]
pub struct AttemptTimedOut {
    /// The timeout that elapsed.
    pub after: Duration,
}

/// A streamed response body went silent: no data arrived for
/// [`TransportConfig::body_idle_timeout`](crate::TransportConfig::body_idle_timeout).
#[derive(Debug, thiserror::Error)]
#[error(
    "the server sent no data for {after:?} in the middle of the response body; check the \
     server, or raise TransportConfig::body_idle_timeout"
)]
#[non_exhaustive]
pub struct BodyIdleTimedOut {
    /// The idle timeout that elapsed.
    pub after: Duration,
}

/// The server ended the TLS handshake with a `handshake_failure` alert. A Java server sends it
/// when it shares no cipher suite with the client, and rustls offers only forward-secret AEAD
/// suites, where Flink before 1.20 offers `TLS_RSA_WITH_AES_128_CBC_SHA` alone by default.
/// The rustls error stays in the source chain.
#[cfg(feature = "default-client")]
#[derive(Debug, thiserror::Error)]
#[error(
    "the server refused the TLS handshake, most likely because it offers none of the cipher \
     suites flink-rs speaks (TLS 1.3, or TLS 1.2 with ECDHE and AES-GCM or ChaCha20). Flink \
     before 1.20 offers only TLS_RSA_WITH_AES_128_CBC_SHA unless told otherwise: set \
     `security.ssl.algorithms: TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384` \
     (Flink 1.20's default) on the cluster"
)]
#[non_exhaustive]
pub struct TlsHandshakeRefused {
    /// The connection error that carries the alert.
    #[source]
    pub source: BoxError,
}

/// `error`, wrapped in a [`TlsHandshakeRefused`] when the server refused the handshake with a
/// `handshake_failure` alert, so that the message says what to change.
#[cfg(feature = "default-client")]
pub(crate) fn explain_handshake_refusal(error: impl Into<BoxError>) -> BoxError {
    let error = error.into();
    if chain(error.as_ref()).any(client_errors::is_handshake_failure_alert) {
        Box::new(TlsHandshakeRefused { source: error })
    } else {
        error
    }
}

/// Whether `error`, or any error in its source chain, is a timeout: an [`AttemptTimedOut`], a
/// [`BodyIdleTimedOut`], a connect timeout, or a tower or hyper timeout.
pub fn is_timeout(error: &(dyn Error + 'static)) -> bool {
    let timed_out = chain(error).any(|e| {
        e.is::<AttemptTimedOut>()
            || e.is::<BodyIdleTimedOut>()
            || e.is::<tower::timeout::error::Elapsed>()
            || client_errors::is_timeout(e)
    });
    // hyper-util reports its connect timeout as an io::Error of kind TimedOut.
    timed_out
        || (is_connect(error) && chain(error).any(|e| io_kind(e) == Some(io::ErrorKind::TimedOut)))
}

/// Whether `error`, or any error in its source chain, means no connection could be opened, so
/// the request never left the client: hyper-util's connect errors (refused, DNS, connect
/// timeout, TLS handshake) and any `io::Error` of kind `ConnectionRefused`.
pub fn is_connect(error: &(dyn Error + 'static)) -> bool {
    chain(error).any(|e| {
        client_errors::is_connect(e) || io_kind(e) == Some(io::ErrorKind::ConnectionRefused)
    })
}

/// An error and its sources. Unlike `Error::source`, this also steps into the error an
/// `io::Error` wraps (its `source()` skips that error and returns the wrapped one's source).
pub(crate) fn chain<'a>(
    error: &'a (dyn Error + 'static),
) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&e| {
        if let Some(io) = e.downcast_ref::<io::Error>()
            && let Some(inner) = io.get_ref()
        {
            return Some(inner as &(dyn Error + 'static));
        }
        e.source()
    })
}

fn io_kind(error: &(dyn Error + 'static)) -> Option<io::ErrorKind> {
    error.downcast_ref::<io::Error>().map(io::Error::kind)
}

/// What one error of the default client's hyper and rustls says (not its sources).
#[cfg(feature = "default-client")]
pub(crate) mod client_errors {
    use std::error::Error;

    /// hyper's own timeout.
    pub(crate) fn is_timeout(error: &(dyn Error + 'static)) -> bool {
        error
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_timeout)
    }

    /// hyper-util could not open a connection (refused, DNS, connect timeout, TLS handshake).
    pub(crate) fn is_connect(error: &(dyn Error + 'static)) -> bool {
        // Waiting for a connection in vain sends nothing, at the gate or in the pool.
        error.is::<crate::ConnectionsBusy>()
            || error
                .downcast_ref::<hyper_util::client::legacy::Error>()
                .is_some_and(hyper_util::client::legacy::Error::is_connect)
    }

    /// hyper lost the connection while a request was in flight.
    pub(crate) fn is_broken(error: &(dyn Error + 'static)) -> bool {
        error
            .downcast_ref::<hyper::Error>()
            .is_some_and(|e| e.is_incomplete_message() || e.is_closed() || e.is_canceled())
    }

    /// A certificate or handshake error of rustls.
    pub(crate) fn is_tls(error: &(dyn Error + 'static)) -> bool {
        error.is::<rustls::Error>()
    }

    /// The server's `handshake_failure` alert, as rustls reports it.
    pub(crate) fn is_handshake_failure_alert(error: &(dyn Error + 'static)) -> bool {
        matches!(
            error.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::AlertReceived(
                rustls::AlertDescription::HandshakeFailure
            ))
        )
    }
}

/// Without the default client, no error comes from hyper or rustls (a service of your own
/// reports its failures as `io::Error`s, or in its own types).
#[cfg(not(feature = "default-client"))]
pub(crate) mod client_errors {
    use std::error::Error;

    pub(crate) fn is_timeout(_: &(dyn Error + 'static)) -> bool {
        false
    }

    pub(crate) fn is_connect(_: &(dyn Error + 'static)) -> bool {
        false
    }

    pub(crate) fn is_broken(_: &(dyn Error + 'static)) -> bool {
        false
    }

    pub(crate) fn is_tls(_: &(dyn Error + 'static)) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BoxError;

    #[derive(Debug, thiserror::Error)]
    #[error("wrapper")]
    struct Wrapper(#[source] BoxError);

    #[test]
    fn finds_attempt_timeouts_anywhere_in_the_chain() {
        let error: BoxError = Box::new(Wrapper(Box::new(AttemptTimedOut {
            after: Duration::from_secs(1),
        })));
        assert!(is_timeout(&*error));
        assert!(!is_connect(&*error));
        assert_eq!(
            AttemptTimedOut {
                after: Duration::from_secs(1)
            }
            .to_string(),
            "no response within 1s; raise the timeout or check the server"
        );
    }

    #[test]
    fn a_silent_body_is_a_timeout() {
        let error: BoxError = Box::new(Wrapper(Box::new(BodyIdleTimedOut {
            after: Duration::from_secs(60),
        })));
        assert!(is_timeout(&*error));
        assert!(!is_connect(&*error));
    }

    #[test]
    fn steps_into_io_errors() {
        let refused = io::Error::other(Wrapper(Box::new(io::Error::from(
            io::ErrorKind::ConnectionRefused,
        ))));
        assert!(is_connect(&refused));
        assert!(!is_timeout(&refused));
        assert_eq!(chain(&refused).count(), 3);
    }

    #[cfg(feature = "default-client")]
    #[test]
    fn a_refused_handshake_says_which_cipher_suites_to_offer() {
        // As hyper-rustls reports it: an io::Error carrying rustls' error, inside a wrapper.
        let alert = |description| {
            Box::new(Wrapper(Box::new(io::Error::new(
                io::ErrorKind::InvalidData,
                rustls::Error::AlertReceived(description),
            )))) as BoxError
        };
        let explained =
            explain_handshake_refusal(alert(rustls::AlertDescription::HandshakeFailure));
        let text = explained.to_string();
        assert!(
            text.contains("security.ssl.algorithms") && text.contains("1.20"),
            "{text}"
        );
        assert!(
            chain(explained.as_ref()).any(client_errors::is_tls),
            "the rustls error stays in the chain, so the failure is still classified as TLS"
        );
        let other = explain_handshake_refusal(alert(rustls::AlertDescription::BadCertificate));
        assert_eq!(other.to_string(), "wrapper");
    }

    #[test]
    fn other_errors_are_neither() {
        let error = io::Error::from(io::ErrorKind::TimedOut);
        assert!(
            !is_timeout(&error),
            "an I/O timeout outside a connect attempt is not ours"
        );
        assert!(!is_connect(&error));
    }
}
