//! Building the `BootInfo`, leaving boot services and jumping to the kernel.

use core::mem::{align_of, size_of};

use aios_bootinfo::{
    BOOTINFO_MAGIC, BOOTINFO_VERSION, BootInfo, BootPath, DIRECT_MAP_OFFSET, Measurement,
    MemoryKind, PhysSlice,
};
use uefi::boot::{self, MemoryType};
use uefi::mem::memory_map::MemoryMap;

use crate::error::BootError;
use crate::files::BootFiles;
use crate::firmware;
use crate::load::LoadedKernel;
use crate::memmap::{self, RegionArray};
use crate::pages::{self, Pages};
use crate::paging::{self, PageTables};
use crate::report;
use crate::verify::{self, COMPONENT_COUNT};

/// The identity map always covers the low 4 GiB (MMIO lives there).
const MIN_PHYS_END: u64 = 4 << 30;

/// Everything the jump needs, allocated while boot services were up.
pub struct Prepared {
    tables: PageTables,
    entry: u64,
    info_page: Pages,
    info: BootInfo,
    regions: RegionArray,
}

/// Copies the bundle and command line, writes the boot log, reserves the
/// memory map and builds the page tables.
pub fn prepare(
    files: &BootFiles,
    measurements: &[Measurement; COMPONENT_COUNT],
    kernel: &LoadedKernel,
) -> Result<Prepared, BootError<'static>> {
    if firmware::five_level_paging() {
        return Err(BootError::FiveLevelPaging);
    }
    let framebuffer = firmware::framebuffer();
    let bundle = copy_out(&files.bundle, "boot bundle")?;
    let cmdline = copy_out(&files.cmdline, "command line")?;

    let log_offset = size_of::<BootInfo>().next_multiple_of(align_of::<Measurement>());
    let log_bytes = size_of::<Measurement>() * COMPONENT_COUNT;
    let mut info_page = pages::allocate(
        MemoryKind::BootInfo,
        (log_offset + log_bytes) as u64,
        "boot info",
    )?;
    for (i, m) in measurements.iter().enumerate() {
        let at = info_page.bytes()[log_offset + i * size_of::<Measurement>()..].as_mut_ptr();
        // SAFETY: the page holds `log_offset + log_bytes` bytes, so entry `i`
        // is in bounds; `log_offset` and the entry size keep it aligned.
        unsafe { at.cast::<Measurement>().write(*m) };
    }

    let firmware_map =
        boot::memory_map(MemoryType::LOADER_DATA).map_err(|e| BootError::OutOfMemory {
            what: "firmware memory map",
            status: e.status(),
        })?;
    let regions = RegionArray::reserve(firmware_map.len())?;
    let phys_end = memmap::physical_end(&firmware_map)
        .max(MIN_PHYS_END)
        .max(framebuffer.phys.saturating_add(framebuffer.size));
    drop(firmware_map);
    let tables = paging::build(phys_end, &kernel.image)?;

    let info = BootInfo {
        magic: BOOTINFO_MAGIC,
        version: BOOTINFO_VERSION,
        boot_path: BootPath::Uefi,
        direct_map_offset: DIRECT_MAP_OFFSET,
        memory_map: PhysSlice::EMPTY,
        rsdp: firmware::rsdp(),
        framebuffer,
        boot_log: PhysSlice {
            phys: info_page.phys + log_offset as u64,
            count: COMPONENT_COUNT as u64,
        },
        bundle,
        cmdline,
        kernel_image: PhysSlice {
            phys: kernel.image.phys,
            count: kernel.image.len,
        },
        verified_by: verify::key_fingerprint(),
    };
    Ok(Prepared {
        tables,
        entry: kernel.entry,
        info_page,
        info,
        regions,
    })
}

/// Exits boot services, completes the `BootInfo` with the final memory map
/// and jumps to the kernel. Nothing can be printed after the exit.
pub fn enter(mut prepared: Prepared) -> ! {
    report::note(format_args!("entering the kernel at {:#x}", prepared.entry));
    report::console_gone();
    // SAFETY: nothing refers to boot-services data past this point: the
    // boot files were dropped, and from here on the loader only touches its
    // own page allocations (which stay reserved under loader memory types).
    let firmware_map = unsafe { boot::exit_boot_services(Some(MemoryType::LOADER_DATA)) };
    let Some(count) = prepared.regions.fill(&firmware_map) else {
        // Cannot report: the console is gone with boot services.
        report::halt_forever()
    };
    prepared.info.memory_map = PhysSlice {
        phys: prepared.regions.phys(),
        count: count as u64,
    };
    let info_ptr = prepared.info_page.bytes().as_mut_ptr().cast::<BootInfo>();
    // SAFETY: the page is ours, page-aligned and large enough (see `prepare`).
    unsafe { info_ptr.write(prepared.info) };
    // SAFETY: the tables map the running loader (identity), its stack, the
    // kernel image at its link address and the BootInfo in the direct map;
    // `entry` lies in a validated kernel segment.
    unsafe {
        jump(
            prepared.tables.pml4,
            prepared.entry,
            DIRECT_MAP_OFFSET + prepared.info_page.phys,
        )
    }
}

/// Loads CR3 and calls the kernel entry with `rdi` = `boot_info` on a
/// 16-byte aligned stack, interrupts off.
///
/// # Safety
/// `pml4` must map the code and stack of this function identically, and
/// `entry` must be a kernel entry point mapped by `pml4`.
unsafe fn jump(pml4: u64, entry: u64, boot_info: u64) -> ! {
    // SAFETY: guaranteed by the caller; the kernel never returns, and if it
    // did the CPU would halt here.
    unsafe {
        core::arch::asm!(
            "cli",
            "mov cr3, {pml4}",
            "and rsp, -16",
            "call {entry}",
            "2:",
            "hlt",
            "jmp 2b",
            pml4 = in(reg) pml4,
            entry = in(reg) entry,
            in("rdi") boot_info,
            options(noreturn),
        )
    }
}

/// Copies `bytes` to fresh `BootInfo` pages (none for an empty file).
fn copy_out(bytes: &[u8], what: &'static str) -> Result<PhysSlice, BootError<'static>> {
    if bytes.is_empty() {
        return Ok(PhysSlice::EMPTY);
    }
    let mut pages = pages::allocate(MemoryKind::BootInfo, bytes.len() as u64, what)?;
    pages.bytes()[..bytes.len()].copy_from_slice(bytes);
    Ok(PhysSlice {
        phys: pages.phys,
        count: bytes.len() as u64,
    })
}
