//! JSON to CBOR and back (being written).
#![no_std]
