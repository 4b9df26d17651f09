//! Physical memory management: a bitmap frame allocator and the planning
//! helper that places its bitmap before any allocator exists.
//!
//! The crate owns no memory: the kernel hands it the bitmap storage, so the
//! same code runs in the kernel and in host tests.
#![no_std]

mod error;
mod frames;
mod place;

pub use error::Error;
pub use frames::{FRAME_SIZE, FrameAllocator};
pub use place::place_bitmap;
