//! Access to physical memory, supplied by the kernel (or by a fake in tests).

use alloc::vec;
use alloc::vec::Vec;

use crate::error::Error;

/// Read access to physical memory where the firmware left its tables.
pub trait PhysMemory {
    /// Fills `buf` with the bytes starting at physical address `phys`.
    ///
    /// Returns [`Error::OutOfRange`] if any byte of the range cannot be read.
    fn read(&self, phys: u64, buf: &mut [u8]) -> Result<(), Error>;
}

/// Reads `len` bytes at `phys` into a new vector.
pub(crate) fn read_vec(mem: &impl PhysMemory, phys: u64, len: usize) -> Result<Vec<u8>, Error> {
    let len_u64 = u64::try_from(len).map_err(|_| Error::OutOfRange { phys, len })?;
    if phys.checked_add(len_u64).is_none() {
        return Err(Error::OutOfRange { phys, len });
    }
    let mut buf = vec![0; len];
    mem.read(phys, &mut buf)?;
    Ok(buf)
}

/// Reads a little-endian `u16` at `phys`.
pub(crate) fn read_u16(mem: &impl PhysMemory, phys: u64) -> Result<u16, Error> {
    let mut buf = [0; 2];
    mem.read(phys, &mut buf)?;
    Ok(u16::from_le_bytes(buf))
}
