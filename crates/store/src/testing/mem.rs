//! A RAM disk.

use crate::device::{BLOCK_SIZE, BlockDevice, DeviceError, DeviceErrorKind};
use alloc::vec;
use alloc::vec::Vec;

/// Blocks in memory; every write is durable at once. Counts requests.
#[derive(Debug, Clone)]
pub struct MemDevice {
    data: Vec<u8>,
    /// Write requests served.
    pub writes: u64,
    /// Blocks written.
    pub blocks_written: u64,
    /// Read requests served.
    pub reads: u64,
    /// Flushes served.
    pub flushes: u64,
}

/// Checks a request of `len` bytes at `first` against a device of `blocks`.
pub(crate) fn check(first: u64, len: usize, blocks: u64) -> Result<(), DeviceError> {
    if !len.is_multiple_of(BLOCK_SIZE) {
        return Err(DeviceError {
            block: first,
            kind: DeviceErrorKind::BadBuffer,
        });
    }
    let end = first.checked_add((len / BLOCK_SIZE) as u64);
    if end.is_none_or(|e| e > blocks) {
        return Err(DeviceError {
            block: first,
            kind: DeviceErrorKind::OutOfRange,
        });
    }
    Ok(())
}

impl MemDevice {
    /// A zeroed disk of `blocks` blocks.
    pub fn new(blocks: u64) -> MemDevice {
        MemDevice {
            data: vec![0; blocks as usize * BLOCK_SIZE],
            writes: 0,
            blocks_written: 0,
            reads: 0,
            flushes: 0,
        }
    }

    /// Flips one bit of a block (bit 0..32768).
    pub fn flip_bit(&mut self, block: u64, bit: usize) {
        let at = block as usize * BLOCK_SIZE + (bit / 8) % BLOCK_SIZE;
        if let Some(byte) = self.data.get_mut(at) {
            *byte ^= 1 << (bit % 8);
        }
    }

    /// One block's bytes.
    pub fn block(&self, block: u64) -> &[u8] {
        let at = block as usize * BLOCK_SIZE;
        self.data.get(at..at + BLOCK_SIZE).unwrap_or(&[])
    }
}

impl BlockDevice for MemDevice {
    fn block_count(&self) -> u64 {
        (self.data.len() / BLOCK_SIZE) as u64
    }
    fn read_blocks(&mut self, first: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        check(first, buf.len(), self.block_count())?;
        let at = first as usize * BLOCK_SIZE;
        buf.copy_from_slice(&self.data[at..at + buf.len()]);
        self.reads += 1;
        Ok(())
    }
    fn write_blocks(&mut self, first: u64, buf: &[u8]) -> Result<(), DeviceError> {
        check(first, buf.len(), self.block_count())?;
        let at = first as usize * BLOCK_SIZE;
        self.data[at..at + buf.len()].copy_from_slice(buf);
        self.writes += 1;
        self.blocks_written += (buf.len() / BLOCK_SIZE) as u64;
        Ok(())
    }
    fn flush(&mut self) -> Result<(), DeviceError> {
        self.flushes += 1;
        Ok(())
    }
}
