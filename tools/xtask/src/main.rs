//! `cargo xtask`: build, image, run, test and benchmark AIOS.
fn main() {}
