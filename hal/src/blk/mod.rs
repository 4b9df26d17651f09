//! Block devices: virtio-blk, NVMe and AHCI behind one [`Disk`] handle
//! with synchronous and asynchronous (ticket) requests.

mod ahci;
mod disk;
mod driver;
mod error;
mod handle;
mod nvme;
mod probe;
mod route;
mod slots;
mod split;
mod transfer;
mod virtio;

pub use disk::{Disk, DiskKind, REQUEST_TIMEOUT_NS};
pub use error::{BlkError, DiskStats};
pub use handle::Ticket;
pub use probe::probe;
