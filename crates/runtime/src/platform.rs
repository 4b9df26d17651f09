//! What the runtime needs from the machine it runs on.

use aios_abi::payload::SystemInfo;

/// Services the kernel (or a test) provides to the runtime.
pub trait Platform: Send + Sync + 'static {
    /// Nanoseconds since boot, monotonic across CPUs.
    fn now_ns(&self) -> u64;
    /// Writes one log line on behalf of agent `agent` (`name`) at `level`.
    fn log(&self, agent: u64, name: &str, level: i32, text: &str);
    /// Writes bytes to the console.
    fn console_write(&self, bytes: &[u8]);
    /// Reads whatever console input is waiting, without blocking.
    fn console_read(&self, buf: &mut [u8]) -> usize;
    /// Facts about the system for `system_info`.
    fn system_info(&self) -> SystemInfo;
    /// Switches the machine off; returns only if that failed.
    fn power_off(&self) -> aios_abi::Error;
    /// New work was queued: wake CPUs that are halted.
    fn kick(&self);
    /// An agent queued something the network service sends (a reply for
    /// the API, a message for another node): have it look now rather than
    /// at its next timer.
    fn outbound(&self);
    /// 32 bytes of entropy for the node's audit-signing key.
    fn random_seed(&self) -> [u8; 32];
    /// Fills `out` from the kernel's random bit generator (for API token
    /// secrets); an error if it has no random numbers to give.
    fn random(&self, out: &mut [u8]) -> Result<(), aios_abi::Error>;
    /// The hour of the UTC day (0..=23), for policy time conditions.
    fn hour_utc(&self) -> u8;
}
