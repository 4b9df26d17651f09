//! Tests of the calibrated monotonic clock.

use super::{ensure, ktests};
use alloc::string::String;
use core::sync::atomic::Ordering;

ktests!(clock_is_monotonic, calibration_agrees_with_the_timer);

fn clock_is_monotonic() -> Result<(), String> {
    let mut last = aios_hal::clock::now_ns();
    for _ in 0..10_000 {
        let now = aios_hal::clock::now_ns();
        ensure!(now >= last, "clock went back from {} to {}", last, now);
        last = now;
    }
    Ok(())
}

fn calibration_agrees_with_the_timer() -> Result<(), String> {
    let hz = aios_hal::clock::tsc_hz();
    ensure!(
        (50_000_000..20_000_000_000).contains(&hz),
        "implausible TSC rate {} Hz",
        hz
    );
    // Over 200 ms of the TSC clock, the independently calibrated 100 Hz
    // APIC timer must tick about 20 times.
    let cpu = aios_hal::percpu::try_current().ok_or("no per-CPU data")?;
    let before = cpu.ticks.load(Ordering::Relaxed);
    aios_hal::clock::spin_ns(200_000_000);
    let ticks = cpu.ticks.load(Ordering::Relaxed) - before;
    ensure!(
        (10..=40).contains(&ticks),
        "{} timer ticks in 200 ms, expected about 20",
        ticks
    );
    Ok(())
}
