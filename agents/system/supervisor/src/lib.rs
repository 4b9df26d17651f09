//! The supervisor agent, the first agent AIOS runs: it starts the boot
//! agents in dependency order, restarts those that end by their restart
//! policy with exponential backoff and a circuit breaker, and reports
//! health. See `docs/supervisor.md`.
//!
//! The policy logic is pure and host-tested; only [`syscalls`] (wasm32)
//! talks to the kernel, behind the [`kernel::Kernel`] trait.

pub mod boot;
pub mod boot_order;
pub mod breaker;
pub mod error;
pub mod kernel;
pub mod monitor;
pub mod note;
pub mod policy;
pub mod run;
#[cfg(target_arch = "wasm32")]
pub mod syscalls;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod fixtures;

pub use error::Error;

/// The entry point: runs the supervisor until the machine stops. Returns
/// only if the manifest did not grant the capabilities it needs.
#[cfg(target_arch = "wasm32")]
fn main() -> i32 {
    match syscalls::Syscalls::new() {
        Ok(mut kernel) => run::run(&mut kernel),
        Err(error) => {
            aios_sdk::error!("supervisor: cannot start: {error}");
            1
        }
    }
}

#[cfg(target_arch = "wasm32")]
aios_sdk::entry!(main);
