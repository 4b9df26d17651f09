//! Signed agent images (`.aimg`) and the boot manifest that lists them.
//!
//! # Image format (all integers little-endian)
//!
//! ```text
//! magic         b"AIOSAGNT"
//! version       u32 = 2
//! lengths       u32 × 4: manifest, wasm, engine, artifact
//! digests       [u8; 32] × 4: SHA3-256 of the same four sections
//! sig_len       u32 = 3309
//! signature     ML-DSA-65 over every byte before sig_len, context b"aios-agent-v2",
//!               by the key in the manifest's `publisher`
//! manifest      CBOR map of a Manifest
//! wasm          WebAssembly 1.0 binary module
//! engine        UTF-8, at most 256 bytes: the engine and configuration the
//!               artifact was compiled for (see `aios-engine`)
//! artifact      the module compiled ahead of time for that engine
//! ```
//!
//! Nothing may follow the artifact. The signature covers the header, and
//! the header pins each section by its digest, so a changed section is
//! named: [`verify`] accepts an image only if its manifest is valid, its
//! module has the Wasm header, its publisher's fingerprint is trusted, its
//! signature verifies and every section matches its signed digest. The trusted
//! fingerprints come from the [`BootManifest`] in the boot bundle, which the
//! boot signature covers: boot key → bundle → trusted publishers → images.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod boot;
mod error;
mod format;
mod manifest;
mod order;
#[cfg(feature = "std")]
mod sign;
mod validate;
mod verify;

pub use boot::{BootManifest, BundleAgent};
pub use error::{Error, Section};
pub use format::{
    BOOT_MANIFEST_ENTRY, CONTEXT, FORMAT_VERSION, MAGIC, MAX_ENGINE_LEN, PUBLIC_KEY_LEN,
    SIGNATURE_LEN, SIGNATURE_OFFSET, WASM_HEADER,
};
pub use manifest::{CapRequest, Intent, Manifest, Quotas, RestartMode, RestartPolicy};
pub use order::boot_order;
#[cfg(feature = "std")]
pub use sign::{Contents, public_key, sign};
pub use validate::{
    MAX_DESCRIPTION_LEN, MAX_INTENT_NAME_LEN, MAX_LIST_LEN, MAX_MEMORY_PAGES, MAX_NAME_LEN,
    MAX_RESOURCE_LEN, MAX_VERSION_LEN, MIN_FUEL_PER_SECOND, is_agent_name, is_intent_name,
};
pub use verify::{VerifiedImage, verify};
