//! Kernel entry points: the 64-bit entry the UEFI loader jumps to, and the
//! 32-bit PVH entry QEMU's `-kernel` uses. Both converge on the kernel's
//! `aios_kernel_entry(&'static BootInfo)`, declared with [`kernel_entry!`].

use aios_bootinfo::BootInfo;
use core::arch::global_asm;
use core::sync::atomic::{AtomicU64, Ordering};

// The PVH ELF note (XEN_ELFNOTE_PHYS32_ENTRY = 18) tells QEMU where the
// 32-bit entry is. QEMU reads the descriptor as a 64-bit value.
global_asm!(
    r#"
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 4
    .long 8
    .long 18
    .asciz "Xen"
    .balign 4
    .quad pvh_start - 0xFFFFFFFF80000000
    .balign 4
    .popsection
"#
);

// Boot-time page tables (filled by the PVH entry), GDT and stack. The
// tables map physical [0, 4 GiB) three times: identity (for the switch),
// at the direct map, and the first GiB at -2 GiB for the kernel image.
global_asm!(
    r#"
    .pushsection .bss.boot, "aw", @nobits
    .balign 4096
    .global boot_pml4
boot_pml4: .skip 4096
boot_pdpt_low: .skip 4096
boot_pdpt_high: .skip 4096
boot_pd: .skip 4096 * 4
    .balign 16
    .global boot_stack_bottom
boot_stack_bottom: .skip 262144
    .global boot_stack_top
boot_stack_top:
    .popsection

    .pushsection .rodata.boot, "a"
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF
    .quad 0x00CF92000000FFFF
boot_gdt_end:
boot_gdt_ptr32:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt - 0xFFFFFFFF80000000
    .popsection
"#
);

// The PVH entry: 32-bit protected mode, paging off, EBX = physical address
// of the hvm_start_info. Builds the boot page tables, enters long mode and
// continues in the higher half.
global_asm!(
    r#"
    .pushsection .text.boot32, "ax"
    .code32
    .global pvh_start
pvh_start:
    cli
    cld
    mov esi, ebx
    rdtsc
    mov [hal_entry_tsc - 0xFFFFFFFF80000000], eax
    mov [hal_entry_tsc - 0xFFFFFFFF80000000 + 4], edx
    mov esp, offset boot_stack_top - 0xFFFFFFFF80000000

    mov edi, offset boot_pml4 - 0xFFFFFFFF80000000
    mov eax, offset boot_pdpt_low - 0xFFFFFFFF80000000
    or eax, 3
    mov [edi], eax
    mov [edi + 256 * 8], eax
    mov eax, offset boot_pdpt_high - 0xFFFFFFFF80000000
    or eax, 3
    mov [edi + 511 * 8], eax

    mov edi, offset boot_pdpt_low - 0xFFFFFFFF80000000
    mov eax, offset boot_pd - 0xFFFFFFFF80000000
    or eax, 3
    mov [edi], eax
    add eax, 4096
    mov [edi + 8], eax
    add eax, 4096
    mov [edi + 16], eax
    add eax, 4096
    mov [edi + 24], eax

    mov edi, offset boot_pdpt_high - 0xFFFFFFFF80000000
    mov eax, offset boot_pd - 0xFFFFFFFF80000000
    or eax, 3
    mov [edi + 510 * 8], eax

    mov edi, offset boot_pd - 0xFFFFFFFF80000000
    xor ecx, ecx
2:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83
    mov [edi + ecx * 8], eax
    mov dword ptr [edi + ecx * 8 + 4], 0
    inc ecx
    cmp ecx, 2048
    jb 2b

    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov eax, offset boot_pml4 - 0xFFFFFFFF80000000
    mov cr3, eax
    mov ecx, 0xC0000080
    rdmsr
    or eax, 1 << 8
    wrmsr
    mov eax, cr0
    or eax, (1 << 31) | 1
    mov cr0, eax

    lgdt [boot_gdt_ptr32 - 0xFFFFFFFF80000000]
    push 0x08
    mov eax, offset pvh_long_low - 0xFFFFFFFF80000000
    push eax
    retf

    .code64
pvh_long_low:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor eax, eax
    mov fs, ax
    mov gs, ax
    movabs rax, offset pvh_long_high
    jmp rax
pvh_long_high:
    movabs rsp, offset boot_stack_top
    xor ebp, ebp
    mov edi, esi
    call {pvh}
    ud2
    .popsection
"#,
    pvh = sym crate::pvh::pvh_entry,
);

// The UEFI entry: long mode, the loader's page tables, RDI = BootInfo in
// the direct map. Switch to our own stack at once.
global_asm!(
    r#"
    .pushsection .text.entry, "ax"
    .global _start
_start:
    cli
    cld
    mov rsi, rdi
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov [rip + hal_entry_tsc], rax
    lea rsp, [rip + boot_stack_top]
    xor ebp, ebp
    mov rdi, rsi
    call {uefi}
    ud2
    .popsection
"#,
    uefi = sym uefi_entry,
);

/// TSC value read at the very first kernel instruction (written by the
/// entry assembly before anything else runs).
#[unsafe(no_mangle)]
static hal_entry_tsc: AtomicU64 = AtomicU64::new(0);

/// The TSC at kernel entry, for boot-time accounting.
pub fn entry_tsc() -> u64 {
    hal_entry_tsc.load(Ordering::Relaxed)
}

unsafe extern "Rust" {
    /// Defined by the kernel with [`kernel_entry!`].
    safe fn aios_kernel_entry(boot_info: &'static BootInfo) -> !;
}

/// Rust side of `_start`: validates the loader's BootInfo and enters the
/// kernel.
extern "sysv64" fn uefi_entry(boot_info: *const BootInfo) -> ! {
    crate::serial::init();
    let addr = boot_info as u64;
    let aligned = addr.is_multiple_of(core::mem::align_of::<BootInfo>() as u64);
    let in_direct_map =
        (aios_bootinfo::DIRECT_MAP_OFFSET..crate::memory::DIRECT_MAP_END).contains(&addr);
    if !aligned || !in_direct_map {
        crate::fatal("boot: the loader passed a BootInfo pointer outside the direct map");
    }
    // SAFETY: the UEFI loader passes a pointer to a BootInfo it placed in
    // memory of kind BootInfo (never reused) and mapped in the direct map;
    // alignment and range were checked above.
    let info: &'static BootInfo = unsafe { &*boot_info };
    if !info.is_valid() {
        crate::fatal("boot: BootInfo has a bad magic or version");
    }
    aios_kernel_entry(info)
}

/// Jumps to the kernel: called by the PVH path once its BootInfo is built.
pub(crate) fn enter_kernel(info: &'static BootInfo) -> ! {
    aios_kernel_entry(info)
}

/// Declares the kernel's entry function, called on the boot CPU with the
/// validated `BootInfo` by either boot path.
#[macro_export]
macro_rules! kernel_entry {
    ($main:path) => {
        #[unsafe(no_mangle)]
        fn aios_kernel_entry(boot_info: &'static $crate::BootInfo) -> ! {
            let main: fn(&'static $crate::BootInfo) -> ! = $main;
            main(boot_info)
        }
    };
}
