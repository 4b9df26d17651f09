//! What the virtio drivers share: the modern (1.x) PCI transport, the
//! device bring-up sequence, and the split virtqueue.

mod error;
mod queue;
mod transport;

pub(crate) use error::VirtioError;
pub(crate) use queue::{Access, Queue, Used};
pub(crate) use transport::Transport;

/// VIRTIO_F_VERSION_1: the device follows virtio 1.x (little-endian
/// fields, modern layout). Every driver here requires it.
pub(crate) const F_VERSION_1: u64 = 1 << 32;
