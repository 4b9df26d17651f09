//! Wasmtime's locks: spin locks over the one word it keeps per lock,
//! where zero means unlocked (and never used), so there is nothing to set
//! up or free. They are never taken in interrupt handlers.
//!
//! A mutex word is 0 or 1. A read-write word counts readers in units of
//! `READER` above two flags: `WRITER` (held for writing) and
//! `WRITER_WAITING`, which keeps new readers out so writers do not starve.

use core::hint::spin_loop;
use core::sync::atomic::{AtomicUsize, Ordering};

const WRITER: usize = 1;
const WRITER_WAITING: usize = 2;
const READER: usize = 4;

/// Takes the mutex `word`, spinning until it is free.
pub fn lock(word: &AtomicUsize) {
    while word
        .compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed)
        .is_err()
    {
        while word.load(Ordering::Relaxed) != 0 {
            spin_loop();
        }
    }
}

/// Releases the mutex `word`.
pub fn unlock(word: &AtomicUsize) {
    word.store(0, Ordering::Release);
}

/// Takes `word` for reading once no writer holds or waits for it.
pub fn read_lock(word: &AtomicUsize) {
    loop {
        let value = word.load(Ordering::Relaxed);
        if value & (WRITER | WRITER_WAITING) != 0 {
            spin_loop();
        } else if word
            .compare_exchange_weak(value, value + READER, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
    }
}

/// Releases one reader's hold on `word`.
pub fn read_unlock(word: &AtomicUsize) {
    word.fetch_sub(READER, Ordering::Release);
}

/// Takes `word` for writing once no reader or writer holds it.
pub fn write_lock(word: &AtomicUsize) {
    loop {
        let value = word.load(Ordering::Relaxed);
        if value & !WRITER_WAITING == 0 {
            // Taking it clears the waiting flag; other waiting writers
            // set it again on their next look.
            if word
                .compare_exchange_weak(value, WRITER, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        } else {
            if value & WRITER_WAITING == 0 {
                word.fetch_or(WRITER_WAITING, Ordering::Relaxed);
            }
            spin_loop();
        }
    }
}

/// Releases the writer's hold on `word`.
pub fn write_unlock(word: &AtomicUsize) {
    word.fetch_and(!WRITER, Ordering::Release);
}

/// The word behind one of Wasmtime's lock pointers (`None` for NULL).
///
/// # Safety
/// `ptr` is NULL or points to a live, `usize`-aligned word that, while
/// the returned reference is used, is accessed only atomically.
unsafe fn word<'a>(ptr: *mut usize) -> Option<&'a AtomicUsize> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: guaranteed by the caller; `AtomicUsize` has the size and
    // alignment of `usize` on x86_64.
    Some(unsafe { AtomicUsize::from_ptr(ptr) })
}

/// Defines one of Wasmtime's lock hooks over one of the functions above.
macro_rules! hook {
    ($(#[$doc:meta])* $name:ident => $body:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// `lock` is NULL (ignored) or points to a live, `usize`-aligned
        /// word used only through these hooks, as Wasmtime's lock storage.
        // SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(lock: *mut usize) {
            // SAFETY: the caller's contract above is `word`'s.
            if let Some(word) = unsafe { word(lock) } {
                let body: fn(&AtomicUsize) = $body;
                body(word);
            }
        }
    };
}

hook!(/// Wasmtime's mutex acquire: [`lock`].
    wasmtime_sync_lock_acquire => lock);
hook!(/// Wasmtime's mutex release: [`unlock`].
    wasmtime_sync_lock_release => unlock);
hook!(/// Wasmtime's mutex free: nothing to free.
    wasmtime_sync_lock_free => |_| {});
hook!(/// Wasmtime's read acquire: [`read_lock`].
    wasmtime_sync_rwlock_read => read_lock);
hook!(/// Wasmtime's read release: [`read_unlock`].
    wasmtime_sync_rwlock_read_release => read_unlock);
hook!(/// Wasmtime's write acquire: [`write_lock`].
    wasmtime_sync_rwlock_write => write_lock);
hook!(/// Wasmtime's write release: [`write_unlock`].
    wasmtime_sync_rwlock_write_release => write_unlock);
hook!(/// Wasmtime's read-write lock free: nothing to free.
    wasmtime_sync_rwlock_free => |_| {});
