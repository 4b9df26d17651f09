//! The object-store service behind the `store_*` syscalls: the mounted
//! store, uploads in progress, and the I/O scheduler that takes agents to
//! the device in turn.

mod audit;
mod errors;
mod service;

pub(crate) use errors::to_abi;
pub use service::{Disk, MountError, StoreStatus};
pub(crate) use service::{MAX_UPLOADS, Mounted, Storage};
