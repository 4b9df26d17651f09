//! How consoles show agents and capabilities: the kernel's fallback
//! console and the console agent print the same lines (tests parse them).

use crate::payload::{AgentInfo, CapInfo, ImageInfo, rights};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The header line of the agent table.
pub fn agent_table_header() -> String {
    format!(
        "{:>5} {:<14} {:<8} {:>6} {:>9} {:>8} {:>4}  {}",
        "ID", "NAME", "STATE", "CPU%", "MEM KiB", "RESTARTS", "CPU", "DETAIL"
    )
}

/// One row of the agent table.
pub fn agent_table_row(a: &AgentInfo) -> String {
    let detail = match (a.exit_code, &a.reason) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(reason)) => reason.clone(),
        (None, None) => String::new(),
    };
    format!(
        "{:>5} {:<14} {:<8} {:>3}.{} {:>9} {:>8} {:>4}  {}",
        a.id,
        a.name,
        a.state.name(),
        a.cpu_permille / 10,
        a.cpu_permille % 10,
        u64::from(a.memory_pages) * 64,
        a.restarts,
        a.last_cpu.map_or(String::from("-"), |c| format!("{c}")),
        detail
    )
}

/// One line for a capability: handle, kind, resource, rights, quota.
pub fn cap_line(cap: &CapInfo) -> String {
    let names: Vec<&str> = rights::names(cap.rights).collect();
    format!(
        "{:#010x} {:<14} {:<12} rights {}{}",
        cap.handle,
        format!("{:?}", cap.kind),
        cap.resource,
        names.join(","),
        cap.quota.map_or(String::new(), |q| format!(" quota {q}"))
    )
}

/// One line for an image: `<name> ready` or `<name> refused: <why>`,
/// with `(deployed)` after the state of one deployed at run time.
pub fn image_line(image: &ImageInfo) -> String {
    let source = if image.deployed { " (deployed)" } else { "" };
    match &image.refused {
        None => format!("{:<14} ready{source}", image.name),
        Some(reason) => format!("{:<14} refused{source}: {reason}", image.name),
    }
}
