//! The HPET table: where the high precision event timer's registers are.

use crate::bytes::Bytes;
use crate::error::Error;

/// Offset of the base address Generic Address Structure.
const BASE_ADDRESS: usize = 40;
/// Generic address space ID of system memory.
const SYSTEM_MEMORY: u8 = 0;

/// Parses a whole HPET table and returns the register block's physical address.
pub(crate) fn parse_hpet(table: Bytes<'_>) -> Result<u64, Error> {
    let gas = table.sub(BASE_ADDRESS, 12)?;
    if gas.u8(0)? != SYSTEM_MEMORY {
        return Err(table.malformed("HPET registers are not in memory space"));
    }
    match gas.u64(4)? {
        0 => Err(table.malformed("HPET base address is zero")),
        address => Ok(address),
    }
}
