//! Tests of multiprocessor bring-up.

use super::{ensure, ktests};
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

ktests!(every_firmware_cpu_is_online, apic_ids_are_distinct);

fn every_firmware_cpu_is_online() -> Result<(), String> {
    let sys = crate::system::get().ok_or("system facts not recorded")?;
    let online = aios_hal::percpu::online_count();
    ensure!(
        online == sys.cpus_present,
        "{} CPUs online, firmware lists {}",
        online,
        sys.cpus_present
    );
    Ok(())
}

fn apic_ids_are_distinct() -> Result<(), String> {
    let mut ids: Vec<u32> = aios_hal::percpu::all()
        .iter()
        .filter(|c| c.online.load(Ordering::Acquire))
        .map(|c| c.apic_id.load(Ordering::Relaxed))
        .collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    ensure!(ids.len() == n, "two online CPUs share an APIC ID");
    Ok(())
}
