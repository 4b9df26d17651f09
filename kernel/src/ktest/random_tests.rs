//! Tests of the kernel's random numbers: the global DRBG and the hardware
//! source under it.

use super::{ensure, ktests};
use crate::random;
use aios_drbg::{HealthTests, RESEED_INTERVAL, STARTUP_WORDS};
use aios_hal::entropy::{self, Source};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

ktests!(
    seeded_from_the_hardware,
    hardware_source_passes_the_health_tests,
    successive_fills_differ,
    a_large_fill_is_uniform,
    the_reseed_counter_reseeds,
);

fn seeded_from_the_hardware() -> Result<(), String> {
    // Every test boot uses `-cpu max`, which has RDRAND (QEMU 7.2's TCG
    // has no RDSEED): the generator must not be on jitter here.
    let status = random::status();
    ensure!(status.drbg.seeded, "not seeded: {}", status);
    let best = entropy::best_hardware().ok_or("the CPU has neither RDSEED nor RDRAND")?;
    ensure!(
        status.source == Some(best),
        "seeded from {:?}, the best hardware source is {:?}",
        status.source,
        best
    );
    ensure!(!status.is_weak(), "weak: {}", status);
    Ok(())
}

fn hardware_source_passes_the_health_tests() -> Result<(), String> {
    for source in [Source::Rdseed, Source::Rdrand] {
        if !source.available() {
            ensure!(
                entropy::sample(source).is_none(),
                "{} is absent but gave a sample",
                source.name()
            );
            continue;
        }
        let mut tests = HealthTests::new();
        for index in 0..4 * STARTUP_WORDS {
            let word = entropy::sample(source)
                .ok_or_else(|| alloc::format!("{} gave no sample", source.name()))?;
            tests
                .check(word)
                .map_err(|e| alloc::format!("{} word {}: {}", source.name(), index, e))?;
        }
        ensure!(
            tests.startup_remaining() == 0,
            "{}: start-up run not complete",
            source.name()
        );
    }
    Ok(())
}

fn successive_fills_differ() -> Result<(), String> {
    let mut seen: Vec<[u8; 16]> = Vec::new();
    for _ in 0..64 {
        let mut out = [0u8; 16];
        random::fill(&mut out).map_err(|e| alloc::format!("fill: {}", e))?;
        ensure!(
            !seen.contains(&out),
            "a 128-bit output repeated: {:02x?}",
            out
        );
        seen.push(out);
    }
    Ok(())
}

fn a_large_fill_is_uniform() -> Result<(), String> {
    // 1 MiB: sixteen 64 KiB requests. Each byte value is expected 4096
    // times (standard deviation 64); allow 10 deviations.
    let mut big = vec![0u8; 1 << 20];
    random::fill(&mut big).map_err(|e| alloc::format!("fill: {}", e))?;
    let mut counts = [0u32; 256];
    for byte in &big {
        counts[usize::from(*byte)] += 1;
    }
    for (value, count) in counts.iter().enumerate() {
        ensure!(
            (3456..=4736).contains(count),
            "byte {:#04x} occurs {} times in 1 MiB",
            value,
            count
        );
    }
    Ok(())
}

fn the_reseed_counter_reseeds() -> Result<(), String> {
    let before = random::status().drbg;
    for _ in 0..=RESEED_INTERVAL {
        random::fill(&mut [0u8; 1]).map_err(|e| alloc::format!("fill: {}", e))?;
    }
    let after = random::status().drbg;
    ensure!(
        after.reseeds > before.reseeds,
        "no reseed in {} requests ({:?} -> {:?})",
        RESEED_INTERVAL + 1,
        before,
        after
    );
    ensure!(
        after.health_failures == before.health_failures
            && after.source_unavailable == before.source_unavailable,
        "the source failed while reseeding: {:?}",
        after
    );
    Ok(())
}
