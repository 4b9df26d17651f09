//! Starting the application processors: INIT-SIPI-SIPI into a real-mode
//! trampoline at physical 0x8000 that enters long mode on the kernel's
//! page tables and jumps to [`ap_entry`].

use crate::frames::TRAMPOLINE_PHYS;
use alloc::boxed::Box;
use core::arch::global_asm;
use core::sync::atomic::{AtomicUsize, Ordering};
use spin::Once;

/// Offset of the parameter block in the trampoline page.
const DATA_OFFSET: u64 = 0xF00;
/// Stack of each application processor: room for the Wasm interpreter.
const AP_STACK_SIZE: u64 = 256 * 1024;

// The trampoline is assembled inside the kernel image but runs from a copy
// at TRAMPOLINE_PHYS (0x8000), so every address in it is computed as
// 0x8000 + (label - trampoline_start). The parameter block at +0xF00 holds
// CR3, the extra EFER bits, the stack top, the entry point and the CPU
// index; at +0xF40 the BSP writes the trampoline's GDT and at +0xF60 its
// GDTR (absolute operands, since the assembler cannot fold label
// differences into memory operands).
global_asm!(
    r#"
    .pushsection .rodata.trampoline, "a"
    .balign 16
    .global hal_trampoline_start
hal_trampoline_start:
    .code16
    cli
    cld
    xor ax, ax
    mov ds, ax
    lgdt [0x8F60]
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    .byte 0x66, 0xEA
    .long 0x8000 + (tramp32 - hal_trampoline_start)
    .word 0x08
    .code32
tramp32:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov eax, [0x8000 + 0xF00]
    mov cr3, eax
    mov ecx, 0xC0000080
    rdmsr
    or eax, [0x8000 + 0xF08]
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | 1
    mov cr0, eax
    .byte 0xEA
    .long 0x8000 + (tramp64 - hal_trampoline_start)
    .word 0x18
    .code64
tramp64:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    mov rsp, [0x8000 + 0xF10]
    mov rdi, [0x8000 + 0xF20]
    mov rax, [0x8000 + 0xF18]
    xor ebp, ebp
    jmp rax
    .global hal_trampoline_end
hal_trampoline_end:
    .popsection
"#
);

unsafe extern "C" {
    static hal_trampoline_start: u8;
    static hal_trampoline_end: u8;
}

/// The kernel's per-CPU main loop for application processors.
static AP_MAIN: Once<fn(usize) -> !> = Once::new();
/// Index of the CPU currently starting; the AP acknowledges by clearing it.
static STARTING: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Why an application processor did not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmpError {
    /// More CPUs than `MAX_CPUS`.
    TooManyCpus,
    /// The page tables are above 4 GiB, out of the trampoline's reach.
    PageTablesTooHigh,
    /// No memory for the CPU's stack.
    NoStack,
    /// The CPU did not answer in time.
    Timeout {
        /// Its local APIC ID.
        apic_id: u32,
    },
}

/// Starts every CPU in `apic_ids` other than the calling one, one after
/// another, and returns how many came online. Each runs `ap_main(index)`
/// after its hardware set-up.
pub fn start_aps(apic_ids: &[u32], ap_main: fn(usize) -> !) -> Result<usize, SmpError> {
    AP_MAIN.call_once(|| ap_main);
    let cr3 = crate::cpu::read_cr3();
    if cr3 >= 1 << 32 {
        return Err(SmpError::PageTablesTooHigh);
    }
    install_trampoline();
    let own = crate::percpu::try_current().map_or(0, |c| c.apic_id.load(Ordering::Relaxed));
    let mut started = 0;
    for (index, &apic_id) in (1..).zip(apic_ids.iter().filter(|&&id| id != own)) {
        if index >= crate::percpu::MAX_CPUS {
            return Err(SmpError::TooManyCpus);
        }
        start_one(index, apic_id, cr3)?;
        started += 1;
    }
    Ok(started)
}

fn install_trampoline() {
    let start = core::ptr::addr_of!(hal_trampoline_start);
    let len = core::ptr::addr_of!(hal_trampoline_end) as usize - start as usize;
    let dest = crate::memory::phys_to_virt(TRAMPOLINE_PHYS) as *mut u8;
    // SAFETY: the trampoline page is reserved in the frame allocator for
    // this purpose and mapped in the direct map; the code is shorter than
    // the parameter block offset (checked by the assertion below).
    unsafe { core::ptr::copy_nonoverlapping(start, dest, len) };
    debug_assert!((len as u64) < DATA_OFFSET);
}

fn write_parameter(offset: u64, value: u64) {
    let addr = crate::memory::phys_to_virt(TRAMPOLINE_PHYS + DATA_OFFSET + offset) as *mut u64;
    // SAFETY: inside the reserved trampoline page, 8-byte aligned.
    unsafe { core::ptr::write_volatile(addr, value) }
}

fn start_one(index: usize, apic_id: u32, cr3: u64) -> Result<(), SmpError> {
    let stack_top = crate::paging::map_stack(AP_STACK_SIZE).map_err(|_| SmpError::NoStack)?;
    let efer_bits = if crate::cpu::has_nx() {
        (1 << 8) | (1 << 11)
    } else {
        1 << 8
    };
    write_parameter(0x40, 0);
    write_parameter(0x48, 0x00CF_9A00_0000_FFFF);
    write_parameter(0x50, 0x00CF_9200_0000_FFFF);
    write_parameter(0x58, 0x00AF_9A00_0000_FFFF);
    write_parameter(0x60, 31 | ((TRAMPOLINE_PHYS + DATA_OFFSET + 0x40) << 16));
    write_parameter(0x00, cr3);
    write_parameter(0x08, efer_bits);
    write_parameter(0x10, stack_top);
    write_parameter(0x18, ap_entry as *const () as u64);
    write_parameter(0x20, index as u64);
    STARTING.store(index, Ordering::SeqCst);

    crate::apic::send_init(apic_id);
    crate::clock::spin_ns(10_000);
    let page = (TRAMPOLINE_PHYS >> 12) as u8;
    for _ in 0..2 {
        crate::apic::send_startup(apic_id, page);
        let deadline = crate::clock::now_ns() + 200_000;
        while crate::clock::now_ns() < deadline {
            if STARTING.load(Ordering::SeqCst) != index {
                break;
            }
            core::hint::spin_loop();
        }
        if STARTING.load(Ordering::SeqCst) != index {
            break;
        }
    }
    // The AP clears STARTING once it runs Rust code; then wait (bounded)
    // for it to finish its set-up and mark itself online.
    let deadline = crate::clock::now_ns() + 1_000_000_000;
    let cpu = &crate::percpu::all()[index];
    while !cpu.online.load(Ordering::Acquire) {
        if crate::clock::now_ns() > deadline {
            return Err(SmpError::Timeout { apic_id });
        }
        core::hint::spin_loop();
    }
    Ok(())
}

/// Wakes every other CPU from `hlt` (new work is queued).
pub fn wake_others() {
    if crate::percpu::online_count() > 1 {
        crate::apic::send_ipi_all_but_self(crate::interrupts::WAKE_VECTOR);
    }
}

/// First Rust code on an application processor.
extern "sysv64" fn ap_entry(index: u64) -> ! {
    let index = index as usize;
    STARTING.store(usize::MAX, Ordering::SeqCst);
    let tables: &'static mut crate::gdt::CpuTables =
        Box::leak(Box::new(crate::gdt::CpuTables::new()));
    tables.load();
    crate::interrupts::load();
    crate::fpu::init_cpu();
    let apic_id = crate::apic::enable().unwrap_or(0);
    crate::percpu::install(index, apic_id);
    crate::clock::start_timer();
    crate::percpu::all()[index]
        .online
        .store(true, Ordering::Release);
    match AP_MAIN.get() {
        Some(main) => main(index),
        None => crate::cpu::halt_forever(),
    }
}
