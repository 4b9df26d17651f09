//! CRC32C with SSE4.2's `crc32` instruction: eight bytes per instruction,
//! on general-purpose registers only (no vector state), for the object
//! store's block checksums.

use core::arch::asm;

/// Proof that the CPU has SSE4.2 (the `crc32` instruction).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sse42 {
    _probed: (),
}

impl Sse42 {
    /// Probes CPUID leaf 1 (ECX bit 20).
    pub fn detect() -> Option<Sse42> {
        let ecx = core::arch::x86_64::__cpuid_count(1, 0).ecx;
        (ecx & (1 << 20) != 0).then_some(Sse42 { _probed: () })
    }

    /// The CRC32C (Castagnoli, reflected, initial and final XOR all ones)
    /// of `data`.
    pub fn crc32c(self, data: &[u8]) -> u32 {
        let mut crc: u64 = 0xFFFF_FFFF;
        let mut words = data.chunks_exact(8);
        for word in &mut words {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(word);
            let value = u64::from_le_bytes(bytes);
            // SAFETY: the token proves SSE4.2, so `crc32` exists; it reads
            // and writes registers only.
            unsafe {
                asm!("crc32 {crc}, {value}", crc = inout(reg) crc, value = in(reg) value,
                    options(nomem, nostack, pure));
            }
        }
        let mut crc = crc as u32;
        for &byte in words.remainder() {
            // SAFETY: as above, for one byte.
            unsafe {
                asm!("crc32 {crc:e}, {byte}", crc = inout(reg) crc, byte = in(reg_byte) byte,
                    options(nomem, nostack, pure));
            }
        }
        !crc
    }
}
