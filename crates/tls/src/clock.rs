//! Time comes from the caller: certificates are checked against its clock.

use alloc::sync::Arc;
use core::fmt;
use core::time::Duration;

use rustls::pki_types::UnixTime;
use rustls::time_provider::TimeProvider;

/// The wall clock, supplied by the caller (the kernel's RTC-backed clock, a
/// test's fixed date). Certificate validity periods are checked against it.
pub trait Clock: Send + Sync {
    /// Seconds since 1970-01-01T00:00:00Z, or `None` if the time is not known
    /// yet (then certificate checks, and so handshakes, fail).
    fn unix_seconds(&self) -> Option<u64>;
}

/// The caller's clock seen through rustls' `TimeProvider`.
pub(crate) struct ClockSource(pub(crate) Arc<dyn Clock>);

impl TimeProvider for ClockSource {
    fn current_time(&self) -> Option<UnixTime> {
        self.0
            .unix_seconds()
            .map(|seconds| UnixTime::since_unix_epoch(Duration::from_secs(seconds)))
    }
}

impl fmt::Debug for ClockSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("ClockSource")
    }
}
