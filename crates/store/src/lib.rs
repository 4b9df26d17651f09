//! The semantic object store: journaled copy-on-write trees, namespaces, snapshots.
//!
//! A [`Store`] runs on any [`BlockDevice`]. Writes are acknowledged once
//! their journal record is flushed; checkpoints write the copy-on-write
//! trees and switch between two superblocks; snapshots record a root.
//! The on-disk format is described in `docs/storage-format.md`.
#![no_std]

extern crate alloc;

mod apply;
mod block;
mod checkpoint;
mod codec;
mod crc;
mod device;
mod error;
mod gc;
mod journal;
mod keys;
mod list;
mod names;
mod namespace;
mod node;
mod objects;
mod pager;
mod record;
mod snapshots;
mod space;
mod store;
mod streams;
mod superblock;
mod tree;
mod types;
mod upload;

pub mod testing;

pub use block::{HEADER_SIZE, PAYLOAD};
pub use crc::{accelerate_crc32c, crc32c, portable as crc32c_portable};
pub use device::{BLOCK_SIZE, BlockDevice, DeviceError, DeviceErrorKind};
pub use error::{Context, Error};
pub use keys::INLINE_MAX;
pub use names::{
    MAX_CONTENT_TYPE, MAX_EMBEDDING, MAX_KEY, MAX_NAME, MAX_TAG, MAX_TAGS, VOLUME, check_key,
    check_name,
};
pub use objects::MAX_OBJECT;
pub use store::Store;
pub use superblock::FORMAT_VERSION;
pub use types::{
    FormatOptions, FsckReport, ListQuery, MountReport, NamespaceInfo, Object, ObjectInfo, Problem,
    ProblemKind, PutMeta, SnapshotInfo, StoreStats,
};
pub use upload::Upload;
