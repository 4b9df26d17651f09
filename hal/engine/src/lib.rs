//! The agent engine as AIOS configures it. Agents are WebAssembly modules
//! compiled ahead of time on the host with Cranelift and run in the kernel
//! by Wasmtime's no_std runtime; both sides build their engine here, from
//! one [`Settings`] value, so an artifact the host compiles is exactly what
//! the kernel can load.
//!
//! Part of the hardware layer: the engine's CPU-feature promises and
//! loading native code are `unsafe` in Wasmtime's API, and this crate is
//! where they are kept, each with the invariant that makes it sound.
//! [`load`] takes only a [`VerifiedImage`](aios_image::VerifiedImage), so
//! bytes that were not signed, or were compiled for another engine, never
//! reach `Module::deserialize`.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

extern crate alloc;

#[cfg(feature = "compiler")]
mod compile;
mod cpu;
mod error;
mod identity;
mod load;
mod settings;

#[cfg(feature = "compiler")]
pub use compile::Compiler;
pub use error::Error;
pub use identity::Identity;
pub use load::load;
pub use settings::{SETTINGS, Settings, Target};
pub use wasmtime;

/// The engine agents run on, for the platform this crate is built for.
pub fn runtime_engine() -> Result<wasmtime::Engine, Error> {
    let config = settings::runtime_config(&SETTINGS, Target::RUNNING)?;
    wasmtime::Engine::new(&config).map_err(|e| Error::Engine(alloc::format!("{e}")))
}
