//! Physical frame allocator over the boot memory map.
#![no_std]
