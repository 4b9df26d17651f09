//! The data disk: the store's 4 KiB blocks on a PCI disk's sectors, and
//! mounting the first disk that holds a store when the runtime starts.

use aios_hal::blk::{BlkError, Disk};
use aios_runtime::Runtime;
use aios_store::{BLOCK_SIZE, BlockDevice, DeviceError, DeviceErrorKind};
use alloc::boxed::Box;

/// A disk seen as 4096-byte blocks.
pub struct DiskBlocks {
    disk: Disk,
    sectors_per_block: u64,
    blocks: u64,
}

impl DiskBlocks {
    /// The disk's whole blocks; `None` if its sectors do not divide a
    /// block (the store needs 4096 to be a multiple of the sector size).
    pub fn new(disk: Disk) -> Option<DiskBlocks> {
        let sector = u64::from(disk.sector_size());
        if sector == 0 || !(BLOCK_SIZE as u64).is_multiple_of(sector) {
            return None;
        }
        let sectors_per_block = BLOCK_SIZE as u64 / sector;
        Some(DiskBlocks {
            blocks: disk.sectors() / sectors_per_block,
            disk,
            sectors_per_block,
        })
    }

    fn error(first: u64, error: BlkError) -> DeviceError {
        let kind = match error {
            BlkError::OutOfRange => DeviceErrorKind::OutOfRange,
            BlkError::BadBuffer => DeviceErrorKind::BadBuffer,
            BlkError::Timeout => DeviceErrorKind::Timeout,
            _ => DeviceErrorKind::Io,
        };
        DeviceError { block: first, kind }
    }

    fn lba(&self, first: u64, len: usize) -> Result<u64, DeviceError> {
        let count = (len / BLOCK_SIZE) as u64;
        if !len.is_multiple_of(BLOCK_SIZE) {
            return Err(DeviceError {
                block: first,
                kind: DeviceErrorKind::BadBuffer,
            });
        }
        match first.checked_add(count) {
            Some(end) if end <= self.blocks => Ok(first * self.sectors_per_block),
            _ => Err(DeviceError {
                block: first,
                kind: DeviceErrorKind::OutOfRange,
            }),
        }
    }
}

impl BlockDevice for DiskBlocks {
    fn block_count(&self) -> u64 {
        self.blocks
    }

    fn read_blocks(&mut self, first: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        let lba = self.lba(first, buf.len())?;
        self.disk.read(lba, buf).map_err(|e| Self::error(first, e))
    }

    fn write_blocks(&mut self, first: u64, buf: &[u8]) -> Result<(), DeviceError> {
        let lba = self.lba(first, buf.len())?;
        self.disk.write(lba, buf).map_err(|e| Self::error(first, e))
    }

    fn flush(&mut self) -> Result<(), DeviceError> {
        self.disk.flush().map_err(|e| Self::error(0, e))
    }
}

/// The `crc32` instruction, once probed.
static SSE42: spin::Once<aios_simd::Sse42> = spin::Once::new();

fn hardware_crc32c(data: &[u8]) -> u32 {
    match SSE42.get() {
        Some(sse) => sse.crc32c(data),
        None => aios_store::crc32c_portable(data),
    }
}

/// Gives the store the CPU's CRC32C instruction for its block checksums
/// (the portable table method costs about three instructions a byte,
/// most of the store's CPU time on large objects).
pub fn accelerate_checksums() {
    let Some(sse) = aios_simd::Sse42::detect() else {
        crate::info!("store: no SSE4.2; block checksums in software");
        return;
    };
    SSE42.call_once(|| sse);
    if !aios_store::accelerate_crc32c(hardware_crc32c) {
        crate::warn!("store: the crc32 instruction disagrees with CRC32C; not used");
    }
}

/// Mounts the first disk holding a store as the runtime's object store.
/// Disks without one are left alone (they may be scratch disks).
pub fn mount(runtime: &Runtime) {
    for disk in crate::blk::disks() {
        let Some(blocks) = DiskBlocks::new(disk.clone()) else {
            crate::warn!(
                "store: {}: sector size {} unusable",
                disk.name(),
                disk.sector_size()
            );
            continue;
        };
        match runtime.attach_store(Box::new(blocks)) {
            Ok(status) => {
                crate::info!(
                    "store: mounted {}: {} namespaces, {} of {} MiB free, {} journal records replayed",
                    disk.name(),
                    status.namespaces,
                    (status.blocks.1 * BLOCK_SIZE as u64) >> 20,
                    (status.blocks.0 * BLOCK_SIZE as u64) >> 20,
                    status.replayed
                );
                crate::info!("store: {}", status.audit);
                return;
            }
            Err(aios_runtime::MountError(aios_store::Error::NotFormatted)) => {
                crate::info!("store: {} holds no store", disk.name());
            }
            Err(error) => crate::error!("store: {}: {}", disk.name(), error),
        }
    }
    crate::info!("store: no data disk; store syscalls answer `unavailable`");
}
