//! The memory fabric: versioned semantic memory with an HNSW vector index
#![no_std]
