//! virtio-net over the modern (1.x) PCI transport: one receive queue kept
//! full of buffers, one transmit queue, frames read and written in place.
//!
//! Features: VIRTIO_F_VERSION_1 (required, so every buffer starts with
//! the 12-byte `virtio_net_hdr`), VIRTIO_NET_F_MAC (required) and
//! VIRTIO_NET_F_STATUS (link status, if offered); no offloads and no
//! merged receive buffers, so each frame sits whole in one buffer.

mod buffers;
mod rx;
mod tx;

use super::NetError;
use super::driver::Driver;
use crate::pci::{Interrupt, PciDevice};
use crate::virtio::{Queue, Transport, VirtioError};
use alloc::boxed::Box;
use rx::Rx;
use tx::Tx;

const F_MAC: u64 = 1 << 5;
const F_STATUS: u64 = 1 << 16;
/// Device configuration: the MAC address, then the status word.
const CONFIG_MAC: u64 = 0;
const CONFIG_STATUS: u64 = 6;
const STATUS_LINK_UP: u16 = 1;

const RX_QUEUE: u16 = 0;
const TX_QUEUE: u16 = 1;
/// Buffers (and descriptors) per queue at most: each queue tracks its
/// buffers in a 64-bit mask.
const MAX_QUEUE: u16 = 64;

struct VirtioNet {
    transport: Transport,
    mac: [u8; 6],
    has_status: bool,
    rx: Rx,
    tx: Tx,
    /// Without MSI-X the ISR register is read on every poll (it also
    /// deasserts a legacy interrupt line).
    read_isr: bool,
}

impl From<VirtioError> for NetError {
    fn from(e: VirtioError) -> Self {
        match e {
            VirtioError::NoMemory => NetError::NoMemory,
            VirtioError::ResetTimeout => NetError::Timeout,
            VirtioError::NotModern | VirtioError::NoVersion1 => NetError::Unsupported(e.reason()),
            other => NetError::Device(other.reason()),
        }
    }
}

/// Brings the device up and returns its driver. Received frames raise
/// `interrupt` (MSI-X table entry 0, for both queues); without MSI-X the
/// stack polls.
pub(super) fn init(
    pci: &PciDevice,
    interrupt: Option<Interrupt>,
) -> Result<Box<dyn Driver>, NetError> {
    let t = Transport::find(pci)?;
    let accepted = t.negotiate(F_MAC | F_STATUS)?;
    if accepted & F_MAC == 0 {
        return Err(t.fail(NetError::Unsupported("VIRTIO_NET_F_MAC")));
    }
    let msix_entry = matches!(interrupt, Some(Interrupt::MsiX { .. })).then_some(0);
    let rx_queue = Queue::new(queue_size(&t, RX_QUEUE)?)?;
    let rx_notify = t.enable_queue(RX_QUEUE, &rx_queue, msix_entry)?;
    let tx_queue = Queue::new(queue_size(&t, TX_QUEUE)?)?;
    let tx_notify = t.enable_queue(TX_QUEUE, &tx_queue, msix_entry)?;
    let rx = Rx::new(rx_queue, rx_notify).map_err(|e| t.fail(e))?;
    let tx = Tx::new(tx_queue, tx_notify).map_err(|e| t.fail(e))?;
    t.driver_ok();
    rx.start(&t);
    let mac =
        t.device_config(|config| core::array::from_fn(|i| config.read8(CONFIG_MAC + i as u64)));
    Ok(Box::new(VirtioNet {
        transport: t,
        mac,
        has_status: accepted & F_STATUS != 0,
        rx,
        tx,
        read_isr: msix_entry.is_none(),
    }))
}

/// The queue size to use: the device's, at most [`MAX_QUEUE`], rounded
/// down to a power of two.
fn queue_size(t: &Transport, index: u16) -> Result<u16, VirtioError> {
    t.queue_size(index)
        .min(MAX_QUEUE)
        .checked_ilog2()
        .map(|bits| 1 << bits)
        .filter(|&size| size >= 2)
        .ok_or_else(|| t.fail(VirtioError::QueueTooSmall))
}

impl Driver for VirtioNet {
    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn link_up(&self) -> bool {
        !self.has_status
            || self
                .transport
                .device_config(|config| config.read16(CONFIG_STATUS))
                & STATUS_LINK_UP
                != 0
    }

    fn tx_ready(&self) -> bool {
        self.tx.ready()
    }

    fn transmit(&self, len: usize, fill: &mut dyn FnMut(&mut [u8])) -> Result<(), NetError> {
        self.tx.transmit(&self.transport, len, fill)
    }

    fn rx_ready(&self) -> bool {
        self.rx.ready()
    }

    fn receive(&self, consume: &mut dyn FnMut(&[u8])) -> Option<usize> {
        self.rx.receive(&self.transport, consume)
    }

    fn quiet_rx(&self) {
        self.rx.quiet();
    }

    fn poll(&self) -> bool {
        if self.read_isr {
            self.transport.acknowledge_isr();
        }
        self.tx.reclaim();
        self.rx.ready()
    }

    fn dropped(&self) -> u64 {
        self.rx.dropped() + self.tx.dropped()
    }
}
