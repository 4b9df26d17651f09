//! Persistent memory regions: written through to the store, reloaded by
//! the next runtime on the same disk (values, tags, embeddings, versions,
//! owner), refused when they cannot be honoured, and unchanged when the
//! store fails.

mod memory_script;
mod support;

use aios_abi::Error;
use aios_abi::payload::{AgentState, MemoryQueryRequest};
use aios_store::testing::{FaultyDevice, MemDevice};
use aios_store::{PutMeta, Store};
use memory_script::{
    FIRST, SECOND, Step, booted, exit_code, formatted, hit, holds, key, put, scripted, unit,
};
use support::{run, runtime};
#[test]
fn a_persistent_region_is_reloaded_by_the_next_boot_and_an_ephemeral_one_is_not() {
    let disk = formatted(MemDevice::new(4096));
    let mut scratch = put("tmp", "gone at reboot", false);
    scratch.embedding = None;
    let mut other = put("other", "far away", true);
    other.embedding = Some(unit(9));
    other.tags.clear();
    let mut leased = put("plan", "x", true);
    leased.lease_ns = Some(1_000);
    let first_boot = holds(
        scripted(
            "keeper",
            &[
                Step::Store(FIRST, put("plan", "launch at dawn", true), 1),
                Step::Store(FIRST, put("plan", "launch at noon", true), 2),
                Step::Store(FIRST, other, 1),
                Step::Store(SECOND, scratch, 1),
                // The kind is the creating store's; others must match it.
                Step::Store(
                    FIRST,
                    put("plan", "x", false),
                    Error::InvalidArgument.code().into(),
                ),
                Step::Store(
                    SECOND,
                    put("tmp", "x", true),
                    Error::InvalidArgument.code().into(),
                ),
                Step::Store(FIRST, leased, Error::InvalidArgument.code().into()),
                Step::Finds(
                    FIRST,
                    key("plan", None),
                    vec![hit("plan", "launch at noon", 2)],
                ),
            ],
        ),
        &["diary", "scratch"],
    );
    let (rt, _) = booted(&[first_boot], &disk);
    assert_eq!(exit_code(&rt, "keeper"), 0);
    drop(rt);

    // Damaged records next to the good ones: skipped, never fatal.
    let mut store = Store::mount(disk.clone()).unwrap().0;
    let meta = PutMeta {
        content_type: "application/cbor".into(),
        tags: Vec::new(),
        embedding: None,
    };
    let zeros = "0".repeat(64);
    for key in [zeros.clone(), format!("{zeros}/{zeros}")] {
        store
            .put("aios.fabric", &key, b"\xff not cbor", &meta, 0)
            .unwrap();
    }
    store.unmount().unwrap();

    let by_vector = MemoryQueryRequest {
        tags: vec!["note".into()],
        vector: Some(unit(5)),
        k: 5,
        min_score_permille: 900,
        ..MemoryQueryRequest::default()
    };
    // The stranger reads first: the region must not become its own.
    let stranger = holds(
        scripted(
            "stranger",
            &[
                Step::Finds(FIRST, by_vector, vec![hit("plan", "launch at noon", 2)]),
                Step::Fails(FIRST, key("plan", Some(1)), Error::NotFound),
                // It reads by a read-only grant: the owner is still keeper.
                Step::Store(
                    FIRST,
                    put("plan", "launch never", true),
                    Error::PermissionDenied.code().into(),
                ),
            ],
        ),
        &["diary"],
    );
    let second_boot = holds(
        scripted(
            "keeper",
            &[
                Step::Finds(
                    FIRST,
                    key("plan", None),
                    vec![hit("plan", "launch at noon", 2)],
                ),
                Step::Store(FIRST, put("plan", "launch at dusk", true), 3),
                Step::Fails(SECOND, key("tmp", None), Error::NotFound),
            ],
        ),
        &["diary", "scratch"],
    );
    let (rt, platform) = booted(&[stranger, second_boot], &disk);
    let logs = platform.logs().join("\n");
    assert!(
        logs.contains("1 persistent regions and 2 entries reloaded, 2 damaged records skipped"),
        "{logs}"
    );
    assert!(
        logs.contains("skipped: region record does not decode"),
        "{logs}"
    );
    assert!(
        logs.contains("skipped: entry record does not decode"),
        "{logs}"
    );
    assert_eq!(exit_code(&rt, "stranger"), 0);
    assert_eq!(exit_code(&rt, "keeper"), 0);
    drop(rt);

    // What the owner wrote after the reboot is kept by the next one.
    let third_boot = holds(
        scripted(
            "keeper",
            &[Step::Finds(
                FIRST,
                key("plan", None),
                vec![hit("plan", "launch at dusk", 3)],
            )],
        ),
        &["diary"],
    );
    let (rt, _) = booted(&[third_boot], &disk);
    assert_eq!(exit_code(&rt, "keeper"), 0);
}

#[test]
fn without_a_store_persistence_is_unavailable() {
    let mut leased = put("plan", "x", true);
    leased.lease_ns = Some(1_000);
    let keeper = holds(
        scripted(
            "keeper",
            &[
                Step::Store(
                    FIRST,
                    put("plan", "x", true),
                    Error::Unavailable.code().into(),
                ),
                Step::Store(FIRST, leased, Error::InvalidArgument.code().into()),
                Step::Fails(FIRST, key("plan", None), Error::NotFound),
                Step::Store(FIRST, put("plan", "for this boot", false), 1),
            ],
        ),
        &["diary"],
    );
    let (rt, _) = runtime(&[keeper], 1);
    assert_eq!(exit_code(&rt, "keeper"), 0);
}

#[test]
fn a_failed_store_write_is_the_syscalls_error_and_changes_nothing() {
    let disk = formatted(FaultyDevice::new(4096));
    let keeper = holds(
        scripted(
            "keeper",
            &[
                Step::Store(FIRST, put("plan", "launch at dawn", true), 1),
                Step::Sleep(10_000_000_000),
                Step::Store(
                    FIRST,
                    put("plan", "launch at noon", true),
                    Error::DeviceError.code().into(),
                ),
                Step::Store(
                    FIRST,
                    put("new", "x", true),
                    Error::DeviceError.code().into(),
                ),
                Step::Finds(
                    FIRST,
                    key("plan", None),
                    vec![hit("plan", "launch at dawn", 1)],
                ),
                Step::Fails(FIRST, key("new", None), Error::NotFound),
            ],
        ),
        &["diary"],
    );
    let (rt, platform) = booted(&[keeper], &disk);
    let id = rt.spawn("keeper", None).unwrap();
    run(&rt, 0, 50);
    assert_eq!(rt.info(id).unwrap().state, AgentState::Blocked);
    disk.0.lock().unwrap().fail_after(0);
    platform.advance(20_000_000_000);
    run(&rt, 0, 50);
    let info = rt.info(id).unwrap();
    assert_eq!(
        (info.state, info.exit_code),
        (AgentState::Exited, Some(0)),
        "{:?}",
        info.reason
    );
    drop(rt);

    // Power cycle: the refused writes left nothing on the disk either.
    disk.0.lock().unwrap().crash(None);
    let after = holds(
        scripted(
            "keeper",
            &[
                Step::Finds(
                    FIRST,
                    key("plan", None),
                    vec![hit("plan", "launch at dawn", 1)],
                ),
                Step::Fails(FIRST, key("new", None), Error::NotFound),
            ],
        ),
        &["diary"],
    );
    let (rt, _) = booted(&[after], &disk);
    assert_eq!(exit_code(&rt, "keeper"), 0);
}
