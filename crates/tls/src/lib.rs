//! TLS 1.3 for the kernel: rustls' no_std build with a crypto provider made
//! of RustCrypto and dalek crates, X25519MLKEM768 preferred, randomness and
//! time from the caller, and a [`Session`] that works over any byte stream.
//! See `docs/tls.md`.
#![no_std]

extern crate alloc;

mod clock;
mod config;
mod credentials;
mod error;
mod provider;
mod random;
mod session;

pub use clock::Clock;
pub use config::{CipherSuite, ClientConfig, Group, KeyExchange, Policy, ServerConfig};
pub use credentials::{CertificateChain, PrivateKey, TrustStore};
pub use error::Error;
pub use provider::Crypto;
pub use random::{Random, RandomUnavailable};
pub use rustls::{AlertDescription, CertificateError, PeerIncompatible};
pub use session::Session;
