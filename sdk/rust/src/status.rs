//! Turning raw syscall return values into `Result`s, and durations into
//! the nanosecond arguments the ABI takes.

use aios_abi::Error;
use core::time::Duration;

/// The error for a negative return value. A code this SDK does not know
/// (from a newer kernel) is reported as [`Error::InvalidArgument`], since
/// the ABI has no "unknown" variant.
pub fn error_from_code(code: i64) -> Error {
    Error::from_code(code).unwrap_or(Error::InvalidArgument)
}

/// Maps an `i32` syscall result: negative is an error, anything else the
/// value.
pub fn check(ret: i32) -> Result<u32, Error> {
    u32::try_from(ret).map_err(|_| error_from_code(i64::from(ret)))
}

/// Maps an `i64` syscall result: negative is an error, anything else the
/// value.
pub fn check_wide(ret: i64) -> Result<u64, Error> {
    u64::try_from(ret).map_err(|_| error_from_code(ret))
}

/// A duration as the `i64` nanoseconds the ABI takes, saturating at
/// `i64::MAX` (about 292 years) instead of wrapping into a negative value.
pub fn duration_to_ns(duration: Duration) -> u64 {
    let max = i64::MAX.unsigned_abs();
    u64::try_from(duration.as_nanos()).map_or(max, |ns| ns.min(max))
}

/// Clamps raw nanoseconds to what the ABI's `i64` argument can carry.
pub fn clamp_ns(ns: u64) -> u64 {
    ns.min(i64::MAX.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_results_are_errors() {
        assert_eq!(check(0), Ok(0));
        assert_eq!(check(42), Ok(42));
        assert_eq!(check(i32::MAX), Ok(0x7FFF_FFFF));
        for error in Error::ALL {
            assert_eq!(check(error.code()), Err(error));
            assert_eq!(check_wide(i64::from(error.code())), Err(error));
        }
        assert_eq!(check(-999), Err(Error::InvalidArgument));
        assert_eq!(check_wide(i64::MIN), Err(Error::InvalidArgument));
        assert_eq!(check_wide(1 << 40), Ok(1 << 40));
    }

    #[test]
    fn durations_become_non_negative_i64_nanoseconds() {
        assert_eq!(duration_to_ns(Duration::from_millis(200)), 200_000_000);
        assert_eq!(duration_to_ns(Duration::ZERO), 0);
        assert_eq!(duration_to_ns(Duration::MAX), i64::MAX as u64);
        assert_eq!(clamp_ns(u64::MAX), i64::MAX as u64);
        assert_eq!(clamp_ns(5), 5);
    }
}
