//! TLS on stream endpoints: a [`Session`] between the agent and a TCP
//! socket. The stack moves the ciphertext at every poll, so a handshake
//! goes on while its agent waits, and the agent reads and writes
//! plaintext through the same `send` and `recv` as on a plain stream.
//!
//! A session that fails (an untrusted certificate, a forged record, the
//! peer's alert) fails its endpoint: the alert telling the peer why still
//! goes out, and every later call returns the reason. A stream that ends
//! without the peer's `close_notify` is reported as cut short, not as the
//! end of the data, since an attacker can end a TCP stream but cannot
//! forge a `close_notify`.

use aios_tls::{ClientConfig, Error as TlsError, ServerConfig, Session};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use smoltcp::socket::tcp;

/// Unread plaintext above which the stack stops taking ciphertext from
/// the socket: the TCP window then closes and the peer waits.
const MAX_UNREAD: usize = 256 * 1024;
/// Ciphertext waiting for room in the socket above which `send` takes no
/// more plaintext.
pub(crate) const MAX_PENDING: usize = 64 * 1024;
/// Plaintext one `send` encrypts at most (four full records).
pub(crate) const MAX_WRITE: usize = 64 * 1024;
/// Ciphertext moved from the socket into the session per read.
const CHUNK: usize = 16 * 1024 + 256;

/// Why a TLS stream failed, in terms an agent can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFailure {
    /// The peer's certificate does not lead to a trusted root, is
    /// malformed, or is missing.
    Untrusted,
    /// The certificate does not name the server that was asked for.
    WrongName,
    /// The certificate has expired or is not valid yet.
    Expired,
    /// The peer shares no version, group, suite or signature scheme.
    Incompatible,
    /// The peer ended the handshake or the session with an alert.
    PeerAlert,
    /// A record failed authentication or the peer broke the protocol.
    Protocol,
    /// The stream ended without the peer's `close_notify`.
    Truncated,
    /// The node could not take part: no random bytes, or no wall-clock
    /// time to check certificates against.
    Local,
}

impl TlsFailure {
    pub(crate) fn of(error: &TlsError) -> TlsFailure {
        match error {
            TlsError::UnknownIssuer | TlsError::BadCertificate(_) | TlsError::NoCertificate => {
                TlsFailure::Untrusted
            }
            TlsError::NameMismatch | TlsError::InvalidServerName => TlsFailure::WrongName,
            TlsError::CertificateExpired | TlsError::CertificateNotYetValid => TlsFailure::Expired,
            TlsError::NoCommonParameters(_) => TlsFailure::Incompatible,
            TlsError::PeerAlert(_) => TlsFailure::PeerAlert,
            TlsError::RandomUnavailable | TlsError::ClockUnavailable => TlsFailure::Local,
            _ => TlsFailure::Protocol,
        }
    }
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsFailure::Untrusted => "TLS: the peer's certificate is not trusted",
            TlsFailure::WrongName => "TLS: the certificate does not name the server",
            TlsFailure::Expired => "TLS: the certificate has expired or is not valid yet",
            TlsFailure::Incompatible => "TLS: the peer shares no parameters with the node",
            TlsFailure::PeerAlert => "TLS: the peer ended the session with an alert",
            TlsFailure::Protocol => "TLS: the peer broke the protocol",
            TlsFailure::Truncated => "TLS: the stream ended without close_notify",
            TlsFailure::Local => "TLS: no random bytes or no wall-clock time on the node",
        })
    }
}

/// A stream's TLS session and the ciphertext the socket has not taken.
pub(crate) struct Secure {
    session: Session,
    pending: Vec<u8>,
    /// Our `close_notify` is queued.
    closing: bool,
}

impl Secure {
    pub(crate) fn client(config: &ClientConfig, server_name: &str) -> Result<Secure, TlsFailure> {
        Session::client(config, server_name)
            .map(Secure::new)
            .map_err(|e| TlsFailure::of(&e))
    }

    pub(crate) fn server(config: &ServerConfig) -> Result<Secure, TlsFailure> {
        Session::server(config)
            .map(Secure::new)
            .map_err(|e| TlsFailure::of(&e))
    }

    fn new(session: Session) -> Secure {
        Secure {
            session,
            pending: Vec::new(),
            closing: false,
        }
    }

    /// Moves ciphertext from the socket into the session and from the
    /// session into the socket. True if it queued bytes to send; the
    /// session's failure, once it failed (its alert still goes out).
    pub(crate) fn pump(&mut self, socket: &mut tcp::Socket<'_>) -> (bool, Option<TlsFailure>) {
        let mut failure = self.session.failure().map(TlsFailure::of);
        if failure.is_none() && socket.can_recv() && self.session.readable() < MAX_UNREAD {
            let mut chunk = vec![0u8; CHUNK];
            while socket.can_recv() && self.session.readable() < MAX_UNREAD {
                let read = socket.recv_slice(&mut chunk).unwrap_or(0);
                if read == 0 {
                    break;
                }
                if let Err(e) = self.session.receive(&chunk[..read]) {
                    failure = Some(TlsFailure::of(&e));
                    break;
                }
            }
        }
        (self.flush(socket), failure)
    }

    /// Hands the socket as much waiting ciphertext as it takes; true if
    /// any.
    pub(crate) fn flush(&mut self, socket: &mut tcp::Socket<'_>) -> bool {
        if self.session.wants_to_send() {
            let outgoing = self.session.take_outgoing();
            if self.pending.is_empty() {
                self.pending = outgoing;
            } else {
                self.pending.extend_from_slice(&outgoing);
            }
        }
        if self.pending.is_empty() || !socket.may_send() {
            return false;
        }
        let sent = socket.send_slice(&self.pending).unwrap_or(0);
        self.pending.drain(..sent);
        sent > 0
    }

    /// Whether the handshake is done (and did not fail).
    pub(crate) fn established(&self) -> bool {
        !self.session.is_handshaking() && self.session.failure().is_none()
    }

    /// Whether `send` may take more plaintext now.
    /// The server's end-entity certificate, as a client verified it.
    pub(crate) fn peer_end_entity(&self) -> Option<Vec<u8>> {
        self.session.peer_end_entity()
    }

    pub(crate) fn has_room(&self) -> bool {
        self.established() && !self.closing && self.pending.len() < MAX_PENDING
    }

    pub(crate) fn unread(&self) -> usize {
        self.session.readable()
    }

    pub(crate) fn peer_closed(&self) -> bool {
        self.session.peer_closed()
    }

    pub(crate) fn ciphertext_waiting(&self) -> bool {
        !self.pending.is_empty() || self.session.wants_to_send()
    }

    /// Encrypts `data` for the peer.
    pub(crate) fn write(&mut self, data: &[u8]) -> Result<(), TlsFailure> {
        self.session.write(data).map_err(|e| TlsFailure::of(&e))
    }

    /// Copies received plaintext into `buf`.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> usize {
        self.session.read(buf)
    }

    /// Queues our `close_notify` (nothing if the session failed: its
    /// alert is already queued).
    pub(crate) fn close(&mut self) {
        if !self.closing {
            self.closing = true;
            let _ = self.session.close();
        }
    }

    /// "TLS 1.3, X25519MLKEM768, TLS_CHACHA20_POLY1305_SHA256", or where
    /// the handshake stands.
    pub(crate) fn describe(&self) -> String {
        if let Some(error) = self.session.failure() {
            return format!("TLS failed: {error}");
        }
        match (self.session.negotiated_group(), self.session.cipher_suite()) {
            (Some(group), Some(suite)) if !self.session.is_handshaking() => {
                format!("TLS 1.3, {}, {}", group.name(), suite.name())
            }
            _ => String::from("TLS handshaking"),
        }
    }
}
