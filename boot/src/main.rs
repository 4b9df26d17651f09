//! boot
fn main() {}
