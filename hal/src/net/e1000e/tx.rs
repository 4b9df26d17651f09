//! The transmit ring: legacy descriptors, one 2 KiB buffer each, frames
//! written in place, and the reclaiming of the descriptors the device
//! has sent.
//!
//! The device reads the descriptors from TDH up to TDT - 1; the one at
//! TDT (the tail) is software's until TDT moves past it, so its buffer is
//! lent to the caller to fill before that.

use super::registers::{
    TARC_ENABLE, TARC0, TCTL, TCTL_COLLISION_DISTANCE, TCTL_COLLISION_THRESHOLD, TCTL_ENABLE,
    TCTL_PAD_SHORT, TCTL_RETRANSMIT_LATE_COLLISION, TDBAH, TDBAL, TDH, TDLEN, TDT, TIPG,
    TIPG_COPPER,
};
use crate::dma::DmaBuffer;
use crate::irqlock::IrqMutex;
use crate::net::{MAX_FRAME, NetError};
use crate::pci::Mmio;
use core::sync::atomic::{Ordering, fence};

/// Descriptors in the ring (a multiple of 8: TDLEN counts 128 bytes).
const DESCRIPTORS: usize = 64;
const DESCRIPTOR_SIZE: usize = 16;
const BUFFER_SIZE: usize = 2048;

/// Legacy descriptor: buffer address (8 bytes), then length (16 bits),
/// checksum offset (8), command (8), status (8), checksum start (8),
/// special (16).
const LENGTH_OFFSET: usize = 8;
const COMMAND_SHIFT: u64 = 24;
const STATUS_OFFSET: usize = 12;
/// Command byte: end of packet, insert the FCS, report status (DD).
const COMMAND_END_OF_PACKET: u64 = 1 << 0;
const COMMAND_INSERT_FCS: u64 = 1 << 1;
const COMMAND_REPORT_STATUS: u64 = 1 << 3;
/// Status byte: descriptor done.
const STATUS_DONE: u8 = 1 << 0;

/// Which descriptors software may fill and which the device still holds.
struct Positions {
    /// The next descriptor to fill (the value last written to TDT).
    tail: usize,
    /// The oldest descriptor handed to the device and not yet reclaimed.
    oldest: usize,
    /// Descriptors between `oldest` and `tail`.
    in_flight: usize,
}

/// The transmit descriptor ring and its buffers.
pub(super) struct TxRing {
    descriptors: DmaBuffer,
    buffers: DmaBuffer,
    /// Shared with `poll`, which reclaims from interrupt context.
    positions: IrqMutex<Positions>,
}

impl TxRing {
    /// Allocates the ring and its buffers.
    pub(super) fn new() -> Result<TxRing, NetError> {
        let descriptors =
            DmaBuffer::new(DESCRIPTORS * DESCRIPTOR_SIZE).map_err(|_| NetError::NoMemory)?;
        let buffers = DmaBuffer::new(DESCRIPTORS * BUFFER_SIZE).map_err(|_| NetError::NoMemory)?;
        Ok(TxRing {
            descriptors,
            buffers,
            positions: IrqMutex::new(Positions {
                tail: 0,
                oldest: 0,
                in_flight: 0,
            }),
        })
    }

    /// Points the device at the (empty) ring and turns the transmitter
    /// on: short frames padded, full-duplex collision settings.
    pub(super) fn start(&self, registers: &Mmio) {
        registers.write32(TCTL, 0);
        let base = self.descriptors.phys();
        registers.write32(TDBAL, base as u32);
        registers.write32(TDBAH, (base >> 32) as u32);
        registers.write32(TDLEN, (DESCRIPTORS * DESCRIPTOR_SIZE) as u32);
        registers.write32(TDH, 0);
        registers.write32(TDT, 0);
        registers.write32(TIPG, TIPG_COPPER);
        let arbitration = registers.read32(TARC0);
        registers.write32(TARC0, arbitration | TARC_ENABLE);
        registers.write32(
            TCTL,
            TCTL_ENABLE
                | TCTL_PAD_SHORT
                | TCTL_COLLISION_THRESHOLD
                | TCTL_COLLISION_DISTANCE
                | TCTL_RETRANSMIT_LATE_COLLISION,
        );
    }

    /// True if a descriptor is free. One always stays empty: a full ring
    /// would have TDT equal to TDH, which the device reads as empty.
    pub(super) fn ready(&self) -> bool {
        self.positions.lock().in_flight < DESCRIPTORS - 1
    }

    /// Lets `fill` write `len` bytes and hands them to the device.
    pub(super) fn transmit(
        &self,
        registers: &Mmio,
        len: usize,
        fill: &mut dyn FnMut(&mut [u8]),
    ) -> Result<(), NetError> {
        // Transmits are serialised, so `tail` stays put between the two
        // locks; only `oldest` moves meanwhile.
        let slot = {
            let positions = self.positions.lock();
            if positions.in_flight >= DESCRIPTORS - 1 {
                return Err(NetError::Busy);
            }
            positions.tail
        };
        if !(1..=MAX_FRAME).contains(&len) {
            return Err(NetError::BadLength);
        }
        let offset = slot * BUFFER_SIZE;
        // SAFETY: `slot` is the tail, which the device does not read until
        // TDT moves past it below, after `lend_mut` returned; it is not in
        // flight (fewer than DESCRIPTORS - 1 are, from `oldest`), and
        // transmits are serialised, so no other slice of it exists.
        unsafe { self.buffers.lend_mut(offset, len, |frame| fill(frame)) }
            .ok_or(NetError::BadLength)?;
        let descriptor = slot * DESCRIPTOR_SIZE;
        let command = COMMAND_END_OF_PACKET | COMMAND_INSERT_FCS | COMMAND_REPORT_STATUS;
        self.descriptors
            .write(descriptor, self.buffers.phys() + offset as u64);
        self.descriptors.write(
            descriptor + LENGTH_OFFSET,
            len as u64 | command << COMMAND_SHIFT,
        );
        let mut positions = self.positions.lock();
        positions.tail = (slot + 1) % DESCRIPTORS;
        positions.in_flight += 1;
        // The descriptor is in memory before the doorbell.
        fence(Ordering::SeqCst);
        registers.write32(TDT, positions.tail as u32);
        Ok(())
    }

    /// Takes back the descriptors the device has sent, oldest first.
    pub(super) fn reclaim(&self) {
        let mut positions = self.positions.lock();
        while positions.in_flight > 0 {
            let status = positions.oldest * DESCRIPTOR_SIZE + STATUS_OFFSET;
            if self.descriptors.read::<u8>(status) & STATUS_DONE == 0 {
                break;
            }
            self.descriptors.write(status, 0u8);
            positions.oldest = (positions.oldest + 1) % DESCRIPTORS;
            positions.in_flight -= 1;
        }
    }
}
