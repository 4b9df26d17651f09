//! Signed boot manifest: ML-DSA-65 signature over the kernel and boot bundle.
#![no_std]
