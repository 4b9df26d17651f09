//! The agent runtime.
#![no_std]
