//! The kernel heap: a linked-list allocator over a virtual window that
//! grows on demand by mapping fresh frames.
//!
//! Interrupt handlers must not allocate: the heap lock is taken with
//! interrupts enabled, so that a CPU waiting for it still answers TLB
//! shoot-downs.

use crate::paging::{PageFlags, map_4k};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::NonNull;
use linked_list_allocator::Heap;
use spin::Mutex;

const HEAP_BASE: u64 = 0xFFFF_C000_0000_0000;
/// The heap window: 64 GiB of address space; RAM bounds it in practice.
const HEAP_LIMIT: u64 = 64 << 30;
const INITIAL_SIZE: u64 = 1 << 20;
const MIN_GROWTH: u64 = 1 << 20;

struct KernelHeap {
    heap: Heap,
    mapped: u64,
}

static HEAP: Mutex<KernelHeap> = Mutex::new(KernelHeap {
    heap: Heap::empty(),
    mapped: 0,
});

/// Heap usage, for `info` and tests.
#[derive(Debug, Clone, Copy)]
pub struct HeapStats {
    /// Bytes mapped for the heap.
    pub mapped: u64,
    /// Bytes in use.
    pub used: u64,
}

/// Maps `bytes` more at the end of the heap window; returns how much was
/// mapped (rolls back nothing: pages mapped stay part of the heap).
fn grow(state: &mut KernelHeap, bytes: u64) -> u64 {
    let pages = bytes.div_ceil(4096);
    let mut mapped = 0;
    for _ in 0..pages {
        if state.mapped + mapped + 4096 > HEAP_LIMIT {
            break;
        }
        let Some(frame) = crate::frames::alloc() else {
            break;
        };
        if map_4k(HEAP_BASE + state.mapped + mapped, frame, PageFlags::DATA).is_err() {
            let _ = crate::frames::free(frame);
            break;
        }
        mapped += 4096;
    }
    mapped
}

/// Maps the initial heap. Called once after the frame allocator is up.
pub(crate) fn init() -> Result<(), &'static str> {
    let mut state = HEAP.lock();
    let mapped = grow(&mut state, INITIAL_SIZE);
    if mapped == 0 {
        return Err("heap: no memory for the initial heap");
    }
    // SAFETY: [HEAP_BASE, HEAP_BASE + mapped) was just mapped read-write
    // to frames owned by nobody else, and is used only by this heap.
    unsafe { state.heap.init(HEAP_BASE as *mut u8, mapped as usize) };
    state.mapped = mapped;
    Ok(())
}

/// Current heap usage.
pub fn stats() -> HeapStats {
    let state = HEAP.lock();
    HeapStats {
        mapped: state.mapped,
        used: state.heap.used() as u64,
    }
}

struct GrowingAllocator;

// SAFETY: all allocations come from `Heap`, which hands out disjoint,
// suitably aligned blocks inside mapped memory, under one lock.
unsafe impl GlobalAlloc for GrowingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        {
            let mut state = HEAP.lock();
            if let Ok(p) = state.heap.allocate_first_fit(layout) {
                return p.as_ptr();
            }
            if state.mapped == 0 {
                return core::ptr::null_mut();
            }
            let want = (layout.size() as u64 + layout.align() as u64 + 4096).max(MIN_GROWTH);
            let added = grow(&mut state, want);
            if added > 0 {
                // SAFETY: the `added` bytes right after the heap's end were
                // just mapped and belong to nobody else.
                unsafe { state.heap.extend(added as usize) };
                state.mapped += added;
            }
            state
                .heap
                .allocate_first_fit(layout)
                .map_or(core::ptr::null_mut(), |p| p.as_ptr())
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(ptr) = NonNull::new(ptr) else {
            return;
        };
        // SAFETY: GlobalAlloc's contract: `ptr` came from `alloc` with
        // this `layout`.
        unsafe { HEAP.lock().heap.deallocate(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: GrowingAllocator = GrowingAllocator;
