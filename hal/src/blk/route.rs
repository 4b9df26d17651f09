//! Routes device interrupt vectors to the disks that use them (AHCI
//! ports share their controller's vector).

use super::disk::Shared;
use crate::interrupts::InterruptFrame;
use crate::irqlock::IrqMutex;
use alloc::sync::Arc;
use alloc::vec::Vec;

static ROUTES: IrqMutex<Vec<(u8, Arc<Shared>)>> = IrqMutex::new(Vec::new());

/// Sends `vector`'s interrupts to `disk` (and installs the handler).
/// The push allocates under the lock, which `IrqMutex` otherwise rules
/// out: here it is safe, as only the probing CPU, the one the vectors are
/// sent to, ever takes this lock.
pub(crate) fn add(vector: u8, disk: Arc<Shared>) {
    ROUTES.lock().push((vector, disk));
    crate::interrupts::set_handler(vector, on_interrupt);
}

/// The handler: no allocation here (the interrupted code may hold the
/// heap lock); routes are only added at probe time.
fn on_interrupt(frame: &InterruptFrame) {
    let routes = ROUTES.lock();
    for (_, disk) in routes.iter().filter(|(v, _)| u64::from(*v) == frame.vector) {
        disk.on_interrupt();
    }
}
