//! Verifies an exported audit log (being written).
fn main() {}
