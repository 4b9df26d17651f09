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

/// The cost of full TLS handshakes in the kernel, client and server
/// apart, for each key exchange: the node's certificate from the bundle
/// (`tls/node.pem`), verified against its trust store, both sessions in
/// memory so that only TLS is counted. Returns (group, client ns, server
/// ns) per handshake, the mean of `rounds`; under `-icount shift=0` a
/// nanosecond is one guest instruction.
pub fn handshake_cost(
    bundle: &[u8],
    rounds: u64,
) -> Result<alloc::vec::Vec<(&'static str, u64, u64)>, alloc::string::String> {
    use aios_tls::{
        CertificateChain, ClientConfig, KeyExchange, Policy, PrivateKey, ServerConfig, Session,
        TrustStore,
    };
    use alloc::format;
    let bundle = aios_bundle::Bundle::parse(bundle).map_err(|e| format!("bundle: {e}"))?;
    let entry = |name: &str| {
        bundle
            .get(name)
            .ok_or_else(|| format!("the bundle has no {name}"))
    };
    let roots =
        TrustStore::from_pem(entry(TRUST_STORE)?).map_err(|e| format!("{TRUST_STORE}: {e}"))?;
    let chain =
        CertificateChain::from_pem(entry("tls/node.pem")?).map_err(|e| format!("node.pem: {e}"))?;
    let key = PrivateKey::from_pem(entry("tls/node.key")?).map_err(|e| format!("node.key: {e}"))?;
    let server = ServerConfig::new(&CRYPTO, wall_clock(), chain, key, &Policy::default())
        .map_err(|e| format!("server: {e}"))?;
    let mut out = alloc::vec::Vec::new();
    for (name, key_exchange) in [
        ("x25519mlkem768", KeyExchange::HybridPreferred),
        ("x25519", KeyExchange::ClassicalOnly),
    ] {
        let policy = Policy {
            key_exchange,
            ..Policy::default()
        };
        let client = ClientConfig::new(&CRYPTO, wall_clock(), &roots, &policy)
            .map_err(|e| format!("client: {e}"))?;
        let (mut client_ns, mut server_ns) = (0u64, 0u64);
        for _ in 0..rounds {
            let start = aios_hal::clock::now_ns();
            let mut c =
                Session::client(&client, "localhost").map_err(|e| format!("client: {e}"))?;
            client_ns += aios_hal::clock::now_ns() - start;
            let start = aios_hal::clock::now_ns();
            let mut s = Session::server(&server).map_err(|e| format!("server: {e}"))?;
            server_ns += aios_hal::clock::now_ns() - start;
            for _ in 0..8 {
                let to_server = c.take_outgoing();
                let to_client = {
                    let start = aios_hal::clock::now_ns();
                    if !to_server.is_empty() {
                        s.receive(&to_server).map_err(|e| format!("server: {e}"))?;
                    }
                    let out = s.take_outgoing();
                    server_ns += aios_hal::clock::now_ns() - start;
                    out
                };
                let start = aios_hal::clock::now_ns();
                if !to_client.is_empty() {
                    c.receive(&to_client).map_err(|e| format!("client: {e}"))?;
                }
                client_ns += aios_hal::clock::now_ns() - start;
                if to_server.is_empty() && to_client.is_empty() {
                    break;
                }
            }
            if c.is_handshaking() || s.is_handshaking() {
                return Err(format!("{name}: the handshake did not finish"));
            }
            let expected = match key_exchange {
                KeyExchange::ClassicalOnly => "X25519",
                _ => "X25519MLKEM768",
            };
            if c.negotiated_group().map(|g| g.name()) != Some(expected) {
                return Err(format!("{name}: negotiated {:?}", c.negotiated_group()));
            }
        }
        out.push((name, client_ns / rounds.max(1), server_ns / rounds.max(1)));
    }
    Ok(out)
}
