//! The interface handle: serialises the stack's use of a driver, counts
//! frames, and routes the device's interrupt to the driver and then to
//! the kernel's notify function.

use super::driver::Driver;
use super::{MAX_FRAME, NetError, NicStats};
use crate::irqlock::IrqMutex;
use crate::pci::PciDevice;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use spin::{Mutex, Once};

/// Which driver runs an interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NicKind {
    /// virtio-net (modern PCI transport).
    Virtio,
    /// Intel 82574L (QEMU's `e1000e`).
    E1000e,
}

impl NicKind {
    /// The driver's short name.
    pub fn label(self) -> &'static str {
        match self {
            NicKind::Virtio => "virtio-net",
            NicKind::E1000e => "e1000e",
        }
    }
}

pub(crate) struct Shared {
    name: String,
    kind: NicKind,
    driver: Box<dyn Driver>,
    /// Kept so the device stays described next to its driver.
    _pci: PciDevice,
    irq_cpu: Option<usize>,
    /// Serialise transmits and receives (separately: a transmit may run
    /// inside a receive's consumer); the interrupt path takes neither.
    tx_queue: Mutex<()>,
    rx_queue: Mutex<()>,
    tx_frames: AtomicU64,
    tx_bytes: AtomicU64,
    rx_frames: AtomicU64,
    rx_bytes: AtomicU64,
    tx_busy: AtomicU64,
    interrupts: AtomicU64,
}

/// A network interface: a cheap handle, usable from any CPU.
#[derive(Clone)]
pub struct Nic {
    shared: Arc<Shared>,
}

static NOTIFY: Once<fn()> = Once::new();
static ROUTES: IrqMutex<Vec<(u8, Arc<Shared>)>> = IrqMutex::new(Vec::new());

/// Sets the function every network interrupt calls after the driver has
/// taken it (once; later calls are ignored). It runs in interrupt context:
/// it must not allocate or take a lock that code with interrupts on holds.
pub fn set_notify(notify: fn()) {
    NOTIFY.call_once(|| notify);
}

impl Shared {
    fn on_interrupt(&self) {
        self.interrupts.fetch_add(1, Ordering::Relaxed);
        self.driver.quiet_rx();
        self.driver.poll();
        if let Some(notify) = NOTIFY.get() {
            notify();
        }
    }
}

/// Sends `vector`'s interrupts to `nic` (and installs the handler). As for
/// the disks, the push allocates under the lock: only the probing CPU,
/// the one the vectors go to, ever takes it.
fn route(vector: u8, nic: Arc<Shared>) {
    ROUTES.lock().push((vector, nic));
    crate::interrupts::set_handler(vector, on_interrupt);
}

fn on_interrupt(frame: &crate::interrupts::InterruptFrame) {
    let routes = ROUTES.lock();
    for (_, nic) in routes.iter().filter(|(v, _)| u64::from(*v) == frame.vector) {
        nic.on_interrupt();
    }
}

impl Nic {
    pub(crate) fn new(
        name: String,
        kind: NicKind,
        driver: Box<dyn Driver>,
        pci: PciDevice,
        interrupt: Option<(u8, usize)>,
    ) -> Nic {
        let shared = Arc::new(Shared {
            name,
            kind,
            driver,
            _pci: pci,
            irq_cpu: interrupt.map(|(_, cpu)| cpu),
            tx_queue: Mutex::new(()),
            rx_queue: Mutex::new(()),
            tx_frames: AtomicU64::new(0),
            tx_bytes: AtomicU64::new(0),
            rx_frames: AtomicU64::new(0),
            rx_bytes: AtomicU64::new(0),
            tx_busy: AtomicU64::new(0),
            interrupts: AtomicU64::new(0),
        });
        if let Some((vector, _)) = interrupt {
            route(vector, shared.clone());
        }
        Nic { shared }
    }

    /// "virtio-net 00:03.0" and the like.
    pub fn name(&self) -> &str {
        &self.shared.name
    }

    /// The driver behind the interface.
    pub fn kind(&self) -> NicKind {
        self.shared.kind
    }

    /// The station (MAC) address.
    pub fn mac(&self) -> [u8; 6] {
        self.shared.driver.mac()
    }

    /// True while the link is up.
    pub fn link_up(&self) -> bool {
        self.shared.driver.link_up()
    }

    /// True if received frames arrive by interrupt (else the stack polls).
    pub fn has_interrupt(&self) -> bool {
        self.shared.irq_cpu.is_some()
    }

    /// True if a frame could be transmitted now (reclaims finished
    /// transmissions first if none is free).
    pub fn tx_ready(&self) -> bool {
        let _queue = self.shared.tx_queue.lock();
        let driver = &self.shared.driver;
        if driver.tx_ready() {
            return true;
        }
        driver.poll();
        driver.tx_ready()
    }

    /// Sends a frame of `len` bytes that `fill` writes in place.
    pub fn transmit<R>(
        &self,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> R,
    ) -> Result<R, NetError> {
        if len == 0 || len > MAX_FRAME {
            return Err(NetError::BadLength);
        }
        let _queue = self.shared.tx_queue.lock();
        let mut fill = Some(fill);
        let mut result = None;
        let mut once = |buf: &mut [u8]| {
            if let Some(fill) = fill.take() {
                result = Some(fill(buf));
            }
        };
        match self.shared.driver.transmit(len, &mut once) {
            Ok(()) => {}
            Err(NetError::Busy) => {
                self.shared.tx_busy.fetch_add(1, Ordering::Relaxed);
                return Err(NetError::Busy);
            }
            Err(e) => return Err(e),
        }
        self.shared.tx_frames.fetch_add(1, Ordering::Relaxed);
        self.shared
            .tx_bytes
            .fetch_add(len as u64, Ordering::Relaxed);
        result.ok_or(NetError::Device("driver did not offer a buffer"))
    }

    /// True if a received frame is waiting.
    pub fn rx_ready(&self) -> bool {
        let _queue = self.shared.rx_queue.lock();
        self.shared.driver.rx_ready()
    }

    /// Hands the next received frame to `consume`; `None` if none waits.
    /// `consume` may transmit on this interface.
    pub fn receive<R>(&self, consume: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let _queue = self.shared.rx_queue.lock();
        let mut consume = Some(consume);
        let mut result = None;
        let mut once = |frame: &[u8]| {
            if let Some(consume) = consume.take() {
                result = Some(consume(frame));
            }
        };
        let len = self.shared.driver.receive(&mut once)?;
        self.shared.rx_frames.fetch_add(1, Ordering::Relaxed);
        self.shared
            .rx_bytes
            .fetch_add(len as u64, Ordering::Relaxed);
        result
    }

    /// Reclaims finished transmissions and checks for received frames
    /// without waiting for an interrupt; true if frames are waiting.
    pub fn poll(&self) -> bool {
        self.shared.driver.poll()
    }

    /// The interface's counters.
    pub fn stats(&self) -> NicStats {
        let s = &self.shared;
        NicStats {
            tx_frames: s.tx_frames.load(Ordering::Relaxed),
            tx_bytes: s.tx_bytes.load(Ordering::Relaxed),
            rx_frames: s.rx_frames.load(Ordering::Relaxed),
            rx_bytes: s.rx_bytes.load(Ordering::Relaxed),
            rx_dropped: s.driver.dropped(),
            tx_busy: s.tx_busy.load(Ordering::Relaxed),
            interrupts: s.interrupts.load(Ordering::Relaxed),
        }
    }
}
