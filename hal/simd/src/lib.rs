//! x86_64 AVX2/FMA micro-kernels for the ML engine and the vector index.
//! Part of the hardware layer (the only place besides `boot` allowed
//! `unsafe`), split out of `hal` so that it also builds and is tested on
//! the host.
//!
//! The kernels are `asm!` blocks whose operands are fixed general-purpose
//! registers (pointers and counts) and which use `ymm` registers inside,
//! declared clobbered through `clobber_abi("C")`; no vector register class is
//! named, so they build both for the host and for the soft-float kernel target. [`Avx2`] is a token that exists only once the probe has
//! said AVX2, FMA and the OS's AVX state are all present: its methods are the
//! safe wrappers, and they check slice lengths before running any asm.
#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

#[cfg(target_arch = "x86_64")]
mod activation;
#[cfg(target_arch = "x86_64")]
mod asm;
#[cfg(target_arch = "x86_64")]
mod asm_pair;
#[cfg(target_arch = "x86_64")]
mod attention;
#[cfg(target_arch = "x86_64")]
mod crc;
#[cfg(target_arch = "x86_64")]
mod prefetch;
#[cfg(target_arch = "x86_64")]
mod probe;
#[cfg(target_arch = "x86_64")]
mod quant;
#[cfg(target_arch = "x86_64")]
mod quant_rows;
#[cfg(target_arch = "x86_64")]
mod quantize;
#[cfg(target_arch = "x86_64")]
mod similarity;
#[cfg(target_arch = "x86_64")]
mod token;
#[cfg(not(target_arch = "x86_64"))]
mod unsupported;

#[cfg(target_arch = "x86_64")]
pub use attention::SumOrder;
#[cfg(target_arch = "x86_64")]
pub use crc::Sse42;
#[cfg(target_arch = "x86_64")]
pub use prefetch::prefetch;
#[cfg(target_arch = "x86_64")]
pub use probe::avx2_fma_available;
#[cfg(target_arch = "x86_64")]
pub use token::Avx2;
#[cfg(not(target_arch = "x86_64"))]
pub use unsupported::{Avx2, Sse42, SumOrder, avx2_fma_available, prefetch};
