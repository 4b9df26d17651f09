//! Per-CPU GDT and TSS, with separate interrupt stacks (IST) for the
//! faults that must work even when the kernel stack is broken.

use core::arch::asm;
use core::mem::size_of;

/// Kernel code selector.
pub(crate) const KERNEL_CODE: u16 = 0x08;
/// Kernel data selector.
pub(crate) const KERNEL_DATA: u16 = 0x10;
const TSS_SELECTOR: u16 = 0x18;

/// IST slot (1-based) used for double faults.
pub(crate) const IST_DOUBLE_FAULT: u8 = 1;
/// IST slot used for NMIs.
pub(crate) const IST_NMI: u8 = 2;
/// IST slot used for machine checks.
pub(crate) const IST_MACHINE_CHECK: u8 = 3;

const IST_STACK_SIZE: usize = 16 * 1024;

/// The 64-bit task state segment (only the stack pointers matter).
#[repr(C, packed(4))]
struct Tss {
    reserved0: u32,
    rsp: [u64; 3],
    reserved1: u64,
    ist: [u64; 7],
    reserved2: u64,
    reserved3: u16,
    iomap_base: u16,
}

#[repr(C, align(16))]
struct IstStack([u8; IST_STACK_SIZE]);

/// Everything one CPU's segmentation needs; lives for the CPU's lifetime.
#[repr(C, align(16))]
pub(crate) struct CpuTables {
    gdt: [u64; 5],
    tss: Tss,
    stacks: [IstStack; 3],
}

impl CpuTables {
    /// Zeroed tables, filled in by [`load`](Self::load).
    pub(crate) const fn new() -> CpuTables {
        CpuTables {
            gdt: [0; 5],
            tss: Tss {
                reserved0: 0,
                rsp: [0; 3],
                reserved1: 0,
                ist: [0; 7],
                reserved2: 0,
                reserved3: 0,
                iomap_base: size_of::<Tss>() as u16,
            },
            stacks: [
                IstStack([0; IST_STACK_SIZE]),
                IstStack([0; IST_STACK_SIZE]),
                IstStack([0; IST_STACK_SIZE]),
            ],
        }
    }

    /// Fills the GDT and TSS and loads them on the calling CPU.
    ///
    /// The tables must never move or be freed afterwards: the CPU keeps
    /// their addresses (hence `&'static mut`).
    pub(crate) fn load(&'static mut self) {
        for (i, stack) in self.stacks.iter().enumerate() {
            let top = stack.0.as_ptr() as u64 + IST_STACK_SIZE as u64;
            self.tss.ist[i] = top & !0xF;
        }
        let tss_base = &self.tss as *const Tss as u64;
        let tss_limit = (size_of::<Tss>() - 1) as u64;
        self.gdt[0] = 0;
        self.gdt[1] = 0x00AF_9A00_0000_FFFF;
        self.gdt[2] = 0x00CF_9200_0000_FFFF;
        self.gdt[3] = (tss_limit & 0xFFFF)
            | ((tss_base & 0xFF_FFFF) << 16)
            | (0x89 << 40)
            | (((tss_limit >> 16) & 0xF) << 48)
            | (((tss_base >> 24) & 0xFF) << 56);
        self.gdt[4] = tss_base >> 32;

        #[repr(C, packed)]
        struct Pointer {
            limit: u16,
            base: u64,
        }
        let pointer = Pointer {
            limit: (size_of::<[u64; 5]>() - 1) as u16,
            base: self.gdt.as_ptr() as u64,
        };
        // SAFETY: the GDT is 'static and holds valid flat code/data
        // descriptors at the selectors reloaded here, and an available
        // 64-bit TSS descriptor at TSS_SELECTOR; the far return reloads CS
        // with the same flat code segment.
        unsafe {
            asm!(
                "lgdt [{ptr}]",
                "push {code}",
                "lea {tmp}, [rip + 2f]",
                "push {tmp}",
                "retfq",
                "2:",
                "mov ds, {data:x}",
                "mov es, {data:x}",
                "mov ss, {data:x}",
                "ltr {tss:x}",
                ptr = in(reg) &pointer,
                code = const KERNEL_CODE as u64,
                tmp = out(reg) _,
                data = in(reg) KERNEL_DATA as u64,
                tss = in(reg) TSS_SELECTOR as u64,
            );
        }
    }
}
