//! The boot bundle: a flat archive of named files (initial agents, policies,
//! later models) that the loader hands to the kernel.
//!
//! # Format (all integers little-endian)
//!
//! ```text
//! offset 0   magic        b"AIOSBNDL"
//!        8   version      u32 = 1
//!        12  entry count  u32 (at most MAX_ENTRIES)
//!        16  entries, each starting 8-byte aligned:
//!              name_len u16 (1..=MAX_NAME_LEN)
//!              name     UTF-8, name_len bytes
//!              zero padding to the next multiple of 8
//!              data_len u64
//!              data     data_len bytes
//!              zero padding to the next multiple of 8
//! ```
//!
//! The bundle ends exactly after the padding of its last entry. Every entry's
//! data therefore starts 8-byte aligned relative to the bundle start. Names
//! are unique. The parser checks all of this and never panics.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

#[cfg(feature = "std")]
mod builder;
mod error;
mod format;
mod parse;

#[cfg(feature = "std")]
pub use builder::BundleBuilder;
pub use error::Error;
pub use format::{FORMAT_VERSION, MAGIC, MAX_ENTRIES, MAX_NAME_LEN};
pub use parse::{Bundle, Entry};
