//! A disk that misbehaves on command: unflushed writes are lost at a
//! "crash" (or a random subset kept), a multi-block write can be torn at a
//! block boundary, bits can be flipped, and every request can fail after N.

use super::Rng;
use super::mem::check;
use crate::device::{BLOCK_SIZE, BlockDevice, DeviceError, DeviceErrorKind};
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;

/// The fault-injecting device.
#[derive(Debug, Clone)]
pub struct FaultyDevice {
    durable: Vec<u8>,
    pending: BTreeMap<u64, Vec<u8>>,
    fail_after: Option<u64>,
    tear_next: Option<u64>,
    dead: bool,
    /// Write requests served.
    pub writes: u64,
    /// Flushes served.
    pub flushes: u64,
}

impl FaultyDevice {
    /// A zeroed disk of `blocks` blocks.
    pub fn new(blocks: u64) -> FaultyDevice {
        FaultyDevice {
            durable: vec![0; blocks as usize * BLOCK_SIZE],
            pending: BTreeMap::new(),
            fail_after: None,
            tear_next: None,
            dead: false,
            writes: 0,
            flushes: 0,
        }
    }

    /// Every request after the next `n` fails with `Io` (until `crash`).
    pub fn fail_after(&mut self, n: u64) {
        self.fail_after = Some(n);
    }

    /// The next write of more than `blocks` blocks stores only its first
    /// `blocks` (as if power failed mid-write); the device is then dead.
    pub fn tear_next_write(&mut self, blocks: u64) {
        self.tear_next = Some(blocks);
    }

    /// Power loss and reboot: unflushed writes are dropped, except, with
    /// `keep_seed`, a random half of them (as a disk cache might have
    /// written); faults are cleared.
    pub fn crash(&mut self, keep_seed: Option<u64>) {
        let pending = core::mem::take(&mut self.pending);
        if let Some(seed) = keep_seed {
            let mut rng = Rng::new(seed);
            for (block, data) in pending {
                if rng.below(2) == 0 {
                    self.store(block, &data);
                }
            }
        }
        self.fail_after = None;
        self.tear_next = None;
        self.dead = false;
    }

    /// Flips a bit of a block, durably.
    pub fn flip_bit(&mut self, block: u64, bit: usize) {
        let inside = (bit / 8) % BLOCK_SIZE;
        if let Some(data) = self.pending.get_mut(&block) {
            data[inside] ^= 1 << (bit % 8);
        }
        if let Some(byte) = self.durable.get_mut(block as usize * BLOCK_SIZE + inside) {
            *byte ^= 1 << (bit % 8);
        }
    }

    /// Blocks written but not yet flushed.
    pub fn unflushed(&self) -> usize {
        self.pending.len()
    }

    fn store(&mut self, block: u64, data: &[u8]) {
        let at = block as usize * BLOCK_SIZE;
        if let Some(slot) = self.durable.get_mut(at..at + BLOCK_SIZE) {
            slot.copy_from_slice(data);
        }
    }

    fn tick(&mut self, block: u64) -> Result<(), DeviceError> {
        if let Some(n) = self.fail_after {
            if n == 0 {
                self.dead = true;
            } else {
                self.fail_after = Some(n - 1);
            }
        }
        if self.dead {
            Err(DeviceError {
                block,
                kind: DeviceErrorKind::Io,
            })
        } else {
            Ok(())
        }
    }
}

impl BlockDevice for FaultyDevice {
    fn block_count(&self) -> u64 {
        (self.durable.len() / BLOCK_SIZE) as u64
    }
    fn read_blocks(&mut self, first: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        check(first, buf.len(), self.block_count())?;
        self.tick(first)?;
        for (i, out) in buf.chunks_exact_mut(BLOCK_SIZE).enumerate() {
            let block = first + i as u64;
            match self.pending.get(&block) {
                Some(data) => out.copy_from_slice(data),
                None => {
                    let at = block as usize * BLOCK_SIZE;
                    out.copy_from_slice(&self.durable[at..at + BLOCK_SIZE]);
                }
            }
        }
        Ok(())
    }
    fn write_blocks(&mut self, first: u64, buf: &[u8]) -> Result<(), DeviceError> {
        check(first, buf.len(), self.block_count())?;
        self.tick(first)?;
        let blocks = (buf.len() / BLOCK_SIZE) as u64;
        let keep = match self.tear_next {
            Some(n) if blocks > n => {
                self.dead = true;
                n
            }
            _ => blocks,
        };
        for (i, data) in buf.chunks_exact(BLOCK_SIZE).take(keep as usize).enumerate() {
            self.pending.insert(first + i as u64, data.to_vec());
        }
        self.writes += 1;
        if self.dead {
            Err(DeviceError {
                block: first + keep,
                kind: DeviceErrorKind::Io,
            })
        } else {
            Ok(())
        }
    }
    fn flush(&mut self) -> Result<(), DeviceError> {
        self.tick(0)?;
        for (block, data) in core::mem::take(&mut self.pending) {
            self.store(block, &data);
        }
        self.flushes += 1;
        Ok(())
    }
}
