//! What linked nodes say: frames of CBOR, each after its length (four
//! bytes, big-endian), read from untrusted bytes by [`Frames`], which
//! refuses a frame longer than [`MAX_FRAME`] or one that does not decode.

use crate::identity::Certificate;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use minicbor::{Decode, Encode};

/// Longest frame: a message body (up to 1 MiB) and what goes with it.
pub const MAX_FRAME: usize = (1 << 20) + 64 * 1024;

/// An intent a node serves, as its peers learn it: the name (or
/// pattern), what it does, and its schemas in their text form.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct RemoteIntent {
    /// The intent's name or pattern.
    #[n(0)]
    pub name: String,
    /// What it does (routing by meaning compares with this).
    #[n(1)]
    pub description: String,
    /// The schema requests follow.
    #[n(2)]
    pub input: String,
    /// The schema replies follow.
    #[n(3)]
    pub output: String,
}

/// One frame.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum Frame {
    /// First on a link, from each end: who it is, and a fresh nonce the
    /// other end's proof must cover.
    #[n(0)]
    Hello {
        /// The node's certificate.
        #[n(0)]
        certificate: Certificate,
        /// 32 random bytes.
        #[cbor(n(1), with = "minicbor::bytes")]
        nonce: Vec<u8>,
    },
    /// Second, from each end once it has the other's hello: its signature
    /// of the link ([`crate::Identity::prove`] over [`crate::binding`]).
    #[n(7)]
    Proof {
        /// The signature.
        #[cbor(n(0), with = "minicbor::bytes")]
        proof: Vec<u8>,
    },
    /// The intents the sender's agents serve now (all of them: the
    /// receiver forgets what an earlier list had).
    #[n(1)]
    Intents {
        /// The intents.
        #[n(0)]
        intents: Vec<RemoteIntent>,
    },
    /// A message for an intent the receiver serves.
    #[n(2)]
    Request {
        /// The sender's id for it; the reply names it.
        #[n(0)]
        id: u64,
        /// The intent.
        #[n(1)]
        intent: String,
        /// The body (CBOR).
        #[cbor(n(2), with = "minicbor::bytes")]
        body: Vec<u8>,
        /// Milliseconds left before it expires.
        #[n(3)]
        deadline_ms: u64,
        /// Who sent it, for the receiver's audit log (`agent 7 (ping)`).
        #[n(4)]
        sender: String,
    },
    /// The reply to request `id`.
    #[n(3)]
    Reply {
        /// The request's id.
        #[n(0)]
        id: u64,
        /// The reply's body.
        #[cbor(n(1), with = "minicbor::bytes")]
        body: Vec<u8>,
    },
    /// Request `id` will not be answered, and why.
    #[n(4)]
    Undelivered {
        /// The request's id.
        #[n(0)]
        id: u64,
        /// Why (`expired`, `refused by policy`, `no agent serves it`, …).
        #[n(1)]
        why: String,
    },
    /// Are you there? (Answered with [`Frame::Pong`].)
    #[n(5)]
    Ping {
        /// Echoed back.
        #[n(0)]
        nonce: u64,
    },
    /// The answer to a ping.
    #[n(6)]
    Pong {
        /// The ping's nonce.
        #[n(0)]
        nonce: u64,
    },
}

/// Why the bytes of a link were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// A frame announced longer than [`MAX_FRAME`].
    TooLong(u32),
    /// A frame's bytes are not a frame.
    Malformed,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLong(n) => write!(f, "a frame of {n} bytes (at most {MAX_FRAME})"),
            FrameError::Malformed => f.write_str("a malformed frame"),
        }
    }
}

/// `frame` as bytes for the link: its length, then its CBOR.
pub fn encode(frame: &Frame) -> Vec<u8> {
    let body = minicbor::to_vec(frame).unwrap_or_default();
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Frames read from a link's bytes as they come.
#[derive(Debug, Default)]
pub struct Frames {
    buffer: Vec<u8>,
}

impl Frames {
    /// Adds bytes read from the link.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next whole frame, if one is here. After an error the link is
    /// beyond repair: the caller closes it.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, FrameError> {
        let Some(head) = self.buffer.get(..4) else {
            return Ok(None);
        };
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        if length as usize > MAX_FRAME {
            return Err(FrameError::TooLong(length));
        }
        let end = 4 + length as usize;
        if self.buffer.len() < end {
            return Ok(None);
        }
        let frame = minicbor::decode(&self.buffer[4..end]).map_err(|_| FrameError::Malformed)?;
        self.buffer.drain(..end);
        Ok(Some(frame))
    }

    /// Bytes held that are not yet a whole frame.
    pub fn pending(&self) -> usize {
        self.buffer.len()
    }
}
