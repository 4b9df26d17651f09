//! Portable scheduler core: per-CPU run queues, work stealing, fair share.
#![no_std]
