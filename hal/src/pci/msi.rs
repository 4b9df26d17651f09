//! Message-signalled interrupts: MSI-X (table in a BAR) with MSI as the
//! fallback, and the allocator of device interrupt vectors.

use super::capability::{ID_MSI, ID_MSIX};
use super::device::PciDevice;
use super::mmio::Mmio;
use super::{Bar, COMMAND_INTX_DISABLE};
use core::sync::atomic::{AtomicU8, Ordering};

/// First and last vectors handed to devices (below them: exceptions and
/// the timer; above: the IPIs and the spurious vector).
const FIRST_DEVICE_VECTOR: u8 = 0x30;
const LAST_DEVICE_VECTOR: u8 = 0xEF;
static NEXT_VECTOR: AtomicU8 = AtomicU8::new(FIRST_DEVICE_VECTOR);

/// Hands out a fresh device interrupt vector (0x30..=0xEF). Devices are
/// probed once per boot, so vectors are never returned.
pub fn allocate_vector() -> Option<u8> {
    NEXT_VECTOR
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
            (v <= LAST_DEVICE_VECTOR).then(|| v.wrapping_add(1))
        })
        .ok()
        .filter(|&v| v <= LAST_DEVICE_VECTOR)
}

/// How a device's interrupt was set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    /// MSI-X, table entry 0 carries `vector`.
    MsiX {
        /// The CPU vector.
        vector: u8,
        /// Entries in the device's table.
        table_size: u16,
    },
    /// Plain MSI, one message carrying `vector`.
    Msi {
        /// The CPU vector.
        vector: u8,
    },
}

impl Interrupt {
    /// The CPU vector the device raises.
    pub fn vector(&self) -> u8 {
        match *self {
            Interrupt::MsiX { vector, .. } | Interrupt::Msi { vector } => vector,
        }
    }
}

/// Why message-signalled interrupts could not be set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterruptError {
    /// The device has neither MSI-X nor MSI.
    NotSupported,
    /// The MSI-X table's BAR is absent or could not be mapped.
    BadTable,
}

/// The message address that targets local APIC `apic_id` (fixed, physical
/// destination mode).
fn message_address(apic_id: u32) -> u64 {
    0xFEE0_0000 | (u64::from(apic_id & 0xFF) << 12)
}

impl PciDevice {
    /// Routes the device's first interrupt message to `vector` on the CPU
    /// with local APIC `apic_id`: MSI-X if present, else MSI. Legacy INTx
    /// is switched off.
    pub fn enable_msi(&self, vector: u8, apic_id: u32) -> Result<Interrupt, InterruptError> {
        let interrupt = match self.enable_msix(vector, apic_id) {
            Err(InterruptError::NotSupported) => self.enable_plain_msi(vector, apic_id)?,
            other => other?,
        };
        self.enable(COMMAND_INTX_DISABLE);
        Ok(interrupt)
    }

    fn enable_msix(&self, vector: u8, apic_id: u32) -> Result<Interrupt, InterruptError> {
        let cap = self
            .find_capability(ID_MSIX)
            .ok_or(InterruptError::NotSupported)?;
        let control = self.read16(cap.offset + 2);
        let table_size = (control & 0x7FF) + 1;
        let table = self.read32(cap.offset + 4);
        let bir = (table & 7) as u8;
        let offset = u64::from(table & !7);
        let Some(Bar::Memory { phys, size, .. }) = self.bar(bir) else {
            return Err(InterruptError::BadTable);
        };
        let table_bytes = u64::from(table_size) * 16;
        if phys == 0 || offset.checked_add(table_bytes).is_none_or(|end| end > size) {
            return Err(InterruptError::BadTable);
        }
        let entries =
            Mmio::map(phys + offset, table_bytes).map_err(|_| InterruptError::BadTable)?;
        self.enable(super::COMMAND_MEMORY);
        // Function mask on while the entry is written, then enable.
        self.write16(cap.offset + 2, control | (1 << 15) | (1 << 14));
        entries.write64(0, message_address(apic_id));
        entries.write32(8, u32::from(vector));
        entries.write32(12, 0);
        self.write16(cap.offset + 2, (control | (1 << 15)) & !(1 << 14));
        Ok(Interrupt::MsiX { vector, table_size })
    }

    fn enable_plain_msi(&self, vector: u8, apic_id: u32) -> Result<Interrupt, InterruptError> {
        let cap = self
            .find_capability(ID_MSI)
            .ok_or(InterruptError::NotSupported)?;
        let control = self.read16(cap.offset + 2);
        let wide = control & (1 << 7) != 0;
        let address = message_address(apic_id);
        self.write32(cap.offset + 4, address as u32);
        let data_offset = if wide {
            self.write32(cap.offset + 8, (address >> 32) as u32);
            cap.offset + 12
        } else {
            cap.offset + 8
        };
        self.write16(data_offset, u16::from(vector));
        if control & (1 << 8) != 0 {
            let mask_offset = if wide {
                cap.offset + 16
            } else {
                cap.offset + 12
            };
            self.write32(mask_offset, 0);
        }
        // One message (multiple-message enable = 0), enabled.
        self.write16(cap.offset + 2, (control & !(7 << 4)) | 1);
        Ok(Interrupt::Msi { vector })
    }
}

/// Gives `device` a fresh vector delivered to this CPU, by MSI-X or MSI:
/// the interrupt and this CPU's index. `None` (logged, naming the device
/// as `name`) means its driver polls: no vector left, no per-CPU data yet,
/// or no MSI capability.
pub(crate) fn route_to_this_cpu(device: &PciDevice, name: &str) -> Option<(Interrupt, usize)> {
    let cpu = crate::percpu::try_current();
    let (Some(cpu), Some(vector)) = (cpu, allocate_vector()) else {
        log(format_args!("{name}: no interrupt vector; polling"));
        return None;
    };
    let apic_id = cpu.apic_id.load(Ordering::Relaxed);
    match device.enable_msi(vector, apic_id) {
        Ok(interrupt) => Some((interrupt, cpu.index)),
        Err(e) => {
            log(format_args!("{name}: no MSI/MSI-X ({e:?}); polling"));
            None
        }
    }
}

fn log(args: core::fmt::Arguments<'_>) {
    use core::fmt::Write;
    let _ = writeln!(crate::serial::SerialWriter, "{}", args);
}
