//! The hash-chained, signed audit log.
//!
//! Every security-relevant event (spawns, exits, kills, grants, revocations,
//! denials, policy changes, refused images) becomes a [`Record`] whose hash
//! covers its fields and the previous record's hash. Every
//! [`Config::checkpoint_every`] records the log appends a
//! [`Kind::Checkpoint`] record and signs its hash with the node's ML-DSA-65
//! key ([`Checkpoint`]). [`AuditLog::verify`] and [`verify_export`] re-check
//! all of it and name the first record that was altered, removed or moved.
//! `docs/audit.md` describes the formats and the guarantees.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod cbor;
mod chain;
mod checkpoint;
mod error;
mod export;
mod kind;
mod log;
mod record;

pub use chain::Summary;
pub use checkpoint::{CONTEXT, Checkpoint, PUBLIC_KEY_LEN, SIGNATURE_LEN, fingerprint};
pub use error::AuditError;
pub use export::{EXPORT_MAGIC, EXPORT_VERSION, ExportedLog, verify_export};
pub use kind::Kind;
pub use log::{AuditLog, Config};
pub use record::{MAX_DETAIL_LEN, Record};
