//! The Intel 82574L (QEMU's `e1000e`): one receive and one transmit
//! ring of legacy descriptors, received frames signalled by MSI or MSI-X.

mod registers;
mod rx;
mod setup;
mod tx;

use super::NetError;
use super::driver::Driver;
use crate::pci::{Interrupt, Mmio, PciDevice};
use alloc::boxed::Box;
use registers::{ICR, IMC, IMS, STATUS, STATUS_LINK_UP};
use rx::RxRing;
use tx::TxRing;

struct E1000e {
    registers: Mmio,
    mac: [u8; 6],
    rx: RxRing,
    tx: TxRing,
    /// The transmit write-back cause: unmasked only while a full ring
    /// has a stack waiting in `tx_ready` (0 without an interrupt).
    transmitted: u32,
}

/// Resets the device, reads its address, sets up both rings and its
/// interrupt, and returns its driver. Everything that can fail happens
/// before the device is given any memory to write.
pub(super) fn init(
    device: &PciDevice,
    interrupt: Option<Interrupt>,
) -> Result<Box<dyn Driver>, NetError> {
    let registers = device
        .map_bar(0)
        .ok_or(NetError::Device("BAR0 is not a usable memory BAR"))?;
    setup::reset(&registers)?;
    let mac = setup::station_address(&registers)?;
    let rx = RxRing::new()?;
    let tx = TxRing::new()?;
    setup::set_link_up(&registers);
    rx.start(&registers);
    tx.start(&registers);
    let transmitted = setup::enable_interrupts(&registers, interrupt);
    Ok(Box::new(E1000e {
        registers,
        mac,
        rx,
        tx,
        transmitted,
    }))
}

impl Driver for E1000e {
    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn link_up(&self) -> bool {
        let status = self.registers.read32(STATUS);
        status != u32::MAX && status & STATUS_LINK_UP != 0
    }

    /// With the ring full, unmasks the transmit write-back cause before
    /// looking again, so a stack that waits here is woken by the next
    /// completion, or sees the one that came just before.
    fn tx_ready(&self) -> bool {
        if self.tx.ready() {
            return true;
        }
        if self.transmitted != 0 {
            self.registers.write32(IMS, self.transmitted);
        }
        self.tx.reclaim();
        self.tx.ready()
    }

    fn transmit(&self, len: usize, fill: &mut dyn FnMut(&mut [u8])) -> Result<(), NetError> {
        self.tx.transmit(&self.registers, len, fill)
    }

    fn rx_ready(&self) -> bool {
        self.rx.ready()
    }

    fn receive(&self, consume: &mut dyn FnMut(&[u8])) -> Option<usize> {
        self.rx.receive(&self.registers, consume)
    }

    /// Acknowledges exactly the causes it read (writing them back clears
    /// them whether or not this read already did), so a frame arriving
    /// afterwards raises a fresh interrupt; the caller then looks at the
    /// ring. A transmit write-back masks its cause again: it was wanted
    /// once, to wake a waiting stack. All ones means the device is gone:
    /// nothing to acknowledge.
    fn poll(&self) -> bool {
        let causes = self.registers.read32(ICR);
        if causes != 0 && causes != u32::MAX {
            if causes & self.transmitted != 0 {
                self.registers.write32(IMC, self.transmitted);
            }
            self.registers.write32(ICR, causes);
        }
        self.tx.reclaim();
        self.rx.ready()
    }

    fn dropped(&self) -> u64 {
        self.rx.dropped()
    }
}
