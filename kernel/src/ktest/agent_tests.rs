//! Tests of agents in the running kernel: they run on every CPU, quotas
//! hold, and spawning and killing leaks nothing.

use super::{ensure, ktests};
use aios_abi::payload::AgentState;
use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;

ktests!(
    agents_run_on_every_cpu,
    memhog_is_refused_at_its_quota_and_others_run,
    spawning_and_killing_1000_agents_keeps_the_heap_flat,
);

pub(super) fn runtime() -> Result<&'static aios_runtime::Runtime, String> {
    crate::agents::runtime().ok_or_else(|| String::from("no agent runtime"))
}

/// Runs agent slices on this CPU (the others run theirs) until `done` or
/// `ms` milliseconds pass; true if `done` held.
pub(super) fn drive(ms: u64, mut done: impl FnMut() -> bool) -> bool {
    let deadline = aios_hal::clock::now_ns() + ms * 1_000_000;
    while aios_hal::clock::now_ns() < deadline {
        if done() {
            return true;
        }
        if !crate::agents::step(0) {
            aios_hal::percpu::idle();
        }
    }
    done()
}

fn agents_run_on_every_cpu() -> Result<(), String> {
    let rt = runtime()?;
    let cpus = aios_hal::percpu::online_count();
    let mut ids = Vec::new();
    for _ in 0..cpus * 2 {
        ids.push(
            rt.spawn("spinner", None)
                .map_err(|e| alloc::format!("{e}"))?,
        );
    }
    let mut seen = BTreeSet::new();
    let all_seen = drive(5_000, || {
        for id in &ids {
            if let Some(cpu) = rt.info(*id).and_then(|i| i.last_cpu) {
                seen.insert(cpu);
            }
        }
        seen.len() == cpus
    });
    for id in &ids {
        rt.kill(*id);
    }
    drive(2_000, || {
        ids.iter()
            .all(|id| rt.info(*id).is_none_or(|i| i.state.is_final()))
    });
    ensure!(all_seen, "agents ran on CPUs {:?} of {}", seen, cpus);
    Ok(())
}

fn memhog_is_refused_at_its_quota_and_others_run() -> Result<(), String> {
    let rt = runtime()?;
    let hog = rt
        .spawn("memhog", None)
        .map_err(|e| alloc::format!("{e}"))?;
    let finished = drive(10_000, || rt.info(hog).is_some_and(|i| i.state.is_final()));
    ensure!(finished, "memhog did not finish");
    let info = rt.info(hog).ok_or("memhog record gone")?;
    ensure!(
        info.state == AgentState::Exited && info.exit_code == Some(0),
        "memhog ended {:?} {:?} {:?}",
        info.state,
        info.exit_code,
        info.reason
    );
    ensure!(
        info.memory_pages == 64,
        "memhog holds {} pages, quota is 64",
        info.memory_pages
    );
    let hello = rt.spawn("hello", None).map_err(|e| alloc::format!("{e}"))?;
    let ok = drive(10_000, || {
        rt.info(hello)
            .is_some_and(|i| i.state == AgentState::Exited)
    });
    ensure!(ok, "hello did not run to completion after memhog");
    Ok(())
}

fn spawning_and_killing_1000_agents_keeps_the_heap_flat() -> Result<(), String> {
    let rt = runtime()?;
    let cycle = || -> Result<(), String> {
        let id = rt
            .spawn("spinner", None)
            .map_err(|e| alloc::format!("{e}"))?;
        rt.kill(id);
        if !drive(1_000, || rt.info(id).is_none_or(|i| i.state.is_final())) {
            return Err(alloc::format!("agent {id} did not stop"));
        }
        Ok(())
    };
    // Warm up: the finished-agent history, the allocator's free lists and
    // the audit log (two records a cycle, kept up to its bound) fill.
    let mut warm = 0;
    let mut audit_len = 0;
    while warm < 100 || rt.audit_len() != audit_len {
        audit_len = rt.audit_len();
        cycle()?;
        warm += 1;
        ensure!(warm < 5_000, "the audit log does not reach its bound");
    }
    // Other CPUs work meanwhile (audit checkpoints are signed on idle
    // CPUs, with transient allocations), so one reading of the heap may
    // catch some of that: each figure is the least of 50 readings, one
    // after each cycle. A leak raises every reading.
    let least_over_50 = || -> Result<u64, String> {
        let mut least = u64::MAX;
        for _ in 0..50 {
            cycle()?;
            least = least.min(aios_hal::heap::stats().used);
        }
        Ok(least)
    };
    // A leak grows the heap in every stretch of cycles; a table that
    // doubles once (or an allocation another CPU held at every reading of
    // one stretch) grows it in one. So the heap is read three times, 500
    // cycles apart: it must not have grown in both stretches (by more than
    // 0.5% of the heap each: 1,000 cycles of a 10-byte leak), nor by more
    // than 2% in all.
    let caps_before = rt.capability_count();
    let before = least_over_50()?;
    for _ in 0..450 {
        cycle()?;
    }
    let middle = least_over_50()?;
    for _ in 0..450 {
        cycle()?;
    }
    let after = least_over_50()?;
    ensure!(rt.capability_count() == caps_before, "capabilities leaked");
    let first = middle.saturating_sub(before);
    let second = after.saturating_sub(middle);
    ensure!(
        first.min(second) * 200 <= before && after.saturating_sub(before) * 50 <= before,
        "heap use grew from {} to {} then {} bytes over 1,000 spawns and kills: \
         by more than 0.5% in both halves, or 2% in all",
        before,
        middle,
        after
    );
    Ok(())
}
