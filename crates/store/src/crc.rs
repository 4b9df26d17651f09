//! CRC32C (Castagnoli), slice-by-16, for every block's checksum; or a
//! faster implementation the platform supplies (the kernel hands in the
//! SSE4.2 `crc32` instruction), accepted only if it agrees with this one.

const POLY: u32 = 0x82F6_3B78;

const fn make_tables() -> [[u32; 256]; 16] {
    let mut tables = [[0u32; 256]; 16];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][i] = crc;
        i += 1;
    }
    let mut t = 1;
    while t < 16 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[t - 1][i];
            tables[t][i] = (prev >> 8) ^ tables[0][(prev & 0xFF) as usize];
            i += 1;
        }
        t += 1;
    }
    tables
}

static TABLES: [[u32; 256]; 16] = make_tables();

/// A faster CRC32C the platform supplied, if any.
static ACCELERATED: spin::Once<fn(&[u8]) -> u32> = spin::Once::new();

/// Offers a faster CRC32C (hardware). It is checked against the portable
/// one on test data and used for every later checksum if it agrees;
/// returns whether it agreed. The first one accepted stays.
pub fn accelerate_crc32c(faster: fn(&[u8]) -> u32) -> bool {
    let sample: [u8; 67] = core::array::from_fn(|i| (i as u8).wrapping_mul(151).wrapping_add(7));
    let agrees = [&b"123456789"[..], &[], &sample[..], &sample[3..]]
        .iter()
        .all(|data| faster(data) == portable(data));
    if agrees {
        ACCELERATED.call_once(|| faster);
    }
    agrees
}

/// The CRC32C of `data`.
pub fn crc32c(data: &[u8]) -> u32 {
    match ACCELERATED.get() {
        Some(faster) => faster(data),
        None => portable(data),
    }
}

/// The CRC32C of `data`, computed here (slice-by-16).
pub fn portable(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    let mut chunks = data.chunks_exact(16);
    for c in &mut chunks {
        let a = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) ^ crc;
        let t = |i: usize, b: u8| TABLES[i][b as usize];
        crc = t(15, a as u8)
            ^ t(14, (a >> 8) as u8)
            ^ t(13, (a >> 16) as u8)
            ^ t(12, (a >> 24) as u8)
            ^ t(11, c[4])
            ^ t(10, c[5])
            ^ t(9, c[6])
            ^ t(8, c[7])
            ^ t(7, c[8])
            ^ t(6, c[9])
            ^ t(5, c[10])
            ^ t(4, c[11])
            ^ t(3, c[12])
            ^ t(2, c[13])
            ^ t(1, c[14])
            ^ t(0, c[15]);
    }
    for &byte in chunks.remainder() {
        crc = (crc >> 8) ^ TABLES[0][((crc ^ u32::from(byte)) & 0xFF) as usize];
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::crc32c;

    #[test]
    fn a_wrong_accelerator_is_refused() {
        fn wrong(data: &[u8]) -> u32 {
            super::portable(data) ^ 1
        }
        assert!(!super::accelerate_crc32c(wrong));
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
    }

    #[test]
    fn known_vectors() {
        // RFC 3720 appendix B.4 and the common "123456789" check value.
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(&[0u8; 32]), 0x8A91_36AA);
        assert_eq!(crc32c(&[0xFFu8; 32]), 0x62A8_AB43);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn every_length_matches_bytewise() {
        let data: alloc::vec::Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
        for len in 0..data.len() {
            let mut crc = !0u32;
            for &b in &data[..len] {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 != 0 {
                        (crc >> 1) ^ super::POLY
                    } else {
                        crc >> 1
                    };
                }
            }
            assert_eq!(crc32c(&data[..len]), !crc, "length {len}");
        }
    }
}
