//! Building the `BootInfo`, leaving boot services and jumping to the kernel.

use core::mem::{align_of, size_of};

use aios_bootinfo::{
    BOOTINFO_MAGIC, BOOTINFO_VERSION, BootInfo, BootPath, DIRECT_MAP_OFFSET, Framebuffer,
    Measurement, MemoryKind, PhysSlice, PixelFormat,
};
use uefi::boot::{self, MemoryType, OpenProtocolAttributes, OpenProtocolParams};
use uefi::mem::memory_map::MemoryMap;
use uefi::proto::console::gop::{self, GraphicsOutput};
use uefi::system;
use uefi::table::cfg::ConfigTableEntry;

use crate::error::BootError;
use crate::files::BootFiles;
use crate::load::LoadedKernel;
use crate::memmap::{self, RegionArray};
use crate::pages::{self, Pages};
use crate::paging::{self, PageTables};
use crate::report;
use crate::verify::{self, COMPONENT_COUNT};

/// The identity map always covers the low 4 GiB (MMIO lives there).
const MIN_PHYS_END: u64 = 4 << 30;
/// CR4.LA57: 5-level paging.
const CR4_LA57: u64 = 1 << 12;

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
    if read_cr4() & CR4_LA57 != 0 {
        return Err(BootError::FiveLevelPaging);
    }
    let framebuffer = framebuffer();
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
        rsdp: rsdp(),
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
        halt_forever()
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

fn halt_forever() -> ! {
    loop {
        // SAFETY: `cli; hlt` stops the CPU; it touches no memory.
        unsafe { core::arch::asm!("cli", "hlt", options(nomem, nostack)) };
    }
}

fn read_cr4() -> u64 {
    let cr4: u64;
    // SAFETY: reading CR4 has no side effects at ring 0, where UEFI runs us.
    unsafe {
        core::arch::asm!("mov {}, cr4", out(reg) cr4, options(nomem, nostack, preserves_flags))
    };
    cr4
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

/// The ACPI 2.0 RSDP if the firmware has one, else the 1.0 one, else 0.
fn rsdp() -> u64 {
    system::with_config_table(|entries| {
        let find = |guid| {
            entries
                .iter()
                .find(|e| e.guid == guid)
                .map(|e| e.address as u64)
        };
        find(ConfigTableEntry::ACPI2_GUID)
            .or_else(|| find(ConfigTableEntry::ACPI_GUID))
            .unwrap_or(0)
    })
}

/// The GOP framebuffer in its current mode, or `Framebuffer::NONE`.
fn framebuffer() -> Framebuffer {
    let Ok(handle) = boot::get_handle_for_protocol::<GraphicsOutput>() else {
        return Framebuffer::NONE;
    };
    let params = OpenProtocolParams {
        handle,
        agent: boot::image_handle(),
        controller: None,
    };
    // SAFETY: `GetProtocol` leaves the console driver in charge of the GOP;
    // the loader only reads the mode and framebuffer address while the
    // protocol stays installed (boot services are up and nothing else runs).
    let opened = unsafe {
        boot::open_protocol::<GraphicsOutput>(params, OpenProtocolAttributes::GetProtocol)
    };
    let Ok(mut gop) = opened else {
        return Framebuffer::NONE;
    };
    let mode = gop.current_mode_info();
    let format = match mode.pixel_format() {
        gop::PixelFormat::Rgb => PixelFormat::Rgb,
        gop::PixelFormat::Bgr => PixelFormat::Bgr,
        _ => return Framebuffer::NONE,
    };
    let (width, height) = mode.resolution();
    let stride = mode.stride();
    let mut buffer = gop.frame_buffer();
    let (Ok(width), Ok(height), Ok(stride)) = (
        u32::try_from(width),
        u32::try_from(height),
        u32::try_from(stride),
    ) else {
        return Framebuffer::NONE;
    };
    Framebuffer {
        phys: buffer.as_mut_ptr() as u64,
        size: buffer.size() as u64,
        width,
        height,
        stride,
        format,
    }
}
