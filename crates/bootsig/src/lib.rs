//! Signed boot manifest (`aios/kernel.sig` on the ESP): an ML-DSA-65
//! signature over the names, sizes and SHA3-256 digests of the boot
//! components (today `kernel.elf`, `bundle.bin`, `cmdline.txt`).
//!
//! # Format (all integers little-endian)
//!
//! ```text
//! magic        b"AIOSSIG1"
//! version      u32 = 1
//! count N      u32, 1..=16
//! N components name [u8; 32] (UTF-8, non-empty, zero padded, unique)
//!              size u64
//!              sha3_256 [u8; 32]
//! key          [u8; 32]  SHA3-256 of the encoded ML-DSA-65 public key
//! sig_len      u32 = 3309
//! signature    ML-DSA-65 over every byte before it, context b"aios-boot-v1"
//! ```
//!
//! Nothing may follow the signature. [`verify`] checks the layout, that the
//! key fingerprint is the caller's key, and the signature; only then are the
//! components trusted, and [`SignedManifest::check`] compares a file
//! against its signed size and digest.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "std")]
extern crate std;

mod error;
mod format;
mod hash;
mod manifest;
mod mldsa;
#[cfg(feature = "std")]
mod sign;
mod verify;

pub use error::Error;
pub use format::{
    CONTEXT, FORMAT_VERSION, MAGIC, MAX_COMPONENTS, NAME_LEN, PUBLIC_KEY_LEN, SIGNATURE_LEN,
};
pub use hash::{fingerprint, sha3_256};
pub use manifest::{Component, SignedManifest};
pub use mldsa::{SignatureError, verify_ml_dsa65};
#[cfg(feature = "std")]
pub use sign::{generate_signing_key, public_key_from_seed, sign};
pub use verify::verify;
