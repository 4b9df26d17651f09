//! Host tool: creates, inspects, checks and exports AIOS data images.
//!
//! [`FileDevice`] makes an image file a [`aios_store::BlockDevice`] (xtask
//! uses it to format `target/aios/data.img`); [`run`] is the `aios-store`
//! command line.

mod cli;
mod commands;
mod export;
mod file_device;
mod json;

pub use cli::{USAGE, run};
pub use file_device::FileDevice;
