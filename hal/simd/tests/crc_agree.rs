//! The `crc32` instruction's CRC32C equals the published check value and
//! a bit-by-bit reference at every length and alignment.

#![cfg(target_arch = "x86_64")]

use aios_simd::Sse42;

fn reference(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Lengths around the 8-byte words and 64-byte runs the instruction path
/// takes, and a block's checksummed span.
const LENGTHS: [usize; 19] = [
    0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 71, 72, 100, 127, 128, 129, 200, 4092,
];

#[test]
fn matches_the_reference() {
    let Some(sse) = Sse42::detect() else {
        println!("no SSE4.2 on this CPU: nothing to compare");
        return;
    };
    assert_eq!(sse.crc32c(b"123456789"), 0xE306_9283);
    assert_eq!(sse.crc32c(b""), 0);
    let data: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
        .collect();
    for start in 0..9 {
        for len in LENGTHS.into_iter().chain([4096 - start]) {
            let slice = &data[start..start + len];
            assert_eq!(
                sse.crc32c(slice),
                reference(slice),
                "start {start} len {len}"
            );
        }
    }
}
