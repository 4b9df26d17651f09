//! The receive ring: legacy descriptors over 2 KiB buffers, each
//! completed frame checked before the stack reads it in place.
//!
//! The device owns the descriptors from RDH up to RDT - 1. Software holds
//! the one at RDT and the completed ones before it; giving descriptor `i`
//! back means writing RDT = `i`, which hands over `i - 1`. So a completed
//! descriptor's buffer stays out of the device's reach until its frame
//! has been read, and it is lent to the stack only in that window.

use super::registers::{
    MTA, MTA_REGISTERS, RADV, RCTL, RCTL_BROADCAST_ACCEPT, RCTL_BUFFER_2048, RCTL_ENABLE,
    RCTL_MULTICAST_PROMISCUOUS, RCTL_STRIP_CRC, RDBAH, RDBAL, RDH, RDLEN, RDT, RDTR, RFCTL,
    RFCTL_EXTENDED, RXCSUM,
};
use crate::dma::DmaBuffer;
use crate::net::NetError;
use crate::pci::Mmio;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering, fence};

/// Descriptors in the ring (a multiple of 8: RDLEN counts 128 bytes).
const DESCRIPTORS: usize = 128;
const DESCRIPTOR_SIZE: usize = 16;
/// Bytes per receive buffer (RCTL.BSIZE).
const BUFFER_SIZE: usize = 2048;
/// A frame shorter than its Ethernet header is no frame.
const MIN_FRAME: usize = 14;

/// Legacy descriptor: buffer address (8 bytes), then length (16 bits),
/// checksum (16), status (8), errors (8), special (16).
const WRITTEN_OFFSET: usize = 8;
const STATUS_OFFSET: usize = 12;
const STATUS_DONE: u8 = 1 << 0;
const STATUS_END_OF_PACKET: u8 = 1 << 1;
/// CRC/alignment, symbol, sequence, carrier extension and RX data errors
/// (the checksum bits are not errors of the frame: offload is off).
const FRAME_ERRORS: u8 = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 4) | (1 << 7);

/// The receive descriptor ring, its buffers and the driver's copy.
pub(super) struct RxRing {
    descriptors: DmaBuffer,
    buffers: DmaBuffer,
    /// The next descriptor the device completes. Only `receive` (which
    /// the common layer serialises) moves it; `poll` reads it.
    next: AtomicUsize,
    /// True while the rest of a frame that came without end-of-packet
    /// is being thrown away.
    discarding: AtomicBool,
    dropped: AtomicU64,
}

impl RxRing {
    /// Allocates the ring and its buffers, every descriptor ready.
    pub(super) fn new() -> Result<RxRing, NetError> {
        let descriptors =
            DmaBuffer::new(DESCRIPTORS * DESCRIPTOR_SIZE).map_err(|_| NetError::NoMemory)?;
        let buffers = DmaBuffer::new(DESCRIPTORS * BUFFER_SIZE).map_err(|_| NetError::NoMemory)?;
        let ring = RxRing {
            descriptors,
            buffers,
            next: AtomicUsize::new(0),
            discarding: AtomicBool::new(false),
            dropped: AtomicU64::new(0),
        };
        for index in 0..DESCRIPTORS {
            ring.reset(index);
        }
        Ok(ring)
    }

    /// Points the device at the ring and turns the receiver on: legacy
    /// descriptors, broadcasts accepted, CRC stripped, no checksum
    /// offload, no multicast, an interrupt for every frame.
    pub(super) fn start(&self, registers: &Mmio) {
        registers.write32(RCTL, 0);
        for index in 0..MTA_REGISTERS {
            registers.write32(MTA + index * 4, 0);
        }
        let rfctl = registers.read32(RFCTL);
        registers.write32(RFCTL, rfctl & !RFCTL_EXTENDED);
        registers.write32(RXCSUM, 0);
        registers.write32(RDTR, 0);
        registers.write32(RADV, 0);
        let base = self.descriptors.phys();
        registers.write32(RDBAL, base as u32);
        registers.write32(RDBAH, (base >> 32) as u32);
        registers.write32(RDLEN, (DESCRIPTORS * DESCRIPTOR_SIZE) as u32);
        registers.write32(RDH, 0);
        // The device owns head..tail-1: all but one descriptor.
        registers.write32(RDT, (DESCRIPTORS - 1) as u32);
        registers.write32(
            RCTL,
            RCTL_ENABLE
                | RCTL_BROADCAST_ACCEPT
                | RCTL_MULTICAST_PROMISCUOUS
                | RCTL_BUFFER_2048
                | RCTL_STRIP_CRC,
        );
    }

    /// True if the device has completed the next descriptor.
    pub(super) fn ready(&self) -> bool {
        let index = self.next.load(Ordering::Relaxed);
        self.descriptors
            .read::<u8>(index * DESCRIPTOR_SIZE + STATUS_OFFSET)
            & STATUS_DONE
            != 0
    }

    /// Hands the next good frame to `consume`, dropping (and counting)
    /// the bad ones before it; `None` once no completed frame is left.
    /// Looks at most once round the ring, however fast the device fills it.
    pub(super) fn receive(
        &self,
        registers: &Mmio,
        consume: &mut dyn FnMut(&[u8]),
    ) -> Option<usize> {
        for _ in 0..DESCRIPTORS {
            if !self.ready() {
                return None;
            }
            // The device wrote the descriptor before setting DD.
            fence(Ordering::SeqCst);
            let index = self.next.load(Ordering::Relaxed);
            let written: u64 = self
                .descriptors
                .read(index * DESCRIPTOR_SIZE + WRITTEN_OFFSET);
            let length = usize::from(written as u16);
            let status = (written >> 32) as u8;
            let errors = (written >> 40) as u8;
            let lent = self.accept(length, status, errors).then(|| {
                // SAFETY: the device completed descriptor `index` and moved
                // past it, and RDT has not reached it since (see the module
                // doc), so the device does not write its buffer until
                // `give_back` below, after `lend` returned; `receive` is
                // serialised, so no other slice of that buffer exists.
                unsafe {
                    self.buffers
                        .lend(index * BUFFER_SIZE, length, |frame| consume(frame))
                }
            });
            self.give_back(registers, index);
            if lent.flatten().is_some() {
                return Some(length);
            }
        }
        None
    }

    /// Whether a completed descriptor holds a whole good frame; counts
    /// each bad frame once, however many descriptors it spans.
    fn accept(&self, length: usize, status: u8, errors: u8) -> bool {
        let end = status & STATUS_END_OF_PACKET != 0;
        let continued = self.discarding.swap(!end, Ordering::Relaxed);
        let good = end && errors & FRAME_ERRORS == 0 && (MIN_FRAME..=BUFFER_SIZE).contains(&length);
        if continued || !good {
            if !continued {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            return false;
        }
        true
    }

    /// Readies descriptor `index` and makes it the one software holds,
    /// which gives the one before it to the device.
    fn give_back(&self, registers: &Mmio, index: usize) {
        self.reset(index);
        fence(Ordering::SeqCst);
        registers.write32(RDT, index as u32);
        self.next
            .store((index + 1) % DESCRIPTORS, Ordering::Relaxed);
    }

    /// Buffer address in, status cleared.
    fn reset(&self, index: usize) {
        let buffer = self.buffers.phys() + (index * BUFFER_SIZE) as u64;
        self.descriptors.write(index * DESCRIPTOR_SIZE, buffer);
        self.descriptors
            .write(index * DESCRIPTOR_SIZE + WRITTEN_OFFSET, 0u64);
    }

    /// Frames dropped since start: device errors, bad lengths, frames
    /// without end-of-packet.
    pub(super) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}
