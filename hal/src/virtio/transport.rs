//! The virtio 1.x PCI transport: finds the common, notify, ISR and
//! device configuration structures through vendor capabilities, and
//! drives the steps of bringing a device up (reset, features, queues).

use super::{F_VERSION_1, Queue, VirtioError};
use crate::pci::{Mmio, PciDevice};

const CAP_VENDOR: u8 = 0x09;
const CFG_COMMON: u8 = 1;
const CFG_NOTIFY: u8 = 2;
const CFG_ISR: u8 = 3;
const CFG_DEVICE: u8 = 4;

const STATUS_ACKNOWLEDGE: u8 = 1;
const STATUS_DRIVER: u8 = 2;
const STATUS_DRIVER_OK: u8 = 4;
const STATUS_FEATURES_OK: u8 = 8;
const STATUS_FAILED: u8 = 128;
/// "No MSI-X vector" for the configuration or a queue.
const NO_VECTOR: u16 = 0xFFFF;
/// How long a device may take to reset.
const RESET_TIMEOUT_NS: u64 = 1_000_000_000;

/// Offsets in the common configuration structure.
mod common {
    pub const DEVICE_FEATURE_SELECT: u64 = 0x00;
    pub const DEVICE_FEATURE: u64 = 0x04;
    pub const DRIVER_FEATURE_SELECT: u64 = 0x08;
    pub const DRIVER_FEATURE: u64 = 0x0C;
    pub const MSIX_CONFIG: u64 = 0x10;
    pub const DEVICE_STATUS: u64 = 0x14;
    pub const CONFIG_GENERATION: u64 = 0x15;
    pub const QUEUE_SELECT: u64 = 0x16;
    pub const QUEUE_SIZE: u64 = 0x18;
    pub const QUEUE_MSIX_VECTOR: u64 = 0x1A;
    pub const QUEUE_ENABLE: u64 = 0x1C;
    pub const QUEUE_NOTIFY_OFF: u64 = 0x1E;
    pub const QUEUE_DESC: u64 = 0x20;
    pub const QUEUE_DRIVER: u64 = 0x28;
    pub const QUEUE_DEVICE: u64 = 0x30;
    /// Size of the structure as far as we use it.
    pub const LEN: u64 = 0x38;
}

/// The mapped configuration structures of one virtio PCI device.
pub(crate) struct Transport {
    common: Mmio,
    notify: Mmio,
    notify_multiplier: u32,
    isr: Mmio,
    device: Mmio,
}

impl Transport {
    /// Maps every structure the vendor capabilities describe.
    pub fn find(pci: &PciDevice) -> Result<Transport, VirtioError> {
        let (mut common, mut notify, mut isr, mut device) = (None, None, None, None);
        let mut multiplier = 0;
        let mut bars: [Option<Mmio>; 6] = [None; 6];
        for cap in pci.capabilities().iter().filter(|c| c.id == CAP_VENDOR) {
            let kind = pci.read8(cap.offset + 3);
            let bar = pci.read8(cap.offset + 4);
            let offset = u64::from(pci.read32(cap.offset + 8));
            let len = u64::from(pci.read32(cap.offset + 12));
            let slot = match kind {
                CFG_COMMON => &mut common,
                CFG_NOTIFY => {
                    multiplier = pci.read32(cap.offset + 16);
                    &mut notify
                }
                CFG_ISR => &mut isr,
                CFG_DEVICE => &mut device,
                _ => continue,
            };
            if slot.is_none()
                && let Some(mapped) = bars.get_mut(usize::from(bar))
            {
                if mapped.is_none() {
                    *mapped = pci.map_bar(bar);
                }
                *slot = mapped.and_then(|regs| regs.window(offset, len));
            }
        }
        match (common, notify, isr, device) {
            (Some(common), Some(notify), Some(isr), Some(device))
                if common.len() >= common::LEN =>
            {
                Ok(Transport {
                    common,
                    notify,
                    notify_multiplier: multiplier,
                    isr,
                    device,
                })
            }
            _ => Err(VirtioError::NotModern),
        }
    }

    /// Resets the device and negotiates features: the accepted set is
    /// VIRTIO_F_VERSION_1 (required) plus whatever of `wanted` the device
    /// offers. Configuration interrupts are switched off. A device that
    /// lacks VERSION_1 or refuses the set is marked FAILED.
    pub fn negotiate(&self, wanted: u64) -> Result<u64, VirtioError> {
        self.set_status(0);
        let deadline = crate::clock::now_ns() + RESET_TIMEOUT_NS;
        while self.status() != 0 {
            if crate::clock::now_ns() > deadline {
                return Err(VirtioError::ResetTimeout);
            }
        }
        self.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        let offered = self.device_features();
        if offered & F_VERSION_1 == 0 {
            return Err(self.fail(VirtioError::NoVersion1));
        }
        let accepted = offered & (F_VERSION_1 | wanted);
        self.set_driver_features(accepted);
        self.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        if self.status() & STATUS_FEATURES_OK == 0 {
            return Err(self.fail(VirtioError::FeaturesRefused));
        }
        self.common.write16(common::MSIX_CONFIG, NO_VECTOR);
        Ok(accepted)
    }

    /// The most descriptors queue `index` takes (0: the queue is absent).
    pub fn queue_size(&self, index: u16) -> u16 {
        self.common.write16(common::QUEUE_SELECT, index);
        self.common.read16(common::QUEUE_SIZE)
    }

    /// Gives `queue` to the device as queue `index`, its used-buffer
    /// interrupts on MSI-X table entry `msix_entry` (`None`: no MSI-X),
    /// and enables it. Returns the queue's offset in the notify window.
    pub fn enable_queue(
        &self,
        index: u16,
        queue: &Queue,
        msix_entry: Option<u16>,
    ) -> Result<u64, VirtioError> {
        self.common.write16(common::QUEUE_SELECT, index);
        self.common.write16(common::QUEUE_SIZE, queue.size());
        let vector = msix_entry.unwrap_or(NO_VECTOR);
        self.common.write16(common::QUEUE_MSIX_VECTOR, vector);
        if msix_entry.is_some() && self.common.read16(common::QUEUE_MSIX_VECTOR) != vector {
            return Err(self.fail(VirtioError::VectorRefused));
        }
        let (desc, driver, device) = queue.addresses();
        self.common.write64(common::QUEUE_DESC, desc);
        self.common.write64(common::QUEUE_DRIVER, driver);
        self.common.write64(common::QUEUE_DEVICE, device);
        let notify_offset = u64::from(self.common.read16(common::QUEUE_NOTIFY_OFF))
            * u64::from(self.notify_multiplier);
        self.common.write16(common::QUEUE_ENABLE, 1);
        Ok(notify_offset)
    }

    /// Tells the device the driver is ready: queues may be used.
    pub fn driver_ok(&self) {
        self.set_status(STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
    }

    /// Marks the device FAILED and returns `error`, for set-up steps of
    /// the device layers that fail after negotiation.
    pub fn fail<E>(&self, error: E) -> E {
        self.set_status(STATUS_FAILED);
        error
    }

    /// Reads (and so clears) the ISR status: needed without MSI-X, where
    /// the read also deasserts the interrupt line.
    pub fn acknowledge_isr(&self) {
        self.isr.read8(0);
    }

    /// Tells the device that queue `index`, at `notify_offset`, has new
    /// available buffers.
    pub fn notify(&self, notify_offset: u64, index: u16) {
        self.notify.write16(notify_offset, index);
    }

    /// The 64-bit feature word the device offers.
    fn device_features(&self) -> u64 {
        self.common.write32(common::DEVICE_FEATURE_SELECT, 0);
        let low = u64::from(self.common.read32(common::DEVICE_FEATURE));
        self.common.write32(common::DEVICE_FEATURE_SELECT, 1);
        let high = u64::from(self.common.read32(common::DEVICE_FEATURE));
        (high << 32) | low
    }

    /// Writes the driver's accepted features.
    fn set_driver_features(&self, features: u64) {
        self.common.write32(common::DRIVER_FEATURE_SELECT, 0);
        self.common.write32(common::DRIVER_FEATURE, features as u32);
        self.common.write32(common::DRIVER_FEATURE_SELECT, 1);
        self.common
            .write32(common::DRIVER_FEATURE, (features >> 32) as u32);
    }

    fn status(&self) -> u8 {
        self.common.read8(common::DEVICE_STATUS)
    }

    fn set_status(&self, status: u8) {
        self.common.write8(common::DEVICE_STATUS, status);
    }

    /// Reads device-configuration fields consistently: `read` again
    /// while the configuration generation changes (a few times at most).
    pub fn device_config<T>(&self, read: impl Fn(&Mmio) -> T) -> T {
        for _ in 0..16 {
            let before = self.common.read8(common::CONFIG_GENERATION);
            let value = read(&self.device);
            if self.common.read8(common::CONFIG_GENERATION) == before {
                return value;
            }
        }
        read(&self.device)
    }
}
