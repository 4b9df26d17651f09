//! Example agent: grows its memory a page at a time until the kernel
//! refuses at its quota, logs the refusal and exits 0.

use aios_sdk::{Error, Level};
use std::fmt::Write;

fn main() -> i32 {
    // Reserve the log line before memory runs out: once the quota is
    // reached, the allocator cannot grow the heap any more.
    let mut line = String::with_capacity(128);
    let refusal = loop {
        if let Err(error) = aios_sdk::mem_alloc(1) {
            break error;
        }
    };
    let pages = aios_sdk::memory_pages();
    if write!(line, "memhog: refused at {pages} pages ({refusal})").is_err() {
        return 1;
    }
    let level = if refusal == Error::QuotaExceeded {
        Level::Info
    } else {
        Level::Error
    };
    if aios_sdk::log(level, &line).is_err() {
        return 1;
    }
    i32::from(refusal != Error::QuotaExceeded)
}

aios_sdk::entry!(main);
