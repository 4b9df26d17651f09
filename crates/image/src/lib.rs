//! Signed agent images and the boot manifest.
#![no_std]
