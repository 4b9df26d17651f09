//! Choosing where the frame bitmap lives, before any allocator exists.

use crate::frames::FRAME_SIZE;

/// Memory below this stays untouched for the SMP trampoline and firmware.
const LOW_MEMORY_END: u64 = 0x10_0000;

/// Returns the start of the first usable region (from `regions`, given as
/// `(start, len)`) with room for `bytes` rounded up to whole frames, at or
/// above 1 MiB and frame aligned; `None` if no region fits.
pub fn place_bitmap(mut regions: impl Iterator<Item = (u64, u64)>, bytes: u64) -> Option<u64> {
    let size = bytes.checked_next_multiple_of(FRAME_SIZE)?;
    regions.find_map(|(start, len)| {
        let end = start.saturating_add(len) / FRAME_SIZE * FRAME_SIZE;
        let start = start
            .max(LOW_MEMORY_END)
            .checked_next_multiple_of(FRAME_SIZE)?;
        (start.checked_add(size)? <= end).then_some(start)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_low_memory_and_small_regions() {
        let regions = [
            (0x1000, 0x9_0000),
            (0x10_0000, 0x2000),
            (0x20_0000, 0x10_0000),
        ];
        assert_eq!(place_bitmap(regions.into_iter(), 0x2001), Some(0x20_0000));
        assert_eq!(place_bitmap(regions.into_iter(), 0x2000), Some(0x10_0000));
    }

    #[test]
    fn uses_the_part_of_a_region_above_1_mib_and_aligns_it() {
        assert_eq!(
            place_bitmap([(0, 0x20_0000)].into_iter(), 0x1000),
            Some(0x10_0000)
        );
        assert_eq!(
            place_bitmap([(0x10_0800, 0x2000)].into_iter(), 0x1000),
            Some(0x10_1000)
        );
        assert_eq!(
            place_bitmap([(0x10_0800, 0x17FF)].into_iter(), 0x1000),
            None
        );
    }

    #[test]
    fn nothing_fits() {
        assert_eq!(place_bitmap([(0, 0xA_0000)].into_iter(), 1), None);
        assert_eq!(place_bitmap(core::iter::empty(), 1), None);
        assert_eq!(
            place_bitmap([(0x10_0000, u64::MAX)].into_iter(), u64::MAX),
            None
        );
    }
}
