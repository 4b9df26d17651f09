//! The boot bundle archive format.
#![no_std]
