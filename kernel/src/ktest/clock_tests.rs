//! Tests of the calibrated monotonic clock.

use super::{ensure, ktests};
use alloc::string::String;
use core::sync::atomic::Ordering;

ktests!(
    clock_is_monotonic,
    calibration_agrees_with_the_timer,
    dates_count_days_from_the_epoch,
    the_rtc_knows_the_date,
);

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

fn dates_count_days_from_the_epoch() -> Result<(), String> {
    use aios_hal::rtc::days_from_civil;
    for (date, days) in [
        ((1970, 1, 1), Some(0)),
        ((2000, 3, 1), Some(11_017)),
        ((2024, 1, 1), Some(19_723)),
        ((2024, 2, 29), Some(19_782)),
        ((2026, 12, 7), Some(20_794)),
        ((2023, 2, 29), None),
        ((2100, 2, 29), None),
        ((1969, 12, 31), None),
        ((2024, 0, 1), None),
        ((2024, 13, 1), None),
        ((2024, 1, 0), None),
    ] {
        let got = days_from_civil(date.0, date.1, date.2);
        ensure!(got == days, "{:?}: {:?}, not {:?}", date, got, days);
    }
    Ok(())
}

/// QEMU's RTC starts at the host's time, or at the `-rtc base=` date the
/// benchmarks give (2024-01-01): either way after 2024 began.
fn the_rtc_knows_the_date() -> Result<(), String> {
    const START_OF_2024: u64 = 1_704_067_200;
    let now = aios_hal::rtc::unix_seconds();
    ensure!(
        now.is_some_and(|t| (START_OF_2024..START_OF_2024 * 2).contains(&t)),
        "the RTC says {:?}",
        now
    );
    Ok(())
}
