//! TLS for agents' streams and the node's API: the crypto provider
//! drawing on the kernel's DRBG, the wall clock from the RTC, and the
//! roots of the bundle's trust store, handed to the runtime once at boot.

use aios_runtime::{Runtime, TRUST_STORE};
use aios_tls::{Clock, Crypto, Random, RandomUnavailable};
use alloc::sync::Arc;
use spin::Once;

/// Random bytes for key shares, encapsulations and hello randoms: the
/// kernel's DRBG, never raw hardware words.
struct KernelRandom;

impl Random for KernelRandom {
    fn fill(&self, destination: &mut [u8]) -> Result<(), RandomUnavailable> {
        crate::random::fill(destination).map_err(|_| RandomUnavailable)
    }
}

static RANDOM: KernelRandom = KernelRandom;
/// The kernel's one TLS crypto provider.
static CRYPTO: Crypto = Crypto::new(&RANDOM);
static CLOCK: Once<Arc<WallClock>> = Once::new();

/// The kernel's TLS crypto provider.
pub fn crypto() -> &'static Crypto {
    &CRYPTO
}

/// The wall clock certificates are checked against.
pub fn wall_clock() -> Arc<dyn Clock> {
    CLOCK
        .call_once(|| {
            let clock = WallClock {
                at_unix: aios_hal::rtc::unix_seconds(),
                at_ns: aios_hal::clock::now_ns(),
            };
            if clock.at_unix.is_none() {
                crate::warn!("tls: the RTC holds no date; certificates cannot be checked");
            }
            Arc::new(clock)
        })
        .clone()
}

/// The wall clock: the RTC read once (port I/O is slow under emulation),
/// then advanced by the monotonic clock.
struct WallClock {
    at_unix: Option<u64>,
    at_ns: u64,
}

impl Clock for WallClock {
    fn unix_seconds(&self) -> Option<u64> {
        let elapsed = aios_hal::clock::now_ns().saturating_sub(self.at_ns) / 1_000_000_000;
        self.at_unix.map(|at| at + elapsed)
    }
}

/// Gives the runtime what agents' TLS streams need, and logs how many
/// roots they trust or why they cannot use TLS.
pub fn attach(runtime: &Runtime, bundle: &[u8]) {
    let trust = aios_bundle::Bundle::parse(bundle)
        .ok()
        .and_then(|b| b.get(TRUST_STORE));
    match runtime.attach_tls(&CRYPTO, wall_clock(), trust) {
        Ok(roots) => crate::info!("tls: agents' streams trust {} roots", roots),
        Err(why) => crate::warn!("tls: agents cannot use TLS: {}", why),
    }
}
