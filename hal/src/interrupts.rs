//! The IDT, the entry stubs for all 256 vectors, and dispatch: CPU
//! exceptions are reported with their registers and stop the kernel
//! cleanly; device and timer interrupts go to their handlers.

use crate::gdt::{IST_DOUBLE_FAULT, IST_MACHINE_CHECK, IST_NMI, KERNEL_CODE};
use core::arch::{asm, global_asm};
use core::fmt::Write;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use spin::Once;

/// Vector of the local APIC timer.
pub const TIMER_VECTOR: u8 = 0x20;
/// Vector of the wake-up IPI: it has no handler work; taking the
/// interrupt is what ends a CPU's `hlt`.
pub const WAKE_VECTOR: u8 = 0xF1;
/// Vector of the TLB shoot-down IPI.
pub const TLB_SHOOTDOWN_VECTOR: u8 = 0xF0;
/// The local APIC's spurious-interrupt vector.
pub const SPURIOUS_VECTOR: u8 = 0xFF;

// One 16-byte stub per vector. Vectors without a CPU error code push a
// zero so every frame has the same layout.
global_asm!(
    r#"
    .pushsection .text.interrupts, "ax"
    .balign 16
    .global hal_interrupt_stubs
hal_interrupt_stubs:
    .set vector, 0
    .rept 256
    .balign 16
    .if (vector == 8) || (vector == 10) || (vector == 11) || (vector == 12) || (vector == 13) || (vector == 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    .else
    push 0
    .endif
    push vector
    jmp hal_interrupt_common
    .set vector, vector + 1
    .endr

hal_interrupt_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp
    cld
    call {dispatch}
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16
    iretq
    .popsection
"#,
    dispatch = sym dispatch,
);

unsafe extern "C" {
    static hal_interrupt_stubs: u8;
}

/// The registers saved on interrupt entry, in stack order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct InterruptFrame {
    /// General registers, pushed by the common stub.
    pub r15: u64,
    #[allow(missing_docs)]
    pub r14: u64,
    #[allow(missing_docs)]
    pub r13: u64,
    #[allow(missing_docs)]
    pub r12: u64,
    #[allow(missing_docs)]
    pub r11: u64,
    #[allow(missing_docs)]
    pub r10: u64,
    #[allow(missing_docs)]
    pub r9: u64,
    #[allow(missing_docs)]
    pub r8: u64,
    #[allow(missing_docs)]
    pub rbp: u64,
    #[allow(missing_docs)]
    pub rdi: u64,
    #[allow(missing_docs)]
    pub rsi: u64,
    #[allow(missing_docs)]
    pub rdx: u64,
    #[allow(missing_docs)]
    pub rcx: u64,
    #[allow(missing_docs)]
    pub rbx: u64,
    #[allow(missing_docs)]
    pub rax: u64,
    /// The vector number.
    pub vector: u64,
    /// The CPU error code, or 0.
    pub error_code: u64,
    /// Interrupted instruction.
    pub rip: u64,
    /// Interrupted code segment.
    pub cs: u64,
    /// Interrupted flags.
    pub rflags: u64,
    /// Interrupted stack pointer.
    pub rsp: u64,
    /// Interrupted stack segment.
    pub ss: u64,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Gate {
    offset_low: u16,
    selector: u16,
    ist: u8,
    attributes: u8,
    offset_mid: u16,
    offset_high: u32,
    reserved: u32,
}

#[repr(C, align(16))]
struct Idt([Gate; 256]);

static IDT: Once<Idt> = Once::new();

/// Handler for a device interrupt vector; runs with interrupts off.
pub type Handler = fn(&InterruptFrame);

static HANDLERS: [AtomicUsize; 256] = [const { AtomicUsize::new(0) }; 256];

/// Number of breakpoint (`int3`) traps taken; breakpoints are reported and
/// resumed, which makes them the safe way to test the exception path.
static BREAKPOINTS: AtomicU64 = AtomicU64::new(0);

/// How many breakpoint traps have been handled since boot.
pub fn breakpoint_count() -> u64 {
    BREAKPOINTS.load(Ordering::Relaxed)
}

/// Installs `handler` for a device vector (>= 32). Replaces any previous one.
pub fn set_handler(vector: u8, handler: Handler) {
    if vector >= 32 {
        HANDLERS[usize::from(vector)].store(handler as usize, Ordering::Release);
    }
}

/// Builds the IDT (once) and loads it on the calling CPU.
pub(crate) fn load() {
    let idt = IDT.call_once(|| {
        let base = core::ptr::addr_of!(hal_interrupt_stubs) as u64;
        let mut gates = [Gate {
            offset_low: 0,
            selector: 0,
            ist: 0,
            attributes: 0,
            offset_mid: 0,
            offset_high: 0,
            reserved: 0,
        }; 256];
        for (vector, gate) in gates.iter_mut().enumerate() {
            let addr = base + vector as u64 * 16;
            let ist = match vector {
                2 => IST_NMI,
                8 => IST_DOUBLE_FAULT,
                18 => IST_MACHINE_CHECK,
                _ => 0,
            };
            *gate = Gate {
                offset_low: addr as u16,
                selector: KERNEL_CODE,
                ist,
                attributes: 0x8E,
                offset_mid: (addr >> 16) as u16,
                offset_high: (addr >> 32) as u32,
                reserved: 0,
            };
        }
        Idt(gates)
    });
    #[repr(C, packed)]
    struct Pointer {
        limit: u16,
        base: u64,
    }
    let pointer = Pointer {
        limit: (core::mem::size_of::<Idt>() - 1) as u16,
        base: idt as *const Idt as u64,
    };
    // SAFETY: the IDT is 'static (in a Once) and every gate points at a
    // stub in this module with the kernel code selector.
    unsafe { asm!("lidt [{}]", in(reg) &pointer, options(readonly, nostack, preserves_flags)) }
}

const EXCEPTION_NAMES: [&str; 32] = [
    "divide error",
    "debug",
    "non-maskable interrupt",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection exception",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "VMM communication",
    "security exception",
    "reserved",
];

extern "sysv64" fn dispatch(frame: &mut InterruptFrame) {
    let vector = frame.vector as usize;
    if let Some(cpu) = crate::percpu::try_current() {
        cpu.end_idle();
        cpu.interrupts.fetch_add(1, Ordering::Relaxed);
    }
    if vector == 3 {
        BREAKPOINTS.fetch_add(1, Ordering::Relaxed);
        let _ = writeln!(
            crate::serial::SerialWriter,
            "hal: breakpoint at {:#x} on cpu {}, resumed",
            frame.rip,
            crate::percpu::try_index().map_or(-1, |i| i as i64)
        );
        return;
    }
    if vector < 32 {
        report_exception(frame);
        panic!(
            "CPU exception {} ({}) at {:#x}",
            vector, EXCEPTION_NAMES[vector], frame.rip
        );
    }
    let raw = HANDLERS
        .get(vector)
        .map_or(0, |h| h.load(Ordering::Acquire));
    if raw != 0 {
        // SAFETY: only `set_handler` stores non-zero values, and it stores
        // `Handler` function pointers, so transmuting back is sound.
        let handler: Handler = unsafe { core::mem::transmute::<usize, Handler>(raw) };
        handler(frame);
    }
    if vector != usize::from(SPURIOUS_VECTOR) {
        crate::apic::end_of_interrupt();
    }
}

/// Writes the full register report for a CPU exception to the serial port.
fn report_exception(frame: &InterruptFrame) {
    let mut out = crate::serial::UnlockedWriter;
    let v = frame.vector as usize;
    let _ = writeln!(
        out,
        "\nEXCEPTION: vector {} ({}) error code {:#x} on cpu {}",
        v,
        EXCEPTION_NAMES[v],
        frame.error_code,
        crate::percpu::try_index().map_or(-1, |i| i as i64),
    );
    if v == 14 {
        let _ = writeln!(
            out,
            "  faulting address {:#018x} ({} {} {})",
            crate::cpu::read_cr2(),
            if frame.error_code & 1 != 0 {
                "protection"
            } else {
                "not present"
            },
            if frame.error_code & 2 != 0 {
                "write"
            } else {
                "read"
            },
            if frame.error_code & 16 != 0 {
                "fetch"
            } else {
                "data"
            },
        );
    }
    let f = frame;
    let _ = writeln!(
        out,
        "  rip {:#018x} cs {:#06x} rflags {:#010x}",
        f.rip, f.cs, f.rflags
    );
    let _ = writeln!(out, "  rsp {:#018x} ss {:#06x}", f.rsp, f.ss);
    let _ = writeln!(
        out,
        "  rax {:#018x} rbx {:#018x} rcx {:#018x}",
        f.rax, f.rbx, f.rcx
    );
    let _ = writeln!(
        out,
        "  rdx {:#018x} rsi {:#018x} rdi {:#018x}",
        f.rdx, f.rsi, f.rdi
    );
    let _ = writeln!(
        out,
        "  rbp {:#018x} r8  {:#018x} r9  {:#018x}",
        f.rbp, f.r8, f.r9
    );
    let _ = writeln!(
        out,
        "  r10 {:#018x} r11 {:#018x} r12 {:#018x}",
        f.r10, f.r11, f.r12
    );
    let _ = writeln!(
        out,
        "  r13 {:#018x} r14 {:#018x} r15 {:#018x}",
        f.r13, f.r14, f.r15
    );
    let _ = writeln!(out, "  cr3 {:#018x}", crate::cpu::read_cr3());
}

/// Sends device vector `vector` (>= 32) to the online CPU with index
/// `cpu` as an inter-processor interrupt; false if there is no such CPU.
pub fn send_ipi(cpu: usize, vector: u8) -> bool {
    let Some(target) = crate::percpu::all().get(cpu) else {
        return false;
    };
    if vector < 32 || !target.online.load(Ordering::Acquire) {
        return false;
    }
    crate::apic::send_ipi(target.apic_id.load(Ordering::Relaxed), vector);
    true
}
