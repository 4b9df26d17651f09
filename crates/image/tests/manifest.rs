//! Manifest encoding and every validation rule; the boot manifest.

mod common;

use aios_image::{BootManifest, BundleAgent, Error, Intent, Manifest, RestartMode, verify};
use common::{SEED, WASM, fingerprint, manifest};

/// Asserts that `edit` makes the valid fixture manifest invalid, and that
/// an image carrying it is refused for the same reason.
fn refused(edit: impl FnOnce(&mut Manifest)) -> &'static str {
    let mut m = manifest();
    edit(&mut m);
    let Err(Error::InvalidManifest(rule)) = m.validate() else {
        panic!("{m:?} was accepted");
    };
    assert_eq!(
        aios_image::sign(&SEED, &m, common::contents(WASM)),
        Err(Error::InvalidManifest(rule))
    );
    rule
}

#[test]
fn the_fixture_is_valid_and_round_trips() {
    let m = manifest();
    assert_eq!(m.validate(), Ok(()));
    assert_eq!(Manifest::decode(&m.encode()), Ok(m));
}

#[test]
fn decoding_refuses_garbage_and_trailing_bytes() {
    assert_eq!(Manifest::decode(&[]), Err(Error::MalformedManifest));
    assert_eq!(Manifest::decode(&[0xFF]), Err(Error::MalformedManifest));
    assert_eq!(Manifest::decode(&[0xA0]), Err(Error::MalformedManifest));
    let mut bytes = manifest().encode();
    bytes.push(0);
    assert_eq!(Manifest::decode(&bytes), Err(Error::MalformedManifest));
}

#[test]
fn names_versions_and_keys_are_checked() {
    assert!(refused(|m| m.name = String::new()).contains("name"));
    refused(|m| m.name = "Hello".into());
    refused(|m| m.name = "hello world".into());
    refused(|m| m.name = "a".repeat(33));
    assert_eq!(
        Manifest {
            name: "a-9".repeat(10) + "zz",
            ..manifest()
        }
        .validate(),
        Ok(())
    );
    assert!(refused(|m| m.version = String::new()).contains("version"));
    refused(|m| m.version = "1 0".into());
    assert!(refused(|m| m.publisher.truncate(1951)).contains("publisher"));
}

#[test]
fn quotas_are_range_checked() {
    assert!(refused(|m| m.quotas.memory_pages = 0).contains("memory_pages"));
    refused(|m| m.quotas.memory_pages = 16_385);
    assert!(refused(|m| m.quotas.fuel_per_second = 999).contains("fuel_per_second"));
    let mut edge = manifest();
    edge.quotas.memory_pages = 16_384;
    edge.quotas.fuel_per_second = 1_000;
    assert_eq!(edge.validate(), Ok(()));
}

#[test]
fn capabilities_are_checked() {
    assert!(refused(|m| m.capabilities[0].rights = 1 << 7).contains("rights"));
    refused(|m| m.capabilities[0].resource = "r".repeat(256));
    refused(|m| {
        let cap = m.capabilities[0].clone();
        m.capabilities = vec![cap; 65];
    });
}

#[test]
fn intents_are_checked() {
    refused(|m| m.intents[0].name = "demo..echo".into());
    refused(|m| m.intents[0].name = ".echo".into());
    refused(|m| m.intents[0].name = "Demo.Echo".into());
    refused(|m| m.intents[0].description = String::new());
    assert!(
        refused(|m| {
            let intent = m.intents[0].clone();
            m.intents.push(intent);
        })
        .contains("twice")
    );
    let mut ok = manifest();
    ok.intents.push(Intent {
        name: "store.get_v2".into(),
        description: "Reads an object.".into(),
        input: "{ key: text }".into(),
        output: "bytes".into(),
    });
    assert_eq!(ok.validate(), Ok(()));
    let mut bad = manifest();
    bad.intents[0].input = "{ text: tex }".into();
    assert!(
        bad.validate()
            .unwrap_err()
            .to_string()
            .contains("schema does not parse")
    );
}

#[test]
fn restart_policies_are_checked() {
    assert!(refused(|m| m.restart.backoff_initial_ms = 10_000).contains("backoff"));
    refused(|m| {
        m.restart.backoff_initial_ms = 0;
        m.restart.backoff_max_ms = 0;
    });
    refused(|m| m.restart.window_ms = 0);
    let mut never = manifest();
    never.restart.mode = RestartMode::Never;
    never.restart.backoff_initial_ms = 0;
    never.restart.window_ms = 0;
    assert_eq!(never.validate(), Ok(()));
}

#[test]
fn dependencies_are_checked() {
    assert!(refused(|m| m.depends_on.push("hello".into())).contains("itself"));
    refused(|m| m.depends_on.push("logger".into()));
    refused(|m| m.depends_on.push("Logger".into()));
}

#[test]
fn an_image_with_an_invalid_manifest_is_refused_by_verify() {
    // Sign a valid image, then swap in an invalid manifest of equal length:
    // validation refuses it before the signature is even looked at.
    let image = common::image();
    let encoded = manifest().encode();
    let mut invalid = manifest();
    invalid.name = "HELLO".into();
    let replacement = invalid.encode();
    assert_eq!(replacement.len(), encoded.len());
    let mut forged = image.clone();
    let at = aios_image::SIGNATURE_OFFSET + 4 + aios_image::SIGNATURE_LEN;
    forged[at..at + encoded.len()].copy_from_slice(&replacement);
    assert_eq!(
        verify(&forged, &[fingerprint(&SEED)]),
        Err(Error::InvalidManifest(
            "the name is not 1..=32 characters of [a-z0-9-]"
        ))
    );
}

fn boot_manifest() -> BootManifest {
    BootManifest {
        agents: vec![
            BundleAgent {
                name: "hello".into(),
                image: "agents/hello.aimg".into(),
                start_at_boot: false,
            },
            BundleAgent {
                name: "supervisor".into(),
                image: "agents/supervisor.aimg".into(),
                start_at_boot: true,
            },
        ],
        trusted_publishers: vec![fingerprint(&SEED), [3; 32]],
    }
}

#[test]
fn the_boot_manifest_round_trips() {
    let boot = boot_manifest();
    let bytes = boot.encode();
    assert_eq!(BootManifest::decode(&bytes), Ok(boot.clone()));
    assert_eq!(
        boot.agent("supervisor").map(|a| a.start_at_boot),
        Some(true)
    );
    assert!(boot.agent("nobody").is_none());
    assert_eq!(
        BootManifest::decode(&BootManifest::default().encode()),
        Ok(BootManifest::default())
    );
}

#[test]
fn malformed_or_invalid_boot_manifests_are_refused() {
    assert_eq!(
        BootManifest::decode(&[0x80]),
        Err(Error::MalformedBootManifest)
    );
    let mut bytes = boot_manifest().encode();
    bytes.push(0xF6);
    assert_eq!(
        BootManifest::decode(&bytes),
        Err(Error::MalformedBootManifest)
    );

    let mut twice = boot_manifest();
    twice.agents[1].name = "hello".into();
    assert_eq!(
        BootManifest::decode(&twice.encode()),
        Err(Error::InvalidBootManifest("an agent is listed twice"))
    );
    let mut bad_name = boot_manifest();
    bad_name.agents[0].name = "Hello!".into();
    assert!(matches!(
        BootManifest::decode(&bad_name.encode()),
        Err(Error::InvalidBootManifest(_))
    ));
    let mut no_image = boot_manifest();
    no_image.agents[0].image = String::new();
    assert!(matches!(
        no_image.validate(),
        Err(Error::InvalidBootManifest(_))
    ));
}

#[test]
fn a_short_fingerprint_is_malformed() {
    // {0: [], 1: [h'0102']}: a two-byte fingerprint.
    let bytes = [0xA2, 0x00, 0x80, 0x01, 0x81, 0x42, 0x01, 0x02];
    assert_eq!(
        BootManifest::decode(&bytes),
        Err(Error::MalformedBootManifest)
    );
}
