//! Network glue: probes the PCI network controllers once at boot, runs the
//! network service (`aios-net`) on the first interface, and polls it from
//! every CPU's main loop when its interrupt or its timer says so.

use aios_hal::net::Nic;
use aios_net::{Config, Link, LinkStats, Net};
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use spin::Once;

mod tls;
pub use tls::{attach as attach_tls, crypto as tls_crypto, handshake_cost, wall_clock};

static NICS: Once<Vec<Nic>> = Once::new();
static SERVICE: Once<Arc<Net>> = Once::new();
/// Set by the interface's interrupt: frames arrived or left.
static PENDING: AtomicBool = AtomicBool::new(false);
/// Polled interfaces: when the next look is due (ns since boot).
static LOOK_NS: AtomicU64 = AtomicU64::new(0);
/// One CPU polls at a time; the others go on with their agents.
static POLLING: AtomicBool = AtomicBool::new(false);
/// Polled interfaces (no interrupt) are looked at this often.
const POLL_INTERVAL_NS: u64 = 1_000_000;
/// While the API has clients, the service is looked at this often
/// whatever the interface says: what streams to them (events, an answer's
/// tokens) comes from the kernel, not from the wire. (Agents' replies wake
/// it at once: [`wake`].)
const SERVICE_INTERVAL_NS: u64 = 2_000_000;
/// While the cluster is on, or the API keeps a connection idle between
/// requests, the service is looked at this often for their timers (the
/// links' pings every second, a silent link dead after three, redials; an
/// idle connection's timeout): what agents send to other nodes wakes it at
/// once ([`wake`]), and frames from the wire come with interrupts.
const TIMER_INTERVAL_NS: u64 = 100_000_000;

/// Probes every supported network interface (once) and logs what was
/// found.
pub fn init() {
    NICS.call_once(|| {
        let windows = crate::blk::ecam_windows();
        if windows.is_empty() {
            return Vec::new();
        }
        aios_hal::net::probe(&windows)
    });
    for nic in nics() {
        crate::info!(
            "net: {}, mac {}, link {}{}",
            nic.name(),
            Mac(nic.mac()),
            if nic.link_up() { "up" } else { "down" },
            if nic.has_interrupt() { "" } else { " (polled)" }
        );
    }
}

/// The interfaces found at boot (empty before `init`).
pub fn nics() -> &'static [Nic] {
    NICS.get().map_or(&[], Vec::as_slice)
}

/// Starts the network service on the first interface, addressed as the
/// command line says (`net.ip=dhcp|ADDR/PREFIX[,GATEWAY]`, `net.dns=`);
/// returns it, or `None` without an interface or with bad settings.
pub fn start(cmdline: &crate::cmdline::Cmdline) -> Option<Arc<Net>> {
    let nic = nics().first()?.clone();
    // The stack's seed picks TCP initial sequence numbers, ephemeral ports
    // and DHCP transaction ids: predictable ones invite spoofing.
    let mut seed = [0u8; 8];
    if let Err(e) = crate::random::fill(&mut seed) {
        crate::error!("net: no random numbers ({}); the network stays off", e);
        return None;
    }
    let config = match Config::parse(
        cmdline.value("net.ip"),
        cmdline.value("net.dns"),
        u64::from_le_bytes(seed),
    ) {
        Ok(config) => config,
        Err(e) => {
            crate::error!("net: {}; the network stays off", e);
            return None;
        }
    };
    let name = nic.name().into();
    // Before the first frame goes out: its answer may interrupt at once.
    aios_hal::net::set_notify(on_interrupt);
    let link = NicLink { nic, name };
    let net = match Net::new(Box::new(link), config, aios_hal::clock::now_ns()) {
        Ok(net) => Arc::new(net),
        Err(e) => {
            crate::error!("net: {}; the network stays off", e);
            return None;
        }
    };
    Some(SERVICE.call_once(|| net).clone())
}

/// The interface's interrupt: note that the stack has work, and end the
/// running agent slices so a CPU gets to it soon (one atomic add).
fn on_interrupt() {
    PENDING.store(true, Ordering::Release);
    if let Some(runtime) = crate::agents::runtime() {
        runtime.tick();
    }
}

/// Something for the network service to send was queued by an agent (a
/// reply for the API, a message for another node): the service looks at
/// once, as after an interrupt, rather than at its next timer.
pub fn wake() {
    on_interrupt();
    aios_hal::smp::wake_others();
}

/// Polls the stack if its interrupt or its timer asks; true if it did.
pub fn step() -> bool {
    let Some(net) = SERVICE.get() else {
        return false;
    };
    let now = aios_hal::clock::now_ns();
    // The service's own due time counts polls that requests made (a
    // connect, a send, a ping poll the stack and may set its timers).
    let polled = nics().first().is_some_and(|nic| !nic.has_interrupt());
    let timed =
        polled || crate::api::activity() != crate::api::Activity::None || crate::cluster::active();
    let due = if timed {
        net.due_ns().min(LOOK_NS.load(Ordering::Acquire))
    } else {
        net.due_ns()
    };
    if !PENDING.load(Ordering::Acquire) && now < due {
        return false;
    }
    if POLLING.swap(true, Ordering::Acquire) {
        return false;
    }
    PENDING.store(false, Ordering::Release);
    net.poll(now);
    // A poll that left frames waiting (the interface's receive interrupts
    // stay off until the stack finds none) has another come at once.
    if nics().first().is_some_and(Nic::rx_ready) {
        PENDING.store(true, Ordering::Release);
    }
    LOOK_NS.store(now + POLL_INTERVAL_NS, Ordering::Release);
    POLLING.store(false, Ordering::Release);
    if let Some(runtime) = crate::agents::runtime() {
        runtime.network_moved();
    }
    crate::api::step(net, now);
    crate::cluster::step(net, now);
    // After the API's step: a client it just took counts.
    let interval = if polled {
        POLL_INTERVAL_NS
    } else if crate::api::activity() == crate::api::Activity::Busy {
        SERVICE_INTERVAL_NS
    } else {
        TIMER_INTERVAL_NS
    };
    LOOK_NS.store(now + interval, Ordering::Release);
    if let Some(lease) = net.lease_change() {
        match lease {
            Some(lease) => crate::info!(
                "net: dhcp lease {} from {}{}",
                lease.address,
                lease.server,
                lease
                    .router
                    .map_or(alloc::string::String::new(), |r| alloc::format!(
                        ", router {}",
                        r
                    ))
            ),
            None => crate::warn!("net: dhcp lease lost"),
        }
    }
    true
}

/// An interface as the network service's link.
struct NicLink {
    nic: Nic,
    name: alloc::string::String,
}

impl Link for NicLink {
    fn name(&self) -> &str {
        &self.name
    }
    fn mac(&self) -> [u8; 6] {
        self.nic.mac()
    }
    fn link_up(&self) -> bool {
        self.nic.link_up()
    }
    fn rx_ready(&self) -> bool {
        self.nic.rx_ready()
    }
    fn receive(&self, consume: &mut dyn FnMut(&[u8])) -> bool {
        self.nic.receive(consume).is_some()
    }
    fn tx_ready(&self) -> bool {
        self.nic.tx_ready()
    }
    fn transmit(&self, len: usize, fill: &mut dyn FnMut(&mut [u8])) -> bool {
        self.nic.transmit(len, fill).is_ok()
    }
    fn stats(&self) -> LinkStats {
        let s = self.nic.stats();
        LinkStats {
            tx_frames: s.tx_frames,
            tx_bytes: s.tx_bytes,
            rx_frames: s.rx_frames,
            rx_bytes: s.rx_bytes,
            rx_dropped: s.rx_dropped,
            tx_busy: s.tx_busy,
            interrupts: s.interrupts,
        }
    }
}

/// A MAC address as colon-separated hex.
pub struct Mac(pub [u8; 6]);

impl core::fmt::Display for Mac {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}
