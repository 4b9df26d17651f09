//! The I/O scheduler: fair queueing between agents with per-agent quotas
#![no_std]
