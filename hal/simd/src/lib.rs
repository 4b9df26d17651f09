//! x86_64 AVX2/FMA micro-kernels for the ML engine. Part of the hardware
//! layer (the only place besides `boot` allowed `unsafe`), split out of
//! `hal` so that it also builds and is tested on the host.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
