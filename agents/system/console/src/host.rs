//! What the console needs from the system, as a trait: the SDK's syscalls
//! on wasm32, a scripted fake in host tests.

use crate::Error;
use aios_abi::payload::{
    AgentInfo, AuditRecords, AuditVerdict, CapInfo, ImageInfo, InferToken, IpcStats, NetInfo,
    PingReply, SnapshotEntry, StoreObjectInfo, SystemInfo, TokenInfo, TokenMinted, TraceList,
};
use aios_events::Event;
use aios_ipc::Message;

/// The syscalls the console uses, each already bound to the capability it
/// needs. Methods needing a capability the console lacks return
/// [`Error::MissingCapability`].
pub trait Host {
    /// Writes bytes to the serial console. A failed write cannot be
    /// reported anywhere, so it is dropped.
    fn write(&mut self, bytes: &[u8]);

    /// Reads the waiting console bytes into `out`, waiting up to
    /// `timeout_ns` for the first; returns how many were read.
    /// `Syscall(TimedOut)` means no input yet.
    fn read(&mut self, out: &mut [u8], timeout_ns: u64) -> Result<usize, Error>;

    /// Nanoseconds since boot.
    fn clock_ns(&mut self) -> u64;

    /// Parks the console for `ns` nanoseconds.
    fn sleep_ns(&mut self, ns: u64);

    /// Facts about the machine and its boot.
    fn system_info(&mut self) -> Result<SystemInfo, Error>;

    /// Every agent the kernel tracks.
    fn agent_list(&mut self) -> Result<Vec<AgentInfo>, Error>;

    /// The bundle's agent images.
    fn image_list(&mut self) -> Result<Vec<ImageInfo>, Error>;

    /// Starts image `name`; returns the new agent's id.
    fn spawn(&mut self, name: &str) -> Result<u64, Error>;

    /// Stops agent `id`.
    fn kill(&mut self, id: u64) -> Result<(), Error>;

    /// The capabilities agent `id` holds.
    fn caps(&mut self, id: u64) -> Result<Vec<CapInfo>, Error>;

    /// The node's network interface, addresses, routes and counters.
    fn net_info(&mut self) -> Result<NetInfo, Error>;

    /// One ICMP echo to `host`, waiting up to `timeout_ns` for the reply.
    fn ping(&mut self, host: &str, timeout_ns: u64) -> Result<PingReply, Error>;

    /// Switches the machine off; returns only with the reason it could not.
    fn poweroff(&mut self) -> Error;

    /// Mints API token `name` with `scopes`; the reply holds its secret,
    /// which nothing shows again. A refusal is [`Error::TokenRefused`]
    /// with the kernel's reason.
    fn token_new(&mut self, name: &str, scopes: &[String]) -> Result<TokenMinted, Error>;

    /// The API tokens: names, scopes and origin, never secrets.
    fn token_list(&mut self) -> Result<Vec<TokenInfo>, Error>;

    /// Revokes the minted API token `name`; a refusal is
    /// [`Error::TokenRefused`] with the kernel's reason.
    fn token_revoke(&mut self, name: &str) -> Result<(), Error>;

    /// Sends `body` (CBOR) to whichever agent serves `intent` and waits up
    /// to `timeout_ns` for the reply.
    fn request(&mut self, intent: &str, body: Vec<u8>, timeout_ns: u64) -> Result<Message, Error>;

    /// Sends a request addressed by meaning (`text`) and waits up to
    /// `timeout_ns` for its reply.
    fn request_text(
        &mut self,
        text: &str,
        body: Vec<u8>,
        timeout_ns: u64,
    ) -> Result<Message, Error>;

    /// Installs `text` as the policy in force; a text that does not
    /// compile is [`Error::PolicyRefused`] with the compiler's message.
    fn policy_set(&mut self, text: &str) -> Result<(), Error>;

    /// The last `n` audit records, oldest first.
    fn audit_tail(&mut self, n: u32) -> Result<AuditRecords, Error>;

    /// Checks the audit chain and its signed checkpoints.
    fn audit_verify(&mut self) -> Result<AuditVerdict, Error>;

    /// The audit log in the export format `tools/audit-tool` reads.
    fn audit_export(&mut self) -> Result<Vec<u8>, Error>;

    /// The messages of the conversation that message `id` belongs to.
    fn ipc_trace(&mut self, id: u64) -> Result<TraceList, Error>;

    /// Messaging totals and the round-trip latency histogram.
    fn ipc_stats(&mut self) -> Result<IpcStats, Error>;

    /// Subscribes to every event category the console's event-topic
    /// capability opens; returns the subscription number.
    fn event_subscribe(&mut self) -> Result<u32, Error>;

    /// Takes the next queued event of subscription `sub` without waiting;
    /// `Syscall(WouldBlock)` when none is queued.
    fn event_next(&mut self, sub: u32) -> Result<Event, Error>;

    /// The objects of namespace `ns`, in key order.
    fn store_list(&mut self, ns: &str) -> Result<Vec<StoreObjectInfo>, Error>;

    /// Stores `value` as `text/plain` under `key` in `ns`; durable on `Ok`.
    fn store_put(&mut self, ns: &str, key: &str, value: &[u8]) -> Result<(), Error>;

    /// Reads the object `key` of `ns`.
    fn store_get(&mut self, ns: &str, key: &str) -> Result<(StoreObjectInfo, Vec<u8>), Error>;

    /// Deletes the object `key` of `ns`.
    fn store_delete(&mut self, ns: &str, key: &str) -> Result<(), Error>;

    /// Takes the snapshot `name` of `ns` (`*`: the volume).
    fn store_snapshot(&mut self, ns: &str, name: &str) -> Result<(), Error>;

    /// The snapshots of `ns`.
    fn store_snapshots(&mut self, ns: &str) -> Result<Vec<SnapshotEntry>, Error>;

    /// Rolls `ns` (`*`: the volume) back to the snapshot `name`.
    fn store_rollback(&mut self, ns: &str, name: &str) -> Result<(), Error>;

    /// The kernel embedding model's vector for `text`.
    fn embed(&mut self, text: &str) -> Result<Vec<f32>, Error>;

    /// Keeps `text` (embedded by the kernel) in the console's memory
    /// region; returns its key.
    fn remember(&mut self, text: &str) -> Result<String, Error>;

    /// The remembered texts closest in meaning to `query`, best first,
    /// with their similarity in thousandths.
    fn recall(&mut self, query: &str) -> Result<Vec<(i32, String)>, Error>;

    /// Asks the kernel's language model `prompt` (one user message); the
    /// answer comes through [`Host::ask_next`].
    fn ask(&mut self, prompt: &str) -> Result<(), Error>;

    /// The next piece of the answer being written, waiting for it; the
    /// last one has `finish` set.
    fn ask_next(&mut self) -> Result<InferToken, Error>;
}
