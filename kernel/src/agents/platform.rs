//! The runtime's view of the machine: clock, serial console, log, system
//! facts and power, provided by `hal` and the kernel.

use aios_abi::payload::SystemInfo;
use aios_runtime::Platform;

/// The RTC's seconds since midnight and the monotonic time it was read.
static WALL_CLOCK: spin::Once<(u32, u64)> = spin::Once::new();

/// The kernel's [`Platform`].
pub struct KernelPlatform;

impl Platform for KernelPlatform {
    fn now_ns(&self) -> u64 {
        aios_hal::clock::now_ns()
    }

    fn log(&self, agent: u64, name: &str, level: i32, text: &str) {
        let level = match level {
            aios_abi::log_level::ERROR => crate::log::Level::Error,
            aios_abi::log_level::WARN => crate::log::Level::Warn,
            aios_abi::log_level::DEBUG => crate::log::Level::Debug,
            _ => crate::log::Level::Info,
        };
        crate::log::write(level, format_args!("agent {agent} {name}: {text}"));
    }

    fn console_write(&self, bytes: &[u8]) {
        aios_hal::serial::write_bytes(bytes);
    }

    fn console_read(&self, buf: &mut [u8]) -> usize {
        let mut n = 0;
        while n < buf.len() {
            match aios_hal::serial::try_read() {
                Some(byte) => {
                    buf[n] = byte;
                    n += 1;
                }
                None => break,
            }
        }
        n
    }

    fn system_info(&self) -> SystemInfo {
        crate::system::snapshot()
    }

    fn power_off(&self) -> aios_abi::Error {
        let _why = crate::power::power_off();
        aios_abi::Error::NotSupported
    }

    fn kick(&self) {
        aios_hal::smp::wake_others();
    }

    fn outbound(&self) {
        crate::net::wake();
    }

    fn random_seed(&self) -> [u8; 32] {
        let mut seed = [0u8; 32];
        match crate::random::fill(&mut seed) {
            Ok(()) if crate::random::status().is_weak() => crate::log::write(
                crate::log::Level::Warn,
                format_args!("audit: the node key comes from the weak (TSC jitter) generator"),
            ),
            Ok(()) => {}
            // The runtime cannot run without a key; an all-zero seed is
            // at least plainly not secret, and said so.
            Err(e) => crate::log::write(
                crate::log::Level::Error,
                format_args!("audit: no random numbers ({e}); the node key is not secret"),
            ),
        }
        seed
    }

    fn random(&self, out: &mut [u8]) -> Result<(), aios_abi::Error> {
        crate::random::fill(out).map_err(|_| aios_abi::Error::Unavailable)
    }

    fn hour_utc(&self) -> u8 {
        // The RTC is read once (port I/O is slow under emulation); the time
        // of day then advances with the monotonic clock.
        let (at_seconds, at_ns) =
            *WALL_CLOCK.call_once(|| (aios_hal::rtc::seconds_of_day(), aios_hal::clock::now_ns()));
        let elapsed = aios_hal::clock::now_ns().saturating_sub(at_ns) / 1_000_000_000;
        ((u64::from(at_seconds) + elapsed) / 3600 % 24) as u8
    }
}
