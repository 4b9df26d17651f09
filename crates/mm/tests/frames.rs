//! Behaviour of the frame allocator on hand-built memory maps.

use std::collections::BTreeSet;

use aios_mm::{Error, FRAME_SIZE, FrameAllocator};

const MIB: u64 = 1 << 20;

#[test]
fn bitmap_words_rounds_up_whole_frames() {
    assert_eq!(FrameAllocator::bitmap_words(0), 0);
    assert_eq!(FrameAllocator::bitmap_words(FRAME_SIZE - 1), 0);
    assert_eq!(FrameAllocator::bitmap_words(FRAME_SIZE), 1);
    assert_eq!(FrameAllocator::bitmap_words(64 * FRAME_SIZE), 1);
    assert_eq!(FrameAllocator::bitmap_words(65 * FRAME_SIZE), 2);
    assert_eq!(FrameAllocator::bitmap_words(4 << 30), 16384);
}

#[test]
fn short_bitmap_is_refused() {
    let mut bitmap = [0u64; 3];
    let result = FrameAllocator::new(&mut bitmap, 4 * 64 * FRAME_SIZE);
    assert!(matches!(
        result,
        Err(Error::BitmapTooSmall {
            needed: 4,
            provided: 3
        })
    ));
}

#[test]
fn everything_starts_used() {
    let mut bitmap = [0u64; 4];
    let mut frames = FrameAllocator::new(&mut bitmap, MIB).unwrap();
    assert_eq!(frames.alloc(), None);
    assert_eq!(frames.free_frames(), 0);
    assert_eq!(frames.total_frames(), 0);
}

#[test]
fn alloc_until_exhausted_gives_every_free_frame_once() {
    let mut bitmap = [0u64; 8];
    let mut frames = FrameAllocator::new(&mut bitmap, 2 * MIB).unwrap();
    // Ranges with unaligned edges: only the whole frames inside count.
    frames.add_free_range(0x1800, 0x3000);
    frames.add_free_range(0x10_0000, 0x4_0000);
    frames.add_free_range(0x1F_F000, 0x10_0000);
    let expected: BTreeSet<u64> = [0x2000, 0x3000]
        .into_iter()
        .chain((0x10_0000..0x14_0000).step_by(4096))
        .chain([0x1F_F000])
        .collect();
    assert_eq!(frames.total_frames(), expected.len() as u64);
    let mut seen = BTreeSet::new();
    while let Some(phys) = frames.alloc() {
        assert!(seen.insert(phys), "{phys:#x} handed out twice");
    }
    assert_eq!(seen, expected);
    assert_eq!(frames.free_frames(), 0);
    assert_eq!(frames.total_frames(), expected.len() as u64);
}

#[test]
fn free_then_alloc_reuses() {
    let mut bitmap = [0u64; 1];
    let mut frames = FrameAllocator::new(&mut bitmap, 64 * FRAME_SIZE).unwrap();
    frames.add_free_range(0, 64 * FRAME_SIZE);
    let all: Vec<u64> = std::iter::from_fn(|| frames.alloc()).collect();
    assert_eq!(all.len(), 64);
    frames.free(all[17]).unwrap();
    frames.free(all[3]).unwrap();
    assert_eq!(frames.free_frames(), 2);
    let again: BTreeSet<u64> = [frames.alloc().unwrap(), frames.alloc().unwrap()].into();
    assert_eq!(again, [all[3], all[17]].into());
    assert_eq!(frames.alloc(), None);
}

#[test]
fn bad_frees_are_errors() {
    let mut bitmap = [0u64; 1];
    let mut frames = FrameAllocator::new(&mut bitmap, 10 * FRAME_SIZE + 100).unwrap();
    frames.add_free_range(0, 20 * FRAME_SIZE);
    assert_eq!(
        frames.total_frames(),
        10,
        "clipped to max_phys, partial frame dropped"
    );
    let phys = frames.alloc().unwrap();
    assert_eq!(
        frames.free(phys + 8),
        Err(Error::Unaligned { phys: phys + 8 })
    );
    frames.free(phys).unwrap();
    assert_eq!(frames.free(phys), Err(Error::DoubleFree { phys }));
    assert_eq!(
        frames.free(10 * FRAME_SIZE),
        Err(Error::OutOfRange {
            phys: 10 * FRAME_SIZE
        })
    );
    assert_eq!(
        frames.free(u64::MAX - 4095),
        Err(Error::OutOfRange {
            phys: u64::MAX - 4095
        })
    );
    assert_eq!(frames.free_frames(), 10);
}

#[test]
fn reserved_ranges_are_never_handed_out() {
    let mut bitmap = [0u64; 4];
    let mut frames = FrameAllocator::new(&mut bitmap, MIB).unwrap();
    frames.add_free_range(0, MIB);
    // Rounds outwards: 0x5FFF..0x8001 covers frames 5, 6, 7 and 8.
    frames.reserve_range(0x5FFF, 0x2002);
    frames.reserve_range(0, FRAME_SIZE);
    frames.reserve_range(0xF_F000, u64::MAX);
    assert_eq!(frames.free_frames(), 256 - 6);
    assert_eq!(frames.total_frames(), 256 - 6);
    let handed: BTreeSet<u64> = std::iter::from_fn(|| frames.alloc()).collect();
    for reserved in [0, 0x5000, 0x6000, 0x7000, 0x8000, 0xF_F000] {
        assert!(!handed.contains(&reserved), "{reserved:#x} was reserved");
    }
    assert!(handed.contains(&0x4000) && handed.contains(&0x9000));
    assert_eq!(handed.len(), 250);
}

#[test]
fn add_after_reserve_and_empty_ranges() {
    let mut bitmap = [0u64; 1];
    let mut frames = FrameAllocator::new(&mut bitmap, 64 * FRAME_SIZE).unwrap();
    frames.add_free_range(0x1001, 0x1FFE);
    frames.reserve_range(0, 0);
    assert_eq!(frames.free_frames(), 0, "no whole frame inside");
    frames.add_free_range(0, 8 * FRAME_SIZE);
    frames.add_free_range(0, 8 * FRAME_SIZE);
    assert_eq!(
        frames.total_frames(),
        8,
        "adding a free frame again does not count it twice"
    );
}

#[test]
fn contiguous_respects_alignment_and_below() {
    let mut bitmap = [0u64; 8];
    let mut frames = FrameAllocator::new(&mut bitmap, 2 * MIB).unwrap();
    frames.add_free_range(0, 2 * MIB);
    frames.reserve_range(0x1_0000, FRAME_SIZE);
    let first = frames.alloc_contiguous(16, 16, 2 * MIB).unwrap();
    assert_eq!(first, 0, "frames 0..16 are free and aligned");
    // Frame 16 is reserved, so the next 16-aligned run starts at frame 32.
    let second = frames.alloc_contiguous(4, 16, 2 * MIB).unwrap();
    assert_eq!(second, 32 * FRAME_SIZE);
    let third = frames.alloc_contiguous(3, 0, 2 * MIB).unwrap();
    assert_eq!(third, 17 * FRAME_SIZE, "alignment 0 means any frame");
    assert_eq!(
        frames.alloc_contiguous(64, 64, 64 * FRAME_SIZE),
        None,
        "must end below 256 KiB"
    );
    assert_eq!(frames.alloc_contiguous(1, 1, 0), None);
    assert_eq!(frames.alloc_contiguous(0, 1, 2 * MIB), None);
    let big = frames.alloc_contiguous(100, 128, 2 * MIB).unwrap();
    assert_eq!(big, 128 * FRAME_SIZE);
    assert_eq!(
        frames.alloc_contiguous(285, 1, 2 * MIB),
        None,
        "the longest free run is 228..512"
    );
    assert_eq!(
        frames.alloc_contiguous(284, 1, 2 * MIB),
        Some(228 * FRAME_SIZE)
    );
    assert_eq!(frames.free_frames(), 512 - 1 - 16 - 4 - 3 - 100 - 284);
    // Every frame of the runs is in use: single allocations never return them.
    let rest: BTreeSet<u64> = std::iter::from_fn(|| frames.alloc()).collect();
    let expected: BTreeSet<u64> = (20..32)
        .chain(36..128)
        .map(|frame| frame * FRAME_SIZE)
        .collect();
    assert_eq!(rest, expected);
}

#[test]
fn contiguous_run_may_end_exactly_at_below() {
    let mut bitmap = [0u64; 1];
    let mut frames = FrameAllocator::new(&mut bitmap, 64 * FRAME_SIZE).unwrap();
    frames.add_free_range(8 * FRAME_SIZE, 8 * FRAME_SIZE);
    assert_eq!(frames.alloc_contiguous(8, 8, 16 * FRAME_SIZE - 1), None);
    assert_eq!(
        frames.alloc_contiguous(8, 8, 16 * FRAME_SIZE),
        Some(8 * FRAME_SIZE)
    );
}

#[test]
fn errors_display() {
    assert_eq!(
        Error::DoubleFree { phys: 0x5000 }.to_string(),
        "frame 0x5000 freed twice"
    );
}
