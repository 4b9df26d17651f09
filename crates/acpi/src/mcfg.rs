//! The MCFG: PCI Express memory-mapped configuration (ECAM) windows.

use alloc::vec::Vec;

use crate::bytes::Bytes;
use crate::error::Error;
use crate::info::Ecam;

/// Offset of the first allocation entry (after 8 reserved bytes).
const ENTRIES: usize = 44;
/// Size of one allocation entry.
const ENTRY_LEN: usize = 16;

/// Parses a whole MCFG (header included).
pub(crate) fn parse_mcfg(table: Bytes<'_>) -> Result<Vec<Ecam>, Error> {
    let entries = table.tail(ENTRIES)?;
    if entries.len() % ENTRY_LEN != 0 {
        return Err(table.truncated());
    }
    let mut windows = Vec::with_capacity(entries.len() / ENTRY_LEN);
    for offset in (ENTRIES..table.len()).step_by(ENTRY_LEN) {
        let entry = table.sub(offset, ENTRY_LEN)?;
        let window = Ecam {
            base: entry.u64(0)?,
            segment: entry.u16(8)?,
            bus_start: entry.u8(10)?,
            bus_end: entry.u8(11)?,
        };
        if window.bus_end < window.bus_start {
            return Err(table.malformed("ECAM window ends before it starts"));
        }
        windows.push(window);
    }
    Ok(windows)
}
