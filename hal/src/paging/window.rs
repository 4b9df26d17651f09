//! A virtual window whose pages own their frames: ranges are committed,
//! parked or released in one walk each, with at most one TLB shoot-down.
//!
//! A parked page keeps its frame and contents but is not present: its
//! entry holds the frame address with `PARKED` set instead of `PRESENT`.
//! Only this module writes or reads such entries, and only inside a
//! window, so no other paging function ever meets one.

use super::{ADDRESS_MASK, HUGE, LOCK, MapError, PRESENT, PageFlags};
use super::{index, read_entry, shoot_down, walk_create, write_entry};
use core::sync::atomic::{AtomicU64, Ordering};

/// Software bit (ignored by the MMU in a non-present entry).
const PARKED: u64 = 1 << 9;
/// Bits the MMU sets on its own (accessed, dirty): not a change of ours.
const HARDWARE_BITS: u64 = (1 << 5) | (1 << 6);
/// Above this many changed pages one CR3 reload beats an `invlpg` each.
const INVLPG_LIMIT: u64 = 32;

/// A range of kernel virtual addresses whose 4 KiB pages are backed by
/// frames the window allocates and frees itself.
pub struct Window {
    base: u64,
    end: u64,
    frames: AtomicU64,
}

/// What one walk changed.
#[derive(Default)]
struct Walk {
    /// Present entries whose value changed (need a TLB flush).
    changed: u64,
}

impl Walk {
    fn changed_present(&mut self, virt: u64) {
        self.changed += 1;
        if self.changed <= INVLPG_LIMIT {
            crate::cpu::invlpg(virt);
        }
    }

    /// Makes every CPU forget the changed entries; once per edit.
    fn flush(self) {
        if self.changed == 0 {
            return;
        }
        let _guard = LOCK.lock();
        if self.changed > INVLPG_LIMIT {
            crate::cpu::flush_tlb();
        }
        shoot_down();
    }
}

impl Window {
    /// The window `[base, base + size)`; both 4 KiB aligned.
    pub const fn new(base: u64, size: u64) -> Window {
        Window {
            base,
            end: base + size,
            frames: AtomicU64::new(0),
        }
    }

    /// First address of the window.
    pub const fn base(&self) -> u64 {
        self.base
    }

    /// Size of the window in bytes.
    pub const fn size(&self) -> u64 {
        self.end - self.base
    }

    /// Frames the window's pages hold now (present or parked).
    pub fn frames(&self) -> u64 {
        self.frames.load(Ordering::Acquire)
    }

    /// Gives every page of `[virt, virt + pages * 4096)` the access
    /// `flags`: present pages change their bits, parked pages come back
    /// with their contents, absent pages get a fresh zeroed frame. On
    /// `OutOfFrames` the pages done so far keep their new state.
    pub fn commit(&self, virt: u64, pages: u64, flags: PageFlags) -> Result<(), MapError> {
        let end = self.check(virt, pages)?;
        let bits = flags.bits();
        let mut walk = Walk::default();
        let result = walk_range(virt, end, true, |pt, i, page| {
            let entry = read_entry(pt, i);
            if entry & PRESENT != 0 {
                let value = (entry & ADDRESS_MASK) | bits;
                if value != entry & !HARDWARE_BITS {
                    write_entry(pt, i, value);
                    walk.changed_present(page);
                }
            } else if entry & PARKED != 0 {
                write_entry(pt, i, (entry & ADDRESS_MASK) | bits);
            } else {
                let frame = crate::frames::alloc_zeroed().ok_or(MapError::OutOfFrames)?;
                write_entry(pt, i, frame | bits);
                self.frames.fetch_add(1, Ordering::AcqRel);
            }
            Ok(())
        });
        walk.flush();
        result
    }

    /// Makes every page of the range inaccessible, keeping its frame and
    /// contents for a later [`Window::commit`].
    pub fn park(&self, virt: u64, pages: u64) -> Result<(), MapError> {
        let end = self.check(virt, pages)?;
        let mut walk = Walk::default();
        let result = walk_range(virt, end, false, |pt, i, page| {
            let entry = read_entry(pt, i);
            if entry & PRESENT != 0 {
                write_entry(pt, i, (entry & ADDRESS_MASK) | PARKED);
                walk.changed_present(page);
            }
            Ok(())
        });
        walk.flush();
        result
    }

    /// Unmaps every page of the range and frees its frame: once every
    /// CPU has flushed, so no stale translation reaches a reused frame.
    pub fn release(&self, virt: u64, pages: u64) -> Result<(), MapError> {
        self.park(virt, pages)?;
        let end = virt + pages * 4096;
        walk_range(virt, end, false, |pt, i, _| {
            let entry = read_entry(pt, i);
            if entry & PARKED != 0 {
                write_entry(pt, i, 0);
                // A refusal would mean the frame was never ours; then it
                // must not be handed out again either, so it is dropped.
                let _ = crate::frames::free(entry & ADDRESS_MASK);
                self.frames.fetch_sub(1, Ordering::AcqRel);
            }
            Ok(())
        })
    }

    /// The range's end, if it is page aligned and inside the window.
    fn check(&self, virt: u64, pages: u64) -> Result<u64, MapError> {
        if !virt.is_multiple_of(4096) {
            return Err(MapError::Unaligned);
        }
        let end = pages
            .checked_mul(4096)
            .and_then(|bytes| virt.checked_add(bytes))
            .ok_or(MapError::OutsideWindow)?;
        if virt < self.base || end > self.end {
            return Err(MapError::OutsideWindow);
        }
        Ok(end)
    }
}

/// Where the page table for an address is, if it exists.
enum Table {
    /// The page table's physical address.
    At(u64),
    /// A level above is absent: the next address whose tables may exist.
    Absent(Option<u64>),
}

/// Calls `visit(table, index, virt)` for the last-level entry of every
/// page in `[start, end)`, holding `LOCK` one page table at a time.
/// Without `create`, spans whose tables are absent are skipped whole.
fn walk_range(
    start: u64,
    end: u64,
    create: bool,
    mut visit: impl FnMut(u64, usize, u64) -> Result<(), MapError>,
) -> Result<(), MapError> {
    let mut virt = start;
    while virt < end {
        let _guard = LOCK.lock();
        let table = if create {
            Table::At(walk_create(virt, 1)?)
        } else {
            existing_table(virt)?
        };
        match table {
            Table::At(pt) => {
                let stop = (virt | 0x1F_FFFF).saturating_add(1).min(end);
                while virt < stop {
                    visit(pt, index(virt, 1), virt)?;
                    virt += 4096;
                }
            }
            Table::Absent(next) => virt = next.unwrap_or(end),
        }
    }
    Ok(())
}

/// The page table covering `virt`, without creating any table.
fn existing_table(virt: u64) -> Result<Table, MapError> {
    let mut current = crate::cpu::read_cr3();
    for level in (2..=4).rev() {
        let entry = read_entry(current, index(virt, level));
        if entry & PRESENT == 0 {
            let span = 1u64 << (12 + 9 * (level - 1));
            return Ok(Table::Absent((virt | (span - 1)).checked_add(1)));
        }
        if entry & HUGE != 0 {
            return Err(MapError::HugePageInTheWay);
        }
        current = entry & ADDRESS_MASK;
    }
    Ok(Table::At(current))
}
