//! Tests of the rest of Wasmtime's platform layer (`hal::wasm`): its
//! per-CPU thread-local slots and its locks, each half run on two CPUs.

use super::remote::{Outcome, other_online_cpu};
use super::{ensure, ktests};
use aios_hal::wasm::{sync, tls};
use alloc::string::String;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

ktests!(
    tls_slots_are_per_cpu,
    lock_excludes_across_cpus,
    rwlock_excludes_across_cpus,
);

/// What the other CPU's half found.
static REMOTE: Outcome = Outcome::new();

/// Stand-ins for Wasmtime's pointers: compared, never dereferenced.
const MINE: [usize; 2] = [0x1000, 0x2000];
const THEIRS: usize = 0x3000;

fn slot(n: usize) -> usize {
    tls::get(n) as usize
}

/// The other CPU's half: its slots are its own (Wasmtime may have left its
/// "initialised" mark in them if agents ran there, so they are kept and
/// put back, not assumed NULL).
fn remote_tls() {
    let saved = [tls::get(0), tls::get(1)];
    let result = (|| {
        ensure!(
            slot(0) != MINE[0] && slot(1) != MINE[1],
            "another CPU's slots show through"
        );
        tls::set(0, THEIRS as *mut u8);
        ensure!(
            aios_hal::wasm::tls::wasmtime_tls_get(0) as usize == THEIRS,
            "the hook does not see the slot"
        );
        Ok(())
    })();
    for (n, value) in saved.into_iter().enumerate() {
        tls::set(n, value);
    }
    REMOTE.report(result);
}

fn tls_slots_are_per_cpu() -> Result<(), String> {
    let saved = [tls::get(0), tls::get(1)];
    for (n, &value) in MINE.iter().enumerate() {
        tls::wasmtime_tls_set(n, value as *mut u8);
    }
    ensure!(slot(0) == MINE[0] && slot(1) == MINE[1], "slots not kept");
    ensure!(tls::get(tls::SLOTS).is_null(), "slot out of range not NULL");
    tls::set(tls::SLOTS, THEIRS as *mut u8);
    if let Some(other) = other_online_cpu() {
        REMOTE.start(other, remote_tls)?;
        REMOTE.wait(other, 10, core::hint::spin_loop)?;
    }
    let kept = slot(0) == MINE[0] && slot(1) == MINE[1];
    for (n, value) in saved.into_iter().enumerate() {
        tls::set(n, value);
    }
    ensure!(kept, "another CPU's slot or slot out of range changed mine");
    Ok(())
}

const ROUNDS: u64 = 100_000;
static LOCK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicU64 = AtomicU64::new(0);

/// Loses updates unless the increments exclude each other: a load and a
/// store with a pause between, not one atomic add.
fn racy_increment(counter: &AtomicU64) {
    let value = counter.load(Ordering::Relaxed);
    for _ in 0..4 {
        core::hint::spin_loop();
    }
    counter.store(value + 1, Ordering::Relaxed);
}

fn count_under_lock() {
    for _ in 0..ROUNDS {
        sync::lock(&LOCK);
        racy_increment(&COUNT);
        sync::unlock(&LOCK);
    }
}

fn lock_excludes_across_cpus() -> Result<(), String> {
    COUNT.store(0, Ordering::Relaxed);
    let other = other_online_cpu();
    if let Some(cpu) = other {
        REMOTE.start(cpu, || {
            count_under_lock();
            REMOTE.report(Ok(()));
        })?;
    }
    count_under_lock();
    if let Some(cpu) = other {
        REMOTE.wait(cpu, 60, core::hint::spin_loop)?;
    }
    let expected = ROUNDS * if other.is_some() { 2 } else { 1 };
    let count = COUNT.load(Ordering::Relaxed);
    ensure!(
        count == expected,
        "{count} increments of {expected} counted"
    );
    ensure!(LOCK.load(Ordering::Relaxed) == 0, "lock left held");
    Ok(())
}

static RWLOCK: AtomicUsize = AtomicUsize::new(0);
static FIRST: AtomicU64 = AtomicU64::new(0);
static SECOND: AtomicU64 = AtomicU64::new(0);
static TORN: AtomicU64 = AtomicU64::new(0);

/// One writer round in eight bumps both counters; readers must always
/// see them equal.
fn read_and_write() {
    for round in 0..ROUNDS {
        if round % 8 == 0 {
            sync::write_lock(&RWLOCK);
            racy_increment(&FIRST);
            racy_increment(&SECOND);
            sync::write_unlock(&RWLOCK);
        } else {
            sync::read_lock(&RWLOCK);
            if FIRST.load(Ordering::Relaxed) != SECOND.load(Ordering::Relaxed) {
                TORN.fetch_add(1, Ordering::Relaxed);
            }
            sync::read_unlock(&RWLOCK);
        }
    }
}

fn rwlock_excludes_across_cpus() -> Result<(), String> {
    for counter in [&FIRST, &SECOND, &TORN] {
        counter.store(0, Ordering::Relaxed);
    }
    // Readers do not exclude each other (this would spin forever).
    sync::read_lock(&RWLOCK);
    sync::read_lock(&RWLOCK);
    sync::read_unlock(&RWLOCK);
    sync::read_unlock(&RWLOCK);
    let other = other_online_cpu();
    if let Some(cpu) = other {
        REMOTE.start(cpu, || {
            read_and_write();
            REMOTE.report(Ok(()));
        })?;
    }
    read_and_write();
    if let Some(cpu) = other {
        REMOTE.wait(cpu, 60, core::hint::spin_loop)?;
    }
    let expected = ROUNDS / 8 * if other.is_some() { 2 } else { 1 };
    let (first, second) = (
        FIRST.load(Ordering::Relaxed),
        SECOND.load(Ordering::Relaxed),
    );
    ensure!(
        first == expected && second == expected,
        "writes counted {first} and {second} of {expected}"
    );
    let torn = TORN.load(Ordering::Relaxed);
    ensure!(torn == 0, "readers saw a write half done {torn} times");
    ensure!(RWLOCK.load(Ordering::Relaxed) == 0, "rwlock left held");
    Ok(())
}
