//! The virtio 1.x PCI transport: finds the common, notify, ISR and
//! device configuration structures through vendor capabilities.

use crate::blk::BlkError;
use crate::pci::{Mmio, PciDevice};

const CAP_VENDOR: u8 = 0x09;
const CFG_COMMON: u8 = 1;
const CFG_NOTIFY: u8 = 2;
const CFG_ISR: u8 = 3;
const CFG_DEVICE: u8 = 4;

/// Offsets in the common configuration structure.
pub(super) mod common {
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
pub(super) struct Transport {
    pub common: Mmio,
    pub notify: Mmio,
    pub notify_multiplier: u32,
    pub isr: Mmio,
    pub device: Mmio,
}

impl Transport {
    /// Maps every structure the vendor capabilities describe.
    pub fn find(pci: &PciDevice) -> Result<Transport, BlkError> {
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
            _ => Err(BlkError::Init(
                "virtio capabilities missing (not a modern device)",
            )),
        }
    }

    /// The 64-bit feature word the device offers.
    pub fn device_features(&self) -> u64 {
        self.common.write32(common::DEVICE_FEATURE_SELECT, 0);
        let low = u64::from(self.common.read32(common::DEVICE_FEATURE));
        self.common.write32(common::DEVICE_FEATURE_SELECT, 1);
        let high = u64::from(self.common.read32(common::DEVICE_FEATURE));
        (high << 32) | low
    }

    /// Writes the driver's accepted features.
    pub fn set_driver_features(&self, features: u64) {
        self.common.write32(common::DRIVER_FEATURE_SELECT, 0);
        self.common.write32(common::DRIVER_FEATURE, features as u32);
        self.common.write32(common::DRIVER_FEATURE_SELECT, 1);
        self.common
            .write32(common::DRIVER_FEATURE, (features >> 32) as u32);
    }

    pub fn status(&self) -> u8 {
        self.common.read8(common::DEVICE_STATUS)
    }

    pub fn set_status(&self, status: u8) {
        self.common.write8(common::DEVICE_STATUS, status);
    }

    /// Reads a 64-bit device-configuration field consistently (retries
    /// while the configuration generation changes).
    pub fn device_u64(&self, offset: u64) -> u64 {
        for _ in 0..16 {
            let before = self.common.read8(common::CONFIG_GENERATION);
            let value = self.device.read64(offset);
            if self.common.read8(common::CONFIG_GENERATION) == before {
                return value;
            }
        }
        self.device.read64(offset)
    }
}
