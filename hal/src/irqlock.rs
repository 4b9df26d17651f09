//! A spin lock that also masks interrupts on the holding CPU, for state
//! shared between a driver's submit path and its interrupt handler.

use core::arch::asm;
use core::ops::{Deref, DerefMut};
use spin::{Mutex, MutexGuard};

/// True if maskable interrupts are enabled on this CPU (RFLAGS.IF).
pub(crate) fn interrupts_enabled() -> bool {
    let flags: u64;
    // SAFETY: PUSHFQ/POP only read RFLAGS through the stack, which the
    // asm block balances; no memory the compiler tracks is touched.
    unsafe { asm!("pushfq", "pop {}", out(reg) flags, options(preserves_flags)) };
    flags & (1 << 9) != 0
}

/// A mutex whose guard keeps interrupts off, so the interrupt handler on
/// the same CPU can never spin on a lock its own CPU holds.
///
/// Its holder must not allocate, nor wait for any other lock taken with
/// interrupts on: the handler takes this lock on the CPU the device
/// interrupts, which may be holding the heap lock at that moment, so a
/// holder on another CPU waiting for the heap would wait for ever, and
/// so would the handler.
pub(crate) struct IrqMutex<T> {
    inner: Mutex<T>,
}

/// Guard of an [`IrqMutex`]; restores the interrupt flag on drop.
pub(crate) struct IrqGuard<'a, T> {
    guard: Option<MutexGuard<'a, T>>,
    restore: bool,
}

impl<T> IrqMutex<T> {
    pub(crate) const fn new(value: T) -> Self {
        IrqMutex {
            inner: Mutex::new(value),
        }
    }

    pub(crate) fn lock(&self) -> IrqGuard<'_, T> {
        let restore = interrupts_enabled();
        crate::cpu::disable_interrupts();
        IrqGuard {
            guard: Some(self.inner.lock()),
            restore,
        }
    }
}

impl<T> Deref for IrqGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.guard.as_deref().unwrap_or_else(|| unreachable!())
    }
}

impl<T> DerefMut for IrqGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.guard.as_deref_mut().unwrap_or_else(|| unreachable!())
    }
}

impl<T> Drop for IrqGuard<'_, T> {
    fn drop(&mut self) {
        drop(self.guard.take());
        if self.restore {
            crate::cpu::enable_interrupts();
        }
    }
}
