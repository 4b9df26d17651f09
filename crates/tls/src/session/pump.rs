//! Drives rustls' unbuffered connection: moves records between the session's
//! buffers and the state machine until it needs more input.

use alloc::collections::VecDeque;
use alloc::vec::Vec;

use rustls::client::ClientConnectionData;
use rustls::server::ServerConnectionData;
use rustls::unbuffered::UnbufferedConnectionCommon;
use rustls::unbuffered::{
    ConnectionState, EncodeError, EncryptError, InsufficientSizeError, UnbufferedStatus,
    WriteTraffic,
};

use crate::error::Error;

/// The session's bytes in flight.
#[derive(Default)]
pub(super) struct Buffers {
    /// Ciphertext from the peer not processed yet (at most a partial record
    /// once `run` returns). rustls remembers positions in it between calls,
    /// so it only ever loses the prefix rustls says to discard.
    pub(super) incoming: Vec<u8>,
    pub(super) queues: Queues,
}

/// Everything but the incoming ciphertext.
#[derive(Default)]
pub(super) struct Queues {
    /// Ciphertext for the peer.
    pub(super) outgoing: Vec<u8>,
    /// Plaintext from the peer not read yet.
    pub(super) received: VecDeque<u8>,
    /// Plaintext for the peer waiting for the handshake to allow it.
    pub(super) unsent: Vec<u8>,
    pub(super) close_requested: bool,
    pub(super) close_sent: bool,
    pub(super) peer_closed: bool,
}

/// The one call that differs between client and server connections.
pub(super) trait Process {
    type Data;
    fn process<'c, 'i>(
        &'c mut self,
        incoming: &'i mut [u8],
    ) -> UnbufferedStatus<'c, 'i, Self::Data>;
}

impl Process for UnbufferedConnectionCommon<ClientConnectionData> {
    type Data = ClientConnectionData;
    fn process<'c, 'i>(
        &'c mut self,
        incoming: &'i mut [u8],
    ) -> UnbufferedStatus<'c, 'i, Self::Data> {
        self.process_tls_records(incoming)
    }
}

impl Process for UnbufferedConnectionCommon<ServerConnectionData> {
    type Data = ServerConnectionData;
    fn process<'c, 'i>(
        &'c mut self,
        incoming: &'i mut [u8],
    ) -> UnbufferedStatus<'c, 'i, Self::Data> {
        self.process_tls_records(incoming)
    }
}

/// Processes every complete record in `buffers.incoming`, emits what the
/// handshake and the caller's writes produce, and stops when rustls needs
/// more input from the peer (or the session is closed both ways).
pub(super) fn run<C: Process>(connection: &mut C, buffers: &mut Buffers) -> Result<(), Error> {
    loop {
        let UnbufferedStatus { mut discard, state } = connection.process(&mut buffers.incoming);
        let proceed = match state {
            Ok(state) => handle(state, &mut discard, &mut buffers.queues),
            Err(error) => Err(error.into()),
        };
        // Even after an error: rustls counts on the discard having happened.
        buffers.incoming.drain(..discard);
        if !proceed? {
            return Ok(());
        }
    }
}

/// Acts on one state; returns whether to ask rustls for the next one.
fn handle<Data>(
    state: ConnectionState<'_, '_, Data>,
    discard: &mut usize,
    queues: &mut Queues,
) -> Result<bool, Error> {
    Ok(match state {
        ConnectionState::ReadTraffic(mut traffic) => {
            while let Some(record) = traffic.next_record() {
                let record = record?;
                *discard += record.discard;
                queues.received.extend(record.payload);
            }
            true
        }
        ConnectionState::EncodeTlsData(mut handshake) => {
            emit(
                &mut queues.outgoing,
                1024,
                |out| handshake.encode(out),
                encode_shortfall,
            )?;
            true
        }
        ConnectionState::TransmitTlsData(mut transmit) => {
            if let Some(mut traffic) = transmit.may_encrypt_app_data() {
                encrypt_unsent(&mut traffic, &mut queues.unsent, &mut queues.outgoing)?;
            }
            // The bytes are in `outgoing`, which the caller sends in order.
            transmit.done();
            true
        }
        ConnectionState::WriteTraffic(mut traffic) => {
            encrypt_unsent(&mut traffic, &mut queues.unsent, &mut queues.outgoing)?;
            if queues.close_requested && !queues.close_sent {
                emit(
                    &mut queues.outgoing,
                    64,
                    |out| traffic.queue_close_notify(out),
                    encrypt_shortfall,
                )?;
                queues.close_sent = true;
            }
            false
        }
        ConnectionState::PeerClosed => {
            queues.peer_closed = true;
            true
        }
        ConnectionState::Closed => {
            queues.peer_closed = true;
            false
        }
        ConnectionState::BlockedHandshake => false,
        // Early data is never enabled (the server issues no tickets), so a
        // client that sends it anyway is broken.
        ConnectionState::ReadEarlyData(_) => return Err(Error::PeerMisbehaved),
        _ => false,
    })
}

/// After a failure, moves the alert rustls queued for the peer into the
/// outgoing bytes, so the peer learns why the session ended.
///
/// rustls hands out queued records before it reads input, so one call
/// yields the alert if there is one. It must be only one: a second call
/// would parse the rest of `incoming` and could raise a second fatal alert,
/// which rustls asserts never happens.
pub(super) fn flush_alert<C: Process>(connection: &mut C, buffers: &mut Buffers) {
    let status = connection.process(&mut buffers.incoming);
    if let Ok(ConnectionState::EncodeTlsData(mut alert)) = status.state {
        // Nothing more can go wrong that the caller could act on: the
        // session has already failed with its own error.
        let _ = emit(
            &mut buffers.queues.outgoing,
            64,
            |out| alert.encode(out),
            encode_shortfall,
        );
    }
}

/// Encrypts the plaintext held back so far.
fn encrypt_unsent<Data>(
    traffic: &mut WriteTraffic<'_, Data>,
    unsent: &mut Vec<u8>,
    outgoing: &mut Vec<u8>,
) -> Result<(), Error> {
    if unsent.is_empty() {
        return Ok(());
    }
    emit(
        outgoing,
        unsent.len() + 256,
        |out| traffic.encrypt(unsent, out),
        encrypt_shortfall,
    )?;
    unsent.clear();
    Ok(())
}

/// Appends what `write` produces to `outgoing`, growing it first by
/// `estimate` bytes and, if rustls says that is too little, by what it needs.
fn emit<E>(
    outgoing: &mut Vec<u8>,
    estimate: usize,
    mut write: impl FnMut(&mut [u8]) -> Result<usize, E>,
    shortfall: fn(&E) -> Option<InsufficientSizeError>,
) -> Result<(), Error>
where
    Error: From<E>,
{
    let start = outgoing.len();
    outgoing.resize(start + estimate, 0);
    let written = match write(&mut outgoing[start..]) {
        Ok(written) => written,
        Err(error) => match shortfall(&error) {
            Some(InsufficientSizeError { required_size }) => {
                outgoing.resize(start + required_size, 0);
                write(&mut outgoing[start..]).inspect_err(|_| outgoing.truncate(start))?
            }
            None => {
                outgoing.truncate(start);
                return Err(error.into());
            }
        },
    };
    outgoing.truncate(start + written);
    Ok(())
}

fn encode_shortfall(error: &EncodeError) -> Option<InsufficientSizeError> {
    match error {
        EncodeError::InsufficientSize(shortfall) => Some(*shortfall),
        _ => None,
    }
}

fn encrypt_shortfall(error: &EncryptError) -> Option<InsufficientSizeError> {
    match error {
        EncryptError::InsufficientSize(shortfall) => Some(*shortfall),
        _ => None,
    }
}

impl From<EncodeError> for Error {
    fn from(_: EncodeError) -> Self {
        // Only a too-small buffer is expected, and `emit` grows it.
        Error::Protocol(rustls::Error::General(
            "handshake record could not be encoded".into(),
        ))
    }
}

impl From<EncryptError> for Error {
    /// The sequence numbers ran out (after 2^64 records) or the buffer was
    /// too small twice; either way nothing more can be sent.
    fn from(_: EncryptError) -> Self {
        Error::Protocol(rustls::Error::EncryptError)
    }
}
