//! Property test: random operation sequences against a set-based model.

use std::collections::BTreeSet;

use aios_mm::{Error, FRAME_SIZE, FrameAllocator};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Add(u64, u64),
    Reserve(u64, u64),
    Alloc,
    AllocContiguous(usize, usize, u64),
    /// Frees the n-th allocated frame (modulo the count).
    FreeAllocated(usize),
    /// Frees an arbitrary address.
    FreeAny(u64),
}

fn op(max_phys: u64) -> impl Strategy<Value = Op> {
    let addr = 0..max_phys + 4 * FRAME_SIZE;
    prop_oneof![
        1 => (addr.clone(), 0..max_phys).prop_map(|(start, len)| Op::Add(start, len)),
        1 => (addr.clone(), 0..16 * FRAME_SIZE).prop_map(|(start, len)| Op::Reserve(start, len)),
        4 => Just(Op::Alloc),
        1 => (1usize..12, 0usize..9, 0..max_phys + FRAME_SIZE)
            .prop_map(|(n, align, below)| Op::AllocContiguous(n, align, below)),
        2 => any::<usize>().prop_map(Op::FreeAllocated),
        1 => addr.prop_map(Op::FreeAny),
    ]
}

/// What the allocator should hold: free frames and frames handed out.
struct Model {
    frames: u64,
    free: BTreeSet<u64>,
    allocated: BTreeSet<u64>,
    total: u64,
}

impl Model {
    fn add(&mut self, start: u64, len: u64) {
        let end = (start.saturating_add(len) / FRAME_SIZE).min(self.frames);
        for frame in start.div_ceil(FRAME_SIZE)..end {
            if self.free.insert(frame) {
                self.allocated.remove(&frame);
                self.total += 1;
            }
        }
    }

    fn reserve(&mut self, start: u64, len: u64) {
        if len == 0 {
            return;
        }
        let end = start
            .saturating_add(len)
            .div_ceil(FRAME_SIZE)
            .min(self.frames);
        for frame in start / FRAME_SIZE..end {
            if self.free.remove(&frame) {
                self.total -= 1;
            }
        }
    }

    /// Whether a run the allocator refused really does not exist.
    fn has_run(&self, count: u64, align: u64, below: u64) -> bool {
        let limit = (below / FRAME_SIZE).min(self.frames);
        (0..limit).step_by(align as usize).any(|first| {
            first + count <= limit && (first..first + count).all(|f| self.free.contains(&f))
        })
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn matches_the_model(
        frames in 1u64..300,
        tail in 0..FRAME_SIZE,
        ops in proptest::collection::vec(op(300 * FRAME_SIZE), 0..120),
    ) {
        let max_phys = frames * FRAME_SIZE + tail;
        let mut bitmap = vec![0u64; FrameAllocator::bitmap_words(max_phys) + 1];
        let mut allocator = FrameAllocator::new(&mut bitmap, max_phys).unwrap();
        let mut model = Model { frames, free: BTreeSet::new(), allocated: BTreeSet::new(), total: 0 };
        for op in ops {
            match op {
                Op::Add(start, len) => {
                    allocator.add_free_range(start, len);
                    model.add(start, len);
                }
                Op::Reserve(start, len) => {
                    allocator.reserve_range(start, len);
                    model.reserve(start, len);
                }
                Op::Alloc => match allocator.alloc() {
                    Some(phys) => {
                        prop_assert_eq!(phys % FRAME_SIZE, 0);
                        let frame = phys / FRAME_SIZE;
                        prop_assert!(model.free.remove(&frame), "{:#x} was not free", phys);
                        model.allocated.insert(frame);
                    }
                    None => prop_assert!(model.free.is_empty()),
                },
                Op::AllocContiguous(count, align, below) => {
                    let result = allocator.alloc_contiguous(count, align, below);
                    let (count, align) = (count as u64, align.max(1) as u64);
                    match result {
                        Some(phys) => {
                            let first = phys / FRAME_SIZE;
                            prop_assert_eq!(phys % FRAME_SIZE, 0);
                            prop_assert_eq!(first % align, 0);
                            prop_assert!((first + count) * FRAME_SIZE <= below);
                            for frame in first..first + count {
                                prop_assert!(model.free.remove(&frame), "frame {} was not free", frame);
                                model.allocated.insert(frame);
                            }
                        }
                        None => prop_assert!(!model.has_run(count, align, below)),
                    }
                }
                Op::FreeAllocated(n) => {
                    if let Some(&frame) = model.allocated.iter().nth(n % model.allocated.len().max(1)) {
                        prop_assert_eq!(allocator.free(frame * FRAME_SIZE), Ok(()));
                        model.allocated.remove(&frame);
                        model.free.insert(frame);
                    }
                }
                Op::FreeAny(phys) => {
                    let frame = phys / FRAME_SIZE;
                    let expected = if phys % FRAME_SIZE != 0 {
                        Err(Error::Unaligned { phys })
                    } else if frame >= frames {
                        Err(Error::OutOfRange { phys })
                    } else if model.free.contains(&frame) {
                        Err(Error::DoubleFree { phys })
                    } else if model.allocated.contains(&frame) {
                        Ok(())
                    } else {
                        // Reserved or never added: not the caller's to free; skip.
                        continue;
                    };
                    prop_assert_eq!(allocator.free(phys), expected);
                    if expected.is_ok() {
                        model.allocated.remove(&frame);
                        model.free.insert(frame);
                    }
                }
            }
            prop_assert_eq!(allocator.free_frames(), model.free.len() as u64);
            prop_assert_eq!(allocator.total_frames(), model.total);
        }
        // Draining returns exactly the model's free frames.
        let drained: BTreeSet<u64> = std::iter::from_fn(|| allocator.alloc()).map(|p| p / FRAME_SIZE).collect();
        prop_assert_eq!(drained, model.free);
    }
}
