//! Nodes of one cluster and the link between two of them.
//!
//! - [`identity`]: each node has an ML-DSA-65 identity key, certified by
//!   the cluster key (a certificate names the node and its public key,
//!   signed by the cluster). Over a TLS link, each end proves it holds its
//!   key by signing, with its role, the link's [`binding`]: the TLS
//!   server's certificate and both ends' fresh nonces. A proof is good
//!   for that one link: it cannot be replayed on another, reflected back,
//!   or relayed by a node in the middle (which must show its own TLS
//!   certificate).
//! - [`frame`]: what linked nodes say to each other, one length-prefixed
//!   CBOR frame at a time, read from untrusted bytes with limits.
//!
//! See `docs/cluster.md`.
#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod frame;
pub mod identity;

pub use frame::{Frame, FrameError, Frames, MAX_FRAME, RemoteIntent, encode};
pub use identity::{
    Certificate, Identity, IdentityError, NONCE_LEN, Role, binding, check_proof, valid_name,
};
