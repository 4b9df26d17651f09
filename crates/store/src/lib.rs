//! The semantic object store: journaled copy-on-write tree, namespaces, snapshots
#![no_std]
