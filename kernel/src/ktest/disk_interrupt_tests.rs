//! A disk's completion interrupt arriving while the interrupted CPU holds
//! the heap lock, as another CPU submits to the same disk. The handler
//! takes the driver's queue lock; a submitter that allocated while
//! holding it would wait for the heap for ever, and the handler for it
//! (both CPUs spinning: the guest hangs).

use super::ktests;
use super::remote::Outcome;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

ktests!(submitting_while_the_interrupted_cpu_allocates_does_not_deadlock);

/// MiB each disk is read on the other CPU (in 1 MiB reads, each split
/// into requests kept in flight together, so completions arrive while
/// later pieces are being submitted).
const MIB_PER_DISK: u64 = 32;

/// What the other CPU's reader found.
static READER: Outcome = Outcome::new();

/// The other CPU's half: reads every disk, 1 MiB at a time.
fn reader() {
    let mut buf = vec![0u8; 1 << 20];
    let result = crate::blk::disks().iter().try_for_each(|disk| {
        (0..MIB_PER_DISK).try_for_each(|i| {
            disk.read(4096 + i % 8 * 2048, &mut buf)
                .map_err(|e| format!("{}: read: {}", disk.name(), e))
        })
    });
    READER.report(result);
}

/// This CPU (the boot CPU, which the disks' interrupts go to) allocates
/// and frees in a loop, so that it holds the heap lock, with interrupts
/// on, whenever it can, until the reader is done.
fn submitting_while_the_interrupted_cpu_allocates_does_not_deadlock() -> Result<(), String> {
    let Some(other) = super::remote::other_online_cpu() else {
        crate::println!("ktest: disk interrupts: one CPU, skipped");
        return Ok(());
    };
    READER.start(other, reader)?;
    let mut held: Vec<Vec<u8>> = Vec::new();
    READER.wait(other, 120, || {
        for size in [16, 200, 3000, 40_000] {
            held.push(core::hint::black_box(Vec::with_capacity(size)));
        }
        if held.len() >= 256 {
            held.clear();
        }
    })
}
