//! Tests of what the boot path handed over.

use super::{ensure, ktests};
use crate::cmdline::Cmdline;
use aios_bootinfo::MemoryKind;
use alloc::string::String;

ktests!(
    memory_map_is_sorted_and_disjoint,
    kernel_image_is_reserved,
    command_line_parses_flags_and_values,
    bundle_parses_when_present,
);

fn system() -> Result<&'static crate::system::System, String> {
    crate::system::get().ok_or_else(|| String::from("system facts not recorded"))
}

fn memory_map_is_sorted_and_disjoint() -> Result<(), String> {
    let map = aios_hal::memory::boot_memory_map(system()?.boot_info)
        .map_err(|e| alloc::format!("memory map unreadable: {:?}", e))?;
    ensure!(!map.is_empty(), "memory map is empty");
    for pair in map.windows(2) {
        ensure!(
            pair[0].end() <= pair[1].start,
            "regions overlap or are unsorted: {:#x}+{:#x} then {:#x}",
            pair[0].start,
            pair[0].len,
            pair[1].start
        );
    }
    ensure!(
        map.iter().all(|r| r.start % 4096 == 0 && r.len % 4096 == 0),
        "a region is not page aligned"
    );
    ensure!(
        map.iter().any(|r| r.kind() == MemoryKind::Usable),
        "no usable memory"
    );
    Ok(())
}

fn kernel_image_is_reserved() -> Result<(), String> {
    let info = system()?.boot_info;
    let map = aios_hal::memory::boot_memory_map(info).map_err(|e| alloc::format!("{:?}", e))?;
    let image = info.kernel_image;
    let covered = map.iter().any(|r| {
        r.kind() == MemoryKind::Kernel
            && r.start <= image.phys
            && image.phys + image.count <= r.end()
    });
    ensure!(
        covered,
        "kernel image {:#x}+{:#x} not in a Kernel region",
        image.phys,
        image.count
    );
    let text_phys = aios_hal::paging::translate(kernel_image_is_reserved as *const () as u64);
    ensure!(
        text_phys.is_some_and(|p| p >= image.phys && p < image.phys + image.count),
        "kernel code translates to {:?}, outside the image",
        text_phys
    );
    Ok(())
}

fn command_line_parses_flags_and_values() -> Result<(), String> {
    let cmdline =
        Cmdline::new(b"ktest loglevel=debug x=1 x=2").map_err(|e| alloc::format!("{e}"))?;
    ensure!(cmdline.has_flag("ktest"), "flag not found");
    ensure!(!cmdline.has_flag("ktes"), "prefix matched as a flag");
    ensure!(
        cmdline.value("loglevel") == Some("debug"),
        "value not parsed"
    );
    ensure!(cmdline.value("x") == Some("2"), "last value should win");
    ensure!(cmdline.value("missing").is_none(), "missing key found");
    ensure!(
        Cmdline::new(&[0xFF, 0xFE]).is_err(),
        "invalid UTF-8 accepted"
    );
    Ok(())
}

fn bundle_parses_when_present() -> Result<(), String> {
    let bundle = system()?.bundle;
    if bundle.is_empty() {
        return Ok(());
    }
    let parsed = aios_bundle::Bundle::parse(bundle).map_err(|e| alloc::format!("{e}"))?;
    ensure!(parsed.get("motd").is_some(), "bundle has no motd entry");
    Ok(())
}
