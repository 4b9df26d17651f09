//! The PVH boot path: turns Xen's `hvm_start_info` (as QEMU's `-kernel`
//! provides it) into the same `BootInfo` the UEFI loader builds.

use crate::memory::read_phys_value;
use aios_bootinfo::{
    BOOTINFO_MAGIC, BOOTINFO_VERSION, BootInfo, BootPath, DIRECT_MAP_OFFSET, Framebuffer,
    KERNEL_PVH_PHYS_BASE, KERNEL_VIRT_BASE, MemoryKind, MemoryMapBuilder, PhysSlice,
};
use spin::Once;

const START_INFO_MAGIC: u32 = 0x336e_c578;
const MAX_REGIONS: usize = 128;
const MAX_MEMMAP_ENTRIES: u32 = 1024;
const CMDLINE_MAX: usize = 1024;

#[repr(C)]
#[derive(Clone, Copy)]
struct StartInfo {
    magic: u32,
    version: u32,
    flags: u32,
    nr_modules: u32,
    modlist_paddr: u64,
    cmdline_paddr: u64,
    rsdp_paddr: u64,
    memmap_paddr: u64,
    memmap_entries: u32,
    reserved: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct ModlistEntry {
    paddr: u64,
    size: u64,
    cmdline_paddr: u64,
    reserved: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct MemmapEntry {
    addr: u64,
    size: u64,
    kind: u32,
    reserved: u32,
}

/// What the PVH path keeps for the kernel: the map and command line live
/// in the kernel image, so they are covered by its `Kernel` region.
struct PvhStore {
    map: MemoryMapBuilder<MAX_REGIONS>,
    cmdline: [u8; CMDLINE_MAX],
}

static STORE: Once<PvhStore> = Once::new();
static INFO: Once<BootInfo> = Once::new();

unsafe extern "C" {
    static __kernel_end: u8;
}

/// Physical address of a kernel-image static (PVH: linked at -2 GiB, loaded
/// at its LMA).
fn image_phys<T>(item: &T) -> u64 {
    item as *const T as u64 - KERNEL_VIRT_BASE
}

/// Rust side of `pvh_start`, on the boot stack in long mode.
pub(crate) extern "sysv64" fn pvh_entry(start_info: u32) -> ! {
    crate::serial::init();
    match build(u64::from(start_info)) {
        Ok(info) => crate::entry::enter_kernel(info),
        Err(why) => crate::fatal(why),
    }
}

fn build(start_info: u64) -> Result<&'static BootInfo, &'static str> {
    let si: StartInfo =
        read_phys_value(start_info).map_err(|_| "pvh: start info is not in mapped memory")?;
    if si.magic != START_INFO_MAGIC {
        return Err("pvh: bad hvm_start_info magic");
    }
    if si.version < 1 || si.memmap_paddr == 0 || si.memmap_entries == 0 {
        return Err("pvh: the start info carries no memory map (needs version 1)");
    }
    if si.memmap_entries > MAX_MEMMAP_ENTRIES {
        return Err("pvh: implausibly many memory map entries");
    }

    let mut map = MemoryMapBuilder::<MAX_REGIONS>::new();
    let full = |_| "pvh: memory map too fragmented";
    for i in 0..u64::from(si.memmap_entries) {
        let at = si
            .memmap_paddr
            .checked_add(i * core::mem::size_of::<MemmapEntry>() as u64)
            .ok_or("pvh: memory map address overflows")?;
        let e: MemmapEntry =
            read_phys_value(at).map_err(|_| "pvh: memory map is not in mapped memory")?;
        let kind = match e.kind {
            1 => MemoryKind::Usable,
            3 => MemoryKind::AcpiReclaimable,
            4 => MemoryKind::AcpiNvs,
            5 => MemoryKind::Bad,
            _ => MemoryKind::Reserved,
        };
        map.carve(e.addr, e.size, kind).map_err(full)?;
    }
    // The real-mode IVT and BIOS data area stay untouched.
    map.carve(0, 0x1000, MemoryKind::Reserved).map_err(full)?;
    let kernel_end_virt = core::ptr::addr_of!(__kernel_end) as u64;
    let kernel_size = kernel_end_virt - (KERNEL_VIRT_BASE + KERNEL_PVH_PHYS_BASE);
    map.carve(KERNEL_PVH_PHYS_BASE, kernel_size, MemoryKind::Kernel)
        .map_err(full)?;

    let mut bundle = PhysSlice::EMPTY;
    if si.nr_modules > 0 && si.modlist_paddr != 0 {
        let m: ModlistEntry =
            read_phys_value(si.modlist_paddr).map_err(|_| "pvh: module list is not mapped")?;
        map.carve(m.paddr, m.size, MemoryKind::BootInfo)
            .map_err(full)?;
        bundle = PhysSlice {
            phys: m.paddr,
            count: m.size,
        };
    }

    let mut cmdline = [0u8; CMDLINE_MAX];
    let mut cmdline_len = 0;
    if si.cmdline_paddr != 0 {
        while cmdline_len < CMDLINE_MAX {
            let at = si
                .cmdline_paddr
                .checked_add(cmdline_len as u64)
                .ok_or("pvh: command line address overflows")?;
            let b: u8 = read_phys_value(at).map_err(|_| "pvh: command line is not mapped")?;
            if b == 0 {
                break;
            }
            cmdline[cmdline_len] = b;
            cmdline_len += 1;
        }
    }

    let store = STORE.call_once(|| PvhStore { map, cmdline });
    let regions = store.map.regions();
    let first = regions.first().ok_or("pvh: empty memory map")?;
    Ok(INFO.call_once(|| BootInfo {
        magic: BOOTINFO_MAGIC,
        version: BOOTINFO_VERSION,
        boot_path: BootPath::Pvh,
        direct_map_offset: DIRECT_MAP_OFFSET,
        memory_map: PhysSlice {
            phys: image_phys(first),
            count: regions.len() as u64,
        },
        rsdp: si.rsdp_paddr,
        framebuffer: Framebuffer::NONE,
        boot_log: PhysSlice::EMPTY,
        bundle,
        cmdline: PhysSlice {
            phys: image_phys(&store.cmdline[0]),
            count: cmdline_len as u64,
        },
        kernel_image: PhysSlice {
            phys: KERNEL_PVH_PHYS_BASE,
            count: kernel_size,
        },
        verified_by: [0; 32],
    }))
}
