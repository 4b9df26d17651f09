//! The operation names a rule may name exactly: the ABI's syscalls, the
//! node API's operations, and messages between nodes.

use aios_abi::{API_OPERATIONS, CLUSTER_OPERATIONS, RESERVED, SYSCALLS};

/// Whether `name` is a syscall of the ABI, defined now or reserved for a
/// later subsystem. Rejecting other exact names turns a typo such as
/// `agent_spwn` into a compile error instead of a rule that never applies.
pub(crate) fn is_known(name: &str) -> bool {
    SYSCALLS.iter().any(|syscall| syscall.name == name)
        || RESERVED.contains(&name)
        || API_OPERATIONS.contains(&name)
        || CLUSTER_OPERATIONS.contains(&name)
}

/// Every name [`is_known`] accepts.
pub fn known_operations() -> impl Iterator<Item = &'static str> {
    SYSCALLS
        .iter()
        .map(|syscall| syscall.name)
        .chain(RESERVED.iter().copied())
        .chain(API_OPERATIONS.iter().copied())
        .chain(CLUSTER_OPERATIONS.iter().copied())
}
