//! The agent manifest: who the agent is, who published it, and what it asks for.

use alloc::string::String;
use alloc::vec::Vec;

use aios_abi::payload::CapKind;
use minicbor::{Decode, Encode};

use crate::Error;

/// The signed description of an agent, carried in its image as a CBOR map
/// with numbered fields (new fields can be added without breaking old readers).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Manifest {
    /// Image name: 1..=32 characters of `[a-z0-9-]`.
    #[n(0)]
    pub name: String,
    /// Version, e.g. `0.1.0`.
    #[n(1)]
    pub version: String,
    /// The publisher's encoded ML-DSA-65 public key (1952 bytes); the image
    /// signature must verify with it.
    #[cbor(n(2), with = "minicbor::bytes")]
    pub publisher: Vec<u8>,
    /// Capabilities the agent asks to be given when it starts.
    #[n(3)]
    pub capabilities: Vec<CapRequest>,
    /// Resource limits.
    #[n(4)]
    pub quotas: Quotas,
    /// Intents the agent serves.
    #[n(5)]
    pub intents: Vec<Intent>,
    /// What the supervisor does when the agent stops.
    #[n(6)]
    pub restart: RestartPolicy,
    /// Names of the agents that must be started before this one.
    #[n(7)]
    pub depends_on: Vec<String>,
    /// Labels policies can select the agent by (`system`, `demo`): each
    /// 1..=32 characters of `[a-z0-9-]`.
    #[n(8)]
    pub labels: Vec<String>,
}

/// One capability the agent requests.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct CapRequest {
    /// Kind of capability.
    #[n(0)]
    pub kind: CapKind,
    /// What it designates (intent pattern, namespace, ...); may be empty.
    #[n(1)]
    pub resource: String,
    /// Rights bits ([`aios_abi::payload::rights`]).
    #[n(2)]
    pub rights: u32,
    /// Quota, for kinds that have one (e.g. how many agents a spawn budget allows).
    #[n(3)]
    pub quota: Option<u64>,
}

/// Resource limits of an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Quotas {
    /// Most linear memory, in 64 KiB Wasm pages.
    #[n(0)]
    pub memory_pages: u32,
    /// CPU share: fuel (Wasm instructions, roughly) per second.
    #[n(1)]
    pub fuel_per_second: u64,
    /// Most messages sent per second.
    #[n(2)]
    pub messages_per_second: u32,
    /// Most bytes held in the object store.
    #[n(3)]
    pub storage_bytes: u64,
    /// Most bytes per second moved to and from the store (`None`:
    /// unlimited): the I/O scheduler's quota.
    #[n(4)]
    pub io_bytes_per_second: Option<u64>,
    /// Most network endpoints open at once (`None`: the kernel's default,
    /// 16).
    #[n(5)]
    pub net_endpoints: Option<u32>,
    /// Most bytes per second sent and received on the network (`None`:
    /// unlimited).
    #[n(6)]
    pub net_bytes_per_second: Option<u64>,
}

/// An intent the agent serves.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Intent {
    /// Dotted name, e.g. `demo.echo`.
    #[n(0)]
    pub name: String,
    /// What it does, in words (used to route natural-language requests).
    #[n(1)]
    pub description: String,
    /// Schema of request bodies, in the schema language of `docs/ipc.md`.
    #[n(2)]
    pub input: String,
    /// Schema of reply bodies.
    #[n(3)]
    pub output: String,
}

/// When the supervisor restarts a stopped agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum RestartMode {
    /// Never restart.
    #[n(0)]
    Never,
    /// Restart after a trap or a non-zero exit code.
    #[n(1)]
    OnFailure,
    /// Restart whenever it stops, except when killed.
    #[n(2)]
    Always,
}

/// Restart policy: exponential backoff and a circuit breaker that stops
/// restarting after `max_restarts` within `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct RestartPolicy {
    /// When to restart.
    #[n(0)]
    pub mode: RestartMode,
    /// Restarts allowed within `window_ms` before the breaker opens.
    #[n(1)]
    pub max_restarts: u32,
    /// Delay before the first restart.
    #[n(2)]
    pub backoff_initial_ms: u64,
    /// Ceiling of the doubling delay.
    #[n(3)]
    pub backoff_max_ms: u64,
    /// Window over which restarts are counted.
    #[n(4)]
    pub window_ms: u64,
}

impl Manifest {
    /// The manifest's CBOR encoding, as stored in an image.
    pub fn encode(&self) -> Vec<u8> {
        // Encoding into a Vec cannot fail: the writer is infallible.
        minicbor::to_vec(self).unwrap_or_default()
    }

    /// Decodes a manifest that fills `bytes` exactly (no validation: see
    /// [`Manifest::validate`]).
    pub fn decode(bytes: &[u8]) -> Result<Manifest, Error> {
        decode_exact(bytes).ok_or(Error::MalformedManifest)
    }
}

/// Decodes one CBOR value of type `T` that must fill `bytes` exactly.
pub(crate) fn decode_exact<'b, T: Decode<'b, ()>>(bytes: &'b [u8]) -> Option<T> {
    let mut decoder = minicbor::Decoder::new(bytes);
    let value = decoder.decode().ok()?;
    (decoder.position() == bytes.len()).then_some(value)
}
