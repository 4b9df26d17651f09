//! What went wrong, in terms the caller can act on.

use core::fmt;

use rustls::{AlertDescription, CertificateError, PeerIncompatible};

/// Why a configuration could not be built or a session failed.
///
/// Errors charged to the peer (a bad certificate, a forged record, an alert)
/// end the session; its later calls return the same error again.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The peer's certificate chain does not lead to a trusted root.
    UnknownIssuer,
    /// The peer's certificate is not valid for the name we asked for.
    NameMismatch,
    /// The peer's certificate (or one in its chain) has expired.
    CertificateExpired,
    /// The peer's certificate (or one in its chain) is not valid yet.
    CertificateNotYetValid,
    /// The peer's certificate chain is otherwise unacceptable: a bad
    /// signature, an unsupported algorithm, wrong key usage, bad encoding.
    BadCertificate(CertificateError),
    /// The peer presented no certificate.
    NoCertificate,
    /// A record failed authentication: it was tampered with or corrupted.
    BadRecord,
    /// A message could not be parsed.
    MalformedMessage,
    /// The peer sent a message that does not fit the protocol's state or
    /// otherwise broke the protocol.
    PeerMisbehaved,
    /// The peer shares no protocol version, cipher suite, key-exchange group
    /// or signature scheme with us.
    NoCommonParameters(PeerIncompatible),
    /// The peer ended the session with this fatal alert.
    PeerAlert(AlertDescription),
    /// The caller's random source failed.
    RandomUnavailable,
    /// The caller's clock does not know the time, so certificates cannot be
    /// checked.
    ClockUnavailable,
    /// The server name is neither a DNS name nor an IP address.
    InvalidServerName,
    /// PEM input could not be parsed, or held no item of the wanted kind.
    BadPem,
    /// A trust anchor could not be parsed as an X.509 certificate.
    BadTrustAnchor,
    /// The private key is not an ECDSA P-256 or Ed25519 key, or is
    /// malformed.
    UnsupportedPrivateKey,
    /// The private key does not belong to the certificate.
    KeyMismatch,
    /// Plaintext was written after `close`.
    Closed,
    /// Any other failure inside rustls, kept as it said it.
    Protocol(rustls::Error),
}

impl From<rustls::Error> for Error {
    fn from(error: rustls::Error) -> Self {
        match error {
            rustls::Error::InvalidCertificate(certificate) => match certificate {
                CertificateError::UnknownIssuer => Error::UnknownIssuer,
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => Error::NameMismatch,
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    Error::CertificateExpired
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    Error::CertificateNotYetValid
                }
                other => Error::BadCertificate(other),
            },
            rustls::Error::NoCertificatesPresented => Error::NoCertificate,
            rustls::Error::DecryptError => Error::BadRecord,
            rustls::Error::InvalidMessage(_) | rustls::Error::PeerSentOversizedRecord => {
                Error::MalformedMessage
            }
            rustls::Error::InappropriateMessage { .. }
            | rustls::Error::InappropriateHandshakeMessage { .. }
            | rustls::Error::PeerMisbehaved(_) => Error::PeerMisbehaved,
            rustls::Error::PeerIncompatible(why) => Error::NoCommonParameters(why),
            rustls::Error::AlertReceived(alert) => Error::PeerAlert(alert),
            rustls::Error::FailedToGetRandomBytes => Error::RandomUnavailable,
            rustls::Error::FailedToGetCurrentTime => Error::ClockUnavailable,
            rustls::Error::InconsistentKeys(_) => Error::KeyMismatch,
            other => Error::Protocol(other),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnknownIssuer => formatter.write_str("certificate issued by an unknown CA"),
            Error::NameMismatch => formatter.write_str("certificate not valid for the server name"),
            Error::CertificateExpired => formatter.write_str("certificate expired"),
            Error::CertificateNotYetValid => formatter.write_str("certificate not valid yet"),
            Error::BadCertificate(why) => write!(formatter, "bad certificate: {why}"),
            Error::NoCertificate => formatter.write_str("peer presented no certificate"),
            Error::BadRecord => formatter.write_str("record failed authentication"),
            Error::MalformedMessage => formatter.write_str("malformed message"),
            Error::PeerMisbehaved => formatter.write_str("peer broke the protocol"),
            Error::NoCommonParameters(why) => write!(formatter, "nothing in common: {why:?}"),
            Error::PeerAlert(alert) => write!(formatter, "peer sent alert {alert:?}"),
            Error::RandomUnavailable => formatter.write_str("random source failed"),
            Error::ClockUnavailable => formatter.write_str("clock does not know the time"),
            Error::InvalidServerName => formatter.write_str("invalid server name"),
            Error::BadPem => formatter.write_str("bad PEM input"),
            Error::BadTrustAnchor => formatter.write_str("trust anchor is not a certificate"),
            Error::UnsupportedPrivateKey => {
                formatter.write_str("private key is not ECDSA P-256 or Ed25519")
            }
            Error::KeyMismatch => formatter.write_str("private key does not match certificate"),
            Error::Closed => formatter.write_str("session closed for writing"),
            Error::Protocol(error) => write!(formatter, "TLS: {error}"),
        }
    }
}

impl core::error::Error for Error {}
