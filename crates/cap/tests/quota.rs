//! Per-agent quotas: memory, storage, fuel and message rates on a test clock.

use aios_cap::{CapError, QuotaState, Quotas};

const SECOND: u64 = 1_000_000_000;

fn state() -> QuotaState {
    QuotaState::new(Quotas {
        memory_pages: 16,
        fuel_per_second: 1_000_000,
        messages_per_second: 5,
        storage_bytes: 4096,
        net_endpoints: 16,
        net_bytes_per_second: None,
    })
}

#[test]
fn memory_and_storage_limits() {
    let mut quota = state();
    assert_eq!(quota.quotas().memory_pages, 16);
    assert_eq!(quota.try_grow_memory(10, 6), Ok(()));
    assert_eq!(quota.try_grow_memory(10, 7), Err(CapError::QuotaExceeded));
    assert_eq!(
        quota.try_grow_memory(u32::MAX, 1),
        Err(CapError::QuotaExceeded)
    );
    assert_eq!(quota.try_store(4000, 96), Ok(()));
    assert_eq!(quota.try_store(4000, 97), Err(CapError::QuotaExceeded));
    assert_eq!(quota.try_store(1, u64::MAX), Err(CapError::QuotaExceeded));
}

#[test]
fn fuel_allowance_refills_at_the_configured_rate() {
    let mut quota = state();
    assert_eq!(quota.fuel_allowance(0), 1_000_000);
    quota.charge_fuel(600_000, 0);
    assert_eq!(quota.fuel_allowance(0), 400_000);
    quota.charge_fuel(400_000, SECOND / 10);
    // 100 ms refilled 100,000 before the charge.
    assert_eq!(quota.fuel_allowance(SECOND / 10), 100_000);
    assert_eq!(quota.fuel_allowance(SECOND / 2), 500_000);
    assert_eq!(quota.fuel_allowance(5 * SECOND), 1_000_000);
}

#[test]
fn overshooting_fuel_is_repaid() {
    let mut quota = state();
    quota.charge_fuel(1_500_000, 0);
    assert_eq!(quota.fuel_allowance(0), 0);
    assert_eq!(quota.fuel_allowance(SECOND / 2), 0);
    assert_eq!(quota.fuel_allowance(SECOND), 500_000);
}

#[test]
fn message_rate_is_limited() {
    let mut quota = state();
    for _ in 0..5 {
        assert_eq!(quota.try_message(0), Ok(()));
    }
    assert_eq!(quota.try_message(0), Err(CapError::QuotaExceeded));
    assert_eq!(quota.try_message(SECOND / 10), Err(CapError::QuotaExceeded));
    assert_eq!(quota.try_message(SECOND / 5), Ok(()));
    assert_eq!(quota.try_message(SECOND / 5), Err(CapError::QuotaExceeded));
}

#[test]
fn zero_rates_allow_nothing() {
    let mut quota = QuotaState::new(Quotas {
        memory_pages: 0,
        fuel_per_second: 0,
        messages_per_second: 0,
        storage_bytes: 0,
        net_endpoints: 16,
        net_bytes_per_second: None,
    });
    assert_eq!(quota.fuel_allowance(100 * SECOND), 0);
    assert_eq!(
        quota.try_message(100 * SECOND),
        Err(CapError::QuotaExceeded)
    );
    assert_eq!(quota.try_grow_memory(0, 1), Err(CapError::QuotaExceeded));
    assert_eq!(quota.try_grow_memory(0, 0), Ok(()));
}
