//! Rust SDK for AIOS agents.
