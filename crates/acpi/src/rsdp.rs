//! Finding and validating the Root System Description Pointer.

use crate::bytes::Bytes;
use crate::error::Error;
use crate::memory::{PhysMemory, read_u16, read_vec};
use crate::table::checksum;

const SIGNATURE: &[u8; 8] = b"RSD PTR ";
/// Length of the ACPI 1.0 structure covered by the first checksum.
const V1_LEN: usize = 20;
/// Length of the ACPI 2.0+ structure.
const V2_LEN: usize = 36;
/// Upper bound on the extended structure's claimed length.
const MAX_LEN: usize = 4096;

/// Where the BIOS data area stores the EBDA segment.
const EBDA_SEGMENT_PTR: u64 = 0x40E;
/// The RSDP lies in the first KiB of the EBDA.
const EBDA_SCAN_LEN: usize = 1024;
/// The read-only BIOS area also searched.
const BIOS_AREA: (u64, u64) = (0xE_0000, 0x10_0000);
/// The RSDP is always on a 16-byte boundary.
const STEP: usize = 16;

/// The validated contents of an RSDP.
pub(crate) struct Rsdp {
    pub(crate) revision: u8,
    pub(crate) oem_id: [u8; 6],
    pub(crate) rsdt: u32,
    /// The XSDT address, when the revision has one and it is nonzero.
    pub(crate) xsdt: Option<u64>,
}

/// Validates the RSDP at `phys`: signature, checksum, and for revision 2 and
/// later the length and extended checksum.
pub(crate) fn read_rsdp(mem: &impl PhysMemory, phys: u64) -> Result<Rsdp, Error> {
    let v1 = read_vec(mem, phys, V1_LEN)?;
    if &v1[..8] != SIGNATURE || checksum(&v1) != 0 {
        return Err(Error::BadRsdp);
    }
    let fields = Bytes::new(*b"RSDP", &v1);
    let revision = fields.u8(15)?;
    let rsdp = Rsdp {
        revision,
        oem_id: fields.array(9)?,
        rsdt: fields.u32(16)?,
        xsdt: None,
    };
    if revision < 2 {
        return Ok(rsdp);
    }
    let mut length = [0; 4];
    mem.read(phys.checked_add(20).ok_or(Error::BadRsdp)?, &mut length)?;
    let length = usize::try_from(u32::from_le_bytes(length)).map_err(|_| Error::BadRsdp)?;
    if !(V2_LEN..=MAX_LEN).contains(&length) {
        return Err(Error::BadRsdp);
    }
    let v2 = read_vec(mem, phys, length)?;
    if checksum(&v2) != 0 {
        return Err(Error::BadRsdp);
    }
    let xsdt = Bytes::new(*b"RSDP", &v2).u64(24)?;
    Ok(Rsdp {
        xsdt: (xsdt != 0).then_some(xsdt),
        ..rsdp
    })
}

/// Searches the first KiB of the EBDA, then the BIOS area 0xE0000..0xFFFFF,
/// for a valid RSDP and returns its physical address.
pub fn find_rsdp(mem: &impl PhysMemory) -> Option<u64> {
    let ebda = read_u16(mem, EBDA_SEGMENT_PTR)
        .ok()
        .map(|segment| u64::from(segment) << 4);
    if let Some(base) = ebda.filter(|&base| base != 0)
        && let Some(found) = scan(mem, base, EBDA_SCAN_LEN)
    {
        return Some(found);
    }
    let bios_len = usize::try_from(BIOS_AREA.1 - BIOS_AREA.0).ok()?;
    scan(mem, BIOS_AREA.0, bios_len)
}

/// Scans `[start, start + len)` in 1 KiB chunks for a valid RSDP.
fn scan(mem: &impl PhysMemory, start: u64, len: usize) -> Option<u64> {
    const CHUNK: usize = 1024;
    let mut chunk = [0u8; CHUNK];
    let mut done = 0;
    while done < len {
        let size = CHUNK.min(len - done);
        let chunk_phys = start.checked_add(u64::try_from(done).ok()?)?;
        let buf = &mut chunk[..size];
        if mem.read(chunk_phys, buf).is_ok() {
            for offset in (0..size).step_by(STEP) {
                let candidate = chunk_phys.checked_add(u64::try_from(offset).ok()?)?;
                if buf[offset..].starts_with(SIGNATURE) && read_rsdp(mem, candidate).is_ok() {
                    return Some(candidate);
                }
            }
        }
        done += size;
    }
    None
}
