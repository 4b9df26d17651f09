//! Fixtures shared by the integration tests: keys, a manifest, a module.
#![allow(dead_code)]

use aios_abi::payload::{CapKind, rights};
use aios_image::{CapRequest, Intent, Manifest, Quotas, RestartMode, RestartPolicy};

/// The publisher key's seed.
pub const SEED: [u8; 32] = [7; 32];
/// A second, unrelated key's seed.
pub const OTHER_SEED: [u8; 32] = [9; 32];

/// A minimal Wasm module: the header and an empty type section.
pub const WASM: &[u8] = b"\0asm\x01\x00\x00\x00\x01\x01\x00";

/// A valid manifest published by the key of `seed`.
pub fn manifest_for(seed: &[u8; 32]) -> Manifest {
    Manifest {
        name: "hello".into(),
        version: "0.1.0".into(),
        publisher: aios_image::public_key(seed),
        capabilities: vec![CapRequest {
            kind: CapKind::SpawnBudget,
            resource: String::new(),
            rights: rights::SPAWN | rights::GRANT,
            quota: Some(100),
        }],
        quotas: Quotas {
            memory_pages: 32,
            fuel_per_second: 50_000_000,
            messages_per_second: 100,
            storage_bytes: 0,
            io_bytes_per_second: None,
            net_endpoints: None,
            net_bytes_per_second: None,
        },
        intents: vec![Intent {
            name: "demo.echo".into(),
            description: "Echoes its body back.".into(),
            input: "{ text: text }".into(),
            output: "{ text: text }".into(),
        }],
        restart: RestartPolicy {
            mode: RestartMode::OnFailure,
            max_restarts: 5,
            backoff_initial_ms: 100,
            backoff_max_ms: 5_000,
            window_ms: 60_000,
        },
        depends_on: vec!["logger".into()],
        labels: vec!["demo".into()],
    }
}

/// The valid manifest published by [`SEED`].
pub fn manifest() -> Manifest {
    manifest_for(&SEED)
}

/// The fingerprint of the key with `seed`.
pub fn fingerprint(seed: &[u8; 32]) -> [u8; 32] {
    aios_bootsig::fingerprint(&aios_image::public_key(seed))
}

/// The engine identity the fixture names.
pub const ENGINE: &str = "wasmtime 48.0.0; x86_64-unknown-none; config 0123456789abcdef";
/// Stand-in artifact bytes (the image crate does not interpret them).
pub const ARTIFACT: &[u8] = b"\x7fELF compiled code stand-in";

/// The fixture's module, engine and artifact.
pub fn contents(wasm: &[u8]) -> aios_image::Contents<'_> {
    aios_image::Contents {
        wasm,
        engine: ENGINE,
        artifact: ARTIFACT,
    }
}

/// A valid image signed with [`SEED`].
pub fn image() -> Vec<u8> {
    aios_image::sign(&SEED, &manifest(), contents(WASM)).expect("the fixture signs")
}
