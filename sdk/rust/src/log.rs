//! Logging to the kernel log: [`log`] and the `error!`, `warn!`, `info!`
//! and `debug!` macros.

use aios_abi::log_level;

/// Severity of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something failed.
    Error,
    /// Something is wrong but the agent carries on.
    Warn,
    /// Normal progress.
    Info,
    /// Detail for debugging.
    Debug,
}

impl Level {
    /// The level code the `log` syscall takes.
    pub fn code(self) -> i32 {
        match self {
            Level::Error => log_level::ERROR,
            Level::Warn => log_level::WARN,
            Level::Info => log_level::INFO,
            Level::Debug => log_level::DEBUG,
        }
    }
}

/// Writes one line to the kernel log, tagged by the kernel with this
/// agent's id and name.
#[cfg(target_arch = "wasm32")]
pub fn log(level: Level, line: &str) -> Result<(), aios_abi::Error> {
    // SAFETY: `line` is a live, initialised buffer of `line.len()` bytes for
    // the whole call; the kernel only reads it.
    let ret = unsafe { crate::sys::log(level.code(), line.as_ptr(), line.len()) };
    crate::status::check(ret).map(drop)
}

/// Formats and logs a line at the given [`Level`]. A failure to log is
/// ignored: there is nowhere else to report it.
#[macro_export]
macro_rules! log_at {
    ($level:expr, $($arg:tt)*) => {
        { $crate::log($level, &::std::format!($($arg)*)).ok(); }
    };
}

/// Logs a formatted line at error level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log_at!($crate::Level::Error, $($arg)*) };
}

/// Logs a formatted line at warning level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log_at!($crate::Level::Warn, $($arg)*) };
}

/// Logs a formatted line at info level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log_at!($crate::Level::Info, $($arg)*) };
}

/// Logs a formatted line at debug level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log_at!($crate::Level::Debug, $($arg)*) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_map_to_the_abi_codes() {
        assert_eq!(Level::Error.code(), 1);
        assert_eq!(Level::Warn.code(), 2);
        assert_eq!(Level::Info.code(), 3);
        assert_eq!(Level::Debug.code(), 4);
        assert!(Level::Error < Level::Debug);
    }
}
