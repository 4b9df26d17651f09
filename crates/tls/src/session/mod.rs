//! A TLS session over any byte stream: the caller moves the ciphertext.

mod pump;

use alloc::string::ToString;
use alloc::vec::Vec;
use core::mem;

use rustls::CommonState;
use rustls::client::UnbufferedClientConnection;
use rustls::pki_types::ServerName;
use rustls::server::UnbufferedServerConnection;

use crate::config::{CipherSuite, ClientConfig, Group, ServerConfig};
use crate::error::Error;
use pump::Buffers;

/// One TLS 1.3 connection, client or server side.
///
/// The session never touches a socket. The caller
/// - passes every byte received from the peer to [`receive`](Self::receive),
/// - sends whatever [`take_outgoing`](Self::take_outgoing) returns, in order,
///   after every call (the client's first flight is there right after
///   [`client`](Self::client)),
/// - writes plaintext with [`write`](Self::write) (held back until the
///   handshake allows it) and reads it with [`read`](Self::read).
///
/// A failure (a refused certificate, a forged record, a peer's alert) ends
/// the session: the alert telling the peer why is left in the outgoing
/// bytes, and every later call returns the same error.
pub struct Session {
    connection: Connection,
    buffers: Buffers,
    failure: Option<Error>,
}

enum Connection {
    Client(UnbufferedClientConnection),
    Server(UnbufferedServerConnection),
}

impl Session {
    /// A client session to `server_name` (a DNS name or an IP address, which
    /// the server's certificate must name). Its ClientHello is ready in
    /// [`take_outgoing`](Self::take_outgoing).
    pub fn client(config: &ClientConfig, server_name: &str) -> Result<Self, Error> {
        let name =
            ServerName::try_from(server_name.to_string()).map_err(|_| Error::InvalidServerName)?;
        let connection = UnbufferedClientConnection::new(config.0.clone(), name)?;
        let mut session = Self::new(Connection::Client(connection));
        session.pump()?;
        Ok(session)
    }

    /// A server session, waiting for a ClientHello.
    pub fn server(config: &ServerConfig) -> Result<Self, Error> {
        let connection = UnbufferedServerConnection::new(config.0.clone())?;
        Ok(Self::new(Connection::Server(connection)))
    }

    fn new(connection: Connection) -> Self {
        Self {
            connection,
            buffers: Buffers::default(),
            failure: None,
        }
    }

    /// Feeds ciphertext received from the peer. Any part of a record may
    /// arrive in any number of pieces.
    pub fn receive(&mut self, ciphertext: &[u8]) -> Result<(), Error> {
        self.check()?;
        self.buffers.incoming.extend_from_slice(ciphertext);
        self.pump()
    }

    /// Takes the ciphertext to send to the peer, in order.
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        mem::take(&mut self.buffers.queues.outgoing)
    }

    /// Whether there is ciphertext waiting to be sent.
    pub fn wants_to_send(&self) -> bool {
        !self.buffers.queues.outgoing.is_empty()
    }

    /// Queues `plaintext` for the peer; it is encrypted as soon as the
    /// handshake allows (immediately once it is done).
    pub fn write(&mut self, plaintext: &[u8]) -> Result<(), Error> {
        self.check()?;
        if self.buffers.queues.close_requested {
            return Err(Error::Closed);
        }
        self.buffers.queues.unsent.extend_from_slice(plaintext);
        self.pump()
    }

    /// Copies received plaintext into `buffer`; returns how many bytes.
    pub fn read(&mut self, buffer: &mut [u8]) -> usize {
        let count = buffer.len().min(self.buffers.queues.received.len());
        for (slot, byte) in buffer
            .iter_mut()
            .zip(self.buffers.queues.received.drain(..count))
        {
            *slot = byte;
        }
        count
    }

    /// How many plaintext bytes are waiting to be read.
    pub fn readable(&self) -> usize {
        self.buffers.queues.received.len()
    }

    /// Whether the handshake is still under way.
    pub fn is_handshaking(&self) -> bool {
        self.common().is_handshaking()
    }

    /// The key-exchange group the handshake settled on, once known.
    pub fn negotiated_group(&self) -> Option<Group> {
        self.common()
            .negotiated_key_exchange_group()
            .and_then(|group| Group::from_rustls(group.name()))
    }

    /// The cipher suite the handshake settled on, once known.
    pub fn cipher_suite(&self) -> Option<CipherSuite> {
        self.common()
            .negotiated_cipher_suite()
            .and_then(|suite| CipherSuite::from_rustls(suite.suite()))
    }

    /// The peer's end-entity certificate (DER), once the handshake has
    /// seen it: a client's view of the server it verified, for binding
    /// something to this server (RFC 5929's `tls-server-end-point`).
    pub fn peer_end_entity(&self) -> Option<Vec<u8>> {
        self.common()
            .peer_certificates()
            .and_then(|chain| chain.first())
            .map(|certificate| certificate.as_ref().to_vec())
    }

    /// Whether the peer has closed its side (sent close_notify). Everything
    /// it sent before is readable.
    pub fn peer_closed(&self) -> bool {
        self.buffers.queues.peer_closed
    }

    /// Closes our side: queues a close_notify after any unsent plaintext (or
    /// once the handshake is done). Writing afterwards fails with
    /// [`Error::Closed`]; reading still works.
    pub fn close(&mut self) -> Result<(), Error> {
        self.check()?;
        self.buffers.queues.close_requested = true;
        self.pump()
    }

    /// The error that ended the session, if one did.
    pub fn failure(&self) -> Option<&Error> {
        self.failure.as_ref()
    }

    fn common(&self) -> &CommonState {
        match &self.connection {
            Connection::Client(connection) => connection,
            Connection::Server(connection) => connection,
        }
    }

    fn check(&self) -> Result<(), Error> {
        match &self.failure {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// Runs the connection as far as the bytes at hand allow. On failure,
    /// leaves the alert for the peer in the outgoing bytes and remembers the
    /// error.
    fn pump(&mut self) -> Result<(), Error> {
        let result = match &mut self.connection {
            Connection::Client(connection) => pump::run(&mut **connection, &mut self.buffers),
            Connection::Server(connection) => pump::run(&mut **connection, &mut self.buffers),
        };
        result.inspect_err(|error| {
            match &mut self.connection {
                Connection::Client(connection) => {
                    pump::flush_alert(&mut **connection, &mut self.buffers)
                }
                Connection::Server(connection) => {
                    pump::flush_alert(&mut **connection, &mut self.buffers)
                }
            }
            self.buffers.incoming.clear();
            self.failure = Some(error.clone());
        })
    }
}
