//! A sampling profiler for benchmarks: while it runs, the calling CPU's
//! timer interrupts come ten times as often and each records the
//! instruction pointer it interrupted. Under `-icount` the samples are a
//! deterministic picture of where guest instructions go.

use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

/// Most samples kept (later ones are counted, not kept).
const CAPACITY: usize = 32 * 1024;
/// How much faster the timer ticks while profiling.
const SPEEDUP: u64 = 10;

static ON: AtomicBool = AtomicBool::new(false);
static TAKEN: AtomicUsize = AtomicUsize::new(0);
static SAMPLES: [AtomicU64; CAPACITY] = [const { AtomicU64::new(0) }; CAPACITY];
/// Per sample, the first words of the interrupted stack: for a leaf
/// routine (a soft-float helper) one of them is its caller.
const WORDS: usize = 4;
static STACK: [AtomicU64; CAPACITY * WORDS] = [const { AtomicU64::new(0) }; CAPACITY * WORDS];

/// Starts sampling on the calling CPU (interrupts must be enabled for
/// samples to be taken).
pub fn start() {
    TAKEN.store(0, Ordering::Relaxed);
    ON.store(true, Ordering::Release);
    crate::clock::set_timer_speedup(SPEEDUP);
}

/// One sample: the interrupted instruction pointer and the first words
/// of the interrupted stack.
pub type Sample = (u64, [u64; WORDS]);

/// Stops sampling; returns the samples and how many were dropped for want
/// of room.
pub fn stop() -> (alloc::vec::Vec<Sample>, usize) {
    ON.store(false, Ordering::Release);
    crate::clock::set_timer_speedup(1);
    let taken = TAKEN.load(Ordering::Acquire);
    let kept = taken.min(CAPACITY);
    let samples = (0..kept)
        .map(|i| {
            let mut words = [0; WORDS];
            for (w, word) in words.iter_mut().enumerate() {
                *word = STACK[i * WORDS + w].load(Ordering::Relaxed);
            }
            (SAMPLES[i].load(Ordering::Relaxed), words)
        })
        .collect();
    (samples, taken - kept)
}

/// Called by the timer interrupt with the interrupted context.
pub(crate) fn record(frame: &crate::interrupts::InterruptFrame) {
    if !ON.load(Ordering::Acquire) {
        return;
    }
    let at = TAKEN.fetch_add(1, Ordering::Relaxed);
    if let Some(slot) = SAMPLES.get(at) {
        slot.store(frame.rip, Ordering::Relaxed);
        // Only kernel code runs while profiling (agents are Wasm run by
        // the kernel), so the interrupted stack is a kernel stack.
        if frame.cs & 3 == 0 {
            for w in 0..WORDS {
                let address = frame.rsp.wrapping_add(8 * w as u64) as *const u64;
                // SAFETY: the interrupted code ran in ring 0 on a mapped
                // kernel stack with at least its return address and the
                // caller's frame above `rsp`; these words were pushed before
                // the interrupt and are only read.
                let word = unsafe { address.read_volatile() };
                if let Some(slot) = STACK.get(at * WORDS + w) {
                    slot.store(word, Ordering::Relaxed);
                }
            }
        }
    }
}
