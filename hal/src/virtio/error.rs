//! Why a virtio device could not be brought up or driven; each device
//! layer converts it into its own error.

use crate::dma::DmaError;

/// A failure of the shared virtio code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VirtioError {
    /// The vendor capabilities of the modern transport are missing.
    NotModern,
    /// The device did not finish its reset in time.
    ResetTimeout,
    /// The device does not offer VIRTIO_F_VERSION_1.
    NoVersion1,
    /// The device did not accept the features the driver chose.
    FeaturesRefused,
    /// The virtqueue is absent, too small or not a power of two.
    QueueTooSmall,
    /// The device did not take the MSI-X vector for a queue.
    VectorRefused,
    /// A descriptor chain reached past the end of the descriptor table.
    ChainTooLong,
    /// No DMA memory for the rings.
    NoMemory,
}

impl VirtioError {
    /// What went wrong, for logs and the device layers' errors.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            VirtioError::NotModern => "virtio capabilities missing (not a modern device)",
            VirtioError::ResetTimeout => "virtio reset did not complete",
            VirtioError::NoVersion1 => "device does not offer VIRTIO_F_VERSION_1",
            VirtioError::FeaturesRefused => "device refused the feature set",
            VirtioError::QueueTooSmall => "virtqueue too small",
            VirtioError::VectorRefused => "device refused the MSI-X vector",
            VirtioError::ChainTooLong => "descriptor chain past the end of the table",
            VirtioError::NoMemory => "no DMA memory for the virtqueue",
        }
    }
}

impl From<DmaError> for VirtioError {
    fn from(_: DmaError) -> Self {
        // Rings are allocated with fixed, non-zero sizes: running out of
        // contiguous frames is the only way a ring allocation fails.
        VirtioError::NoMemory
    }
}
