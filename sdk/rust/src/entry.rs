//! The entry-point convention: `aios_sdk::entry!(main)` exports
//! `aios_main` (`aios_abi::ENTRY_POINT`), which runs `main` and returns its
//! exit code.

use aios_abi::Error;

/// What an agent's `main` may return, and the exit code it becomes.
pub trait ExitCode {
    /// The exit code: 0 for success.
    fn exit_code(self) -> i32;
}

impl ExitCode for i32 {
    fn exit_code(self) -> i32 {
        self
    }
}

impl ExitCode for () {
    fn exit_code(self) -> i32 {
        0
    }
}

/// `Ok` is 0; an error is its (negative) ABI code.
impl ExitCode for Result<(), Error> {
    fn exit_code(self) -> i32 {
        match self {
            Ok(()) => 0,
            Err(error) => error.code(),
        }
    }
}

/// Declares the agent's entry point. `main` is a `fn()` returning `i32`,
/// `()` or `Result<(), aios_abi::Error>` ([`ExitCode`]).
///
/// ```ignore
/// fn main() -> Result<(), aios_sdk::Error> {
///     aios_sdk::info!("hello from agent {}", aios_sdk::my_id()?);
///     Ok(())
/// }
/// aios_sdk::entry!(main);
/// ```
///
/// On wasm32 the expansion first installs a panic hook that logs the panic
/// message at error level, so a panicking agent says why before it traps.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        /// The agent's entry point, called once by the kernel.
        #[unsafe(no_mangle)]
        pub extern "C" fn aios_main() -> i32 {
            $crate::__start();
            $crate::ExitCode::exit_code($main())
        }
    };
}

/// Runs before `main`: sets up the panic hook. Not part of the API.
#[doc(hidden)]
pub fn __start() {
    #[cfg(target_arch = "wasm32")]
    std::panic::set_hook(std::boxed::Box::new(|info| {
        crate::log(crate::Level::Error, &std::format!("panic: {info}")).ok();
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(7.exit_code(), 7);
        assert_eq!(().exit_code(), 0);
        assert_eq!(Ok::<(), Error>(()).exit_code(), 0);
        assert_eq!(Err(Error::QuotaExceeded).exit_code(), -7);
    }

    mod agent {
        fn main() -> Result<(), aios_abi::Error> {
            Err(aios_abi::Error::NotFound)
        }
        crate::entry!(main);

        #[test]
        fn entry_exports_the_abi_entry_point() {
            assert_eq!(aios_abi::ENTRY_POINT, "aios_main");
            assert_eq!(aios_main(), aios_abi::Error::NotFound.code());
        }
    }
}
