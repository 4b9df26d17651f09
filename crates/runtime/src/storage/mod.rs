//! The object-store service behind the `store_*` syscalls and the API's
//! store routes: the mounted store, uploads in progress, and the I/O
//! scheduler that takes agents to the device in turn.

mod audit;
mod errors;
mod objects;
mod service;

pub(crate) use errors::to_abi;
pub(crate) use objects::{REQUEST_COST, ensure_namespace, list_page, object_info, reserved};
pub use service::{Disk, MountError, StoreStatus};
pub(crate) use service::{MAX_UPLOADS, Mounted, Storage, Turn};
