//! Agent images deployed through the API: verified against the bundle's
//! publishers before the policy sees their name, loaded and spawnable at
//! once, kept in the store and verified again at the next boot; tampered,
//! untrusted, conflicting and denied images refused with the reason,
//! audited and announced; a stored image that no longer verifies refused.

mod support;

use std::sync::Arc;

use aios_abi::Error;
use aios_abi::payload::AgentState;
use aios_runtime::{MAX_DEPLOYED, Runtime};
use aios_store::Store;
use support::{
    FakePlatform, TRUSTED_SEED, TestAgent, bundle_with_policy, disk, module, new_runtime, run,
    signed_image,
};

const WHAT: &str = "POST /v1/images";

/// An agent of image `name` that logs "greetings" and exits 0.
fn greeter(name: &'static str) -> TestAgent {
    TestAgent::new(
        name,
        &module(
            "greetings",
            "(drop (call $log (i32.const 3) (i32.const 0) (i32.const 9))) (i32.const 0)",
        ),
    )
}

/// An agent that waits (sleeps) until it is killed.
fn sleeper(name: &'static str) -> TestAgent {
    TestAgent::new(
        name,
        &module(
            "",
            "(drop (call $sleep (i64.const 60000000000))) (i32.const 0)",
        ),
    )
}

/// A node whose bundle has image `bundled` and `policy`.
fn node(policy: Option<&str>) -> (Runtime, Arc<FakePlatform>) {
    let platform = Arc::new(FakePlatform::default());
    let rt = new_runtime(platform.clone(), 1);
    rt.load_bundle(&bundle_with_policy(&[greeter("bundled")], policy))
        .unwrap();
    (rt, platform)
}

/// The audit records of `kind`.
fn audited(rt: &Runtime, kind: &str) -> Vec<String> {
    rt.audit_tail(64)
        .into_iter()
        .filter(|(_, k, _, _)| *k == kind)
        .map(|(_, _, _, detail)| detail)
        .collect()
}

#[test]
fn a_deployed_image_is_verified_loaded_and_spawned_at_once() {
    let (rt, platform) = node(None);
    let watch = rt.api_watch(&["security"], None).unwrap();
    let image = signed_image(&greeter("greeter"), &TRUSTED_SEED);
    let deployed = rt.api_deploy("admin", WHAT, &image).unwrap();
    assert_eq!(deployed.name, "greeter");
    assert_eq!(deployed.size, image.len());
    assert_eq!(
        deployed.publisher,
        aios_bootsig::fingerprint(&aios_image::public_key(&TRUSTED_SEED))
    );
    assert!(!deployed.stored, "no store is mounted");

    let id = rt.spawn("greeter", None).unwrap();
    run(&rt, 0, 10);
    assert_eq!(rt.info(id).unwrap().state, AgentState::Exited);
    assert!(
        platform
            .logs()
            .contains(&format!("{id} greeter: greetings"))
    );

    let infos = rt.image_infos();
    let info = |name: &str| infos.iter().find(|i| i.name == name).unwrap();
    assert!(info("greeter").deployed && info("greeter").refused.is_none());
    assert!(!info("bundled").deployed);

    // The policy was asked on the verified name; the deploy is audited
    // and announced.
    assert_eq!(audited(&rt, "api"), ["token admin: POST /v1/images"]);
    let deploys = audited(&rt, "image-deployed");
    assert_eq!(deploys.len(), 1);
    assert!(
        deploys[0].starts_with("agent image `greeter` deployed by token admin: publisher ")
            && deploys[0].ends_with(&format!(
                "{} bytes (not stored: no store is mounted, so it ends at the next boot)",
                image.len()
            )),
        "{deploys:?}"
    );
    let event = rt.api_next_event(watch).unwrap().unwrap();
    assert!(event.to_json().contains("\"alert\":\"image_deployed\""));
}

#[test]
fn tampered_untrusted_and_garbage_images_are_refused_before_the_policy_sees_a_name() {
    let (rt, _) = node(None);
    let watch = rt.api_watch(&["security"], None).unwrap();
    let image = signed_image(&greeter("greeter"), &TRUSTED_SEED);
    let mut tampered = image.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let stranger = signed_image(&greeter("greeter"), &[9; 32]);
    let cases: [(&[u8], &str); 5] = [
        (&tampered, "does not match its signed digest"),
        (&stranger, "not a trusted publisher"),
        (b"garbage", ""),
        (&image[..image.len() / 2], ""),
        (&[image.as_slice(), b"x"].concat(), ""),
    ];
    for (bytes, says) in cases {
        let refused = rt.api_deploy("admin", WHAT, bytes).unwrap_err();
        assert_eq!(refused.kind, Error::ImageRefused, "{refused:?}");
        assert!(
            refused.why.starts_with("the image is refused: "),
            "{refused:?}"
        );
        assert!(refused.why.contains(says), "{refused:?}");
    }
    assert!(audited(&rt, "api").is_empty(), "the policy saw no name");
    let refusals = audited(&rt, "image-refused");
    assert_eq!(refusals.len(), 5);
    assert!(refusals[0].starts_with("agent image deployed by token admin refused: "));
    assert!(rt.spawn("greeter", None).is_err());
    assert!(rt.image_infos().iter().all(|i| i.name != "greeter"));
    let event = rt.api_next_event(watch).unwrap().unwrap();
    assert!(event.to_json().contains("\"alert\":\"image_refused\""));
    // The node is unaffected: the real image still deploys.
    rt.api_deploy("admin", WHAT, &image).unwrap();
}

#[test]
fn the_policy_decides_on_the_verified_name() {
    let (rt, _) = node(Some(
        "deny label \"api\" op \"api_images_deploy\" resource \"evil*\";\ndefault allow;",
    ));
    let denied = rt
        .api_deploy(
            "ci",
            WHAT,
            &signed_image(&greeter("evil-twin"), &TRUSTED_SEED),
        )
        .unwrap_err();
    assert_eq!(denied.kind, Error::PolicyDenied);
    let denials = audited(&rt, "denial");
    assert!(
        denials
            .iter()
            .any(|d| d.contains("api:ci") && d.contains("evil-twin")),
        "{denials:?}"
    );
    assert!(rt.spawn("evil-twin", None).is_err());
    rt.api_deploy("ci", WHAT, &signed_image(&greeter("good"), &TRUSTED_SEED))
        .unwrap();
}

#[test]
fn a_bundle_name_or_a_running_image_is_a_conflict_and_an_idle_one_is_replaced() {
    let (rt, _) = node(None);
    let bundled = rt
        .api_deploy(
            "admin",
            WHAT,
            &signed_image(&greeter("bundled"), &TRUSTED_SEED),
        )
        .unwrap_err();
    assert_eq!(bundled.kind, Error::Exists);
    assert!(
        bundled.why.contains("bundle provides image `bundled`"),
        "{bundled:?}"
    );

    let first = signed_image(&sleeper("worker"), &TRUSTED_SEED);
    rt.api_deploy("admin", WHAT, &first).unwrap();
    let id = rt.spawn("worker", None).unwrap();
    run(&rt, 0, 3);
    let second = signed_image(&greeter("worker"), &TRUSTED_SEED);
    let busy = rt.api_deploy("admin", WHAT, &second).unwrap_err();
    assert_eq!(busy.kind, Error::Exists);
    assert!(busy.why.contains(&format!("running ([{id}])")), "{busy:?}");
    assert!(rt.kill(id));
    run(&rt, 0, 3);
    assert_eq!(
        rt.api_deploy("admin", WHAT, &second).unwrap().size,
        second.len()
    );
    // The new image is the one agents start from now.
    let id = rt.spawn("worker", None).unwrap();
    run(&rt, 0, 10);
    assert_eq!(rt.info(id).unwrap().state, AgentState::Exited);
    assert!(audited(&rt, "image-refused").len() == 2);
}

#[test]
fn a_node_keeps_a_bounded_number_of_deployed_images() {
    let (rt, _) = node(None);
    let names: Vec<&'static str> = (0..=MAX_DEPLOYED)
        .map(|i| &*Box::leak(format!("image-{i}").into_boxed_str()))
        .collect();
    for name in &names[..MAX_DEPLOYED] {
        rt.api_deploy("admin", WHAT, &signed_image(&greeter(name), &TRUSTED_SEED))
            .unwrap();
    }
    let full = rt
        .api_deploy(
            "admin",
            WHAT,
            &signed_image(&greeter(names[MAX_DEPLOYED]), &TRUSTED_SEED),
        )
        .unwrap_err();
    assert_eq!(full.kind, Error::NoSpace);
    // Replacing one of them is no new image.
    rt.api_deploy(
        "admin",
        WHAT,
        &signed_image(&greeter(names[0]), &TRUSTED_SEED),
    )
    .unwrap();
}

#[test]
fn deployed_images_survive_a_reboot_verified_again() {
    let disk = disk();
    let (rt, _) = node(None);
    rt.attach_store(Box::new(disk.clone())).unwrap();
    let image = signed_image(&greeter("greeter"), &TRUSTED_SEED);
    assert!(rt.api_deploy("admin", WHAT, &image).unwrap().stored);
    rt.sync_store().unwrap();

    // The next boot: the same bundle, the same disk.
    let (rt2, platform) = node(None);
    rt2.attach_store(Box::new(disk.clone())).unwrap();
    let infos = rt2.image_infos();
    let greeter_info = infos.iter().find(|i| i.name == "greeter").unwrap();
    assert!(greeter_info.deployed && greeter_info.refused.is_none());
    let id = rt2.spawn("greeter", None).unwrap();
    run(&rt2, 0, 10);
    assert!(
        platform
            .logs()
            .contains(&format!("{id} greeter: greetings"))
    );
    assert!(
        platform
            .logs()
            .iter()
            .any(|l| l.contains("1 deployed images verified and restored")),
        "{:?}",
        platform.logs()
    );
    // The store's copy is the kernel's: no agent or token reaches it.
    let refused = rt2
        .api_store_get("aios.images", "greeter", 1 << 20)
        .unwrap_err();
    assert_eq!(refused.kind, Error::PermissionDenied);
}

#[test]
fn a_stored_image_that_no_longer_verifies_is_refused_at_boot() {
    let disk = disk();
    let (rt, _) = node(None);
    rt.attach_store(Box::new(disk.clone())).unwrap();
    let image = signed_image(&greeter("greeter"), &TRUSTED_SEED);
    rt.api_deploy("admin", WHAT, &image).unwrap();
    rt.api_deploy(
        "admin",
        WHAT,
        &signed_image(&greeter("other"), &TRUSTED_SEED),
    )
    .unwrap();
    rt.sync_store().unwrap();
    drop(rt);

    // Someone with the disk flips a byte of one stored image.
    let (mut store, _) = Store::mount(disk.clone()).unwrap();
    let mut object = store.get("aios.images", "greeter", None).unwrap();
    let last = object.value.len() - 1;
    object.value[last] ^= 1;
    let meta = aios_store::PutMeta {
        content_type: object.info.content_type.clone(),
        tags: object.info.tags.clone(),
        embedding: None,
    };
    store
        .put("aios.images", "greeter", &object.value, &meta, 0)
        .unwrap();
    store.unmount().unwrap();

    let (rt2, _) = node(None);
    rt2.attach_store(Box::new(disk.clone())).unwrap();
    let infos = rt2.image_infos();
    let greeter_info = infos.iter().find(|i| i.name == "greeter").unwrap();
    assert!(greeter_info.deployed);
    let reason = greeter_info.refused.as_deref().unwrap();
    assert!(reason.contains("signed digest"), "{reason}");
    let spawn = rt2.spawn("greeter", None).unwrap_err();
    assert!(spawn.to_string().contains("signed digest"), "{spawn}");
    let refusals = audited(&rt2, "image-refused");
    assert!(
        refusals
            .iter()
            .any(|r| r.starts_with("deployed image `greeter` refused at boot: ")),
        "{refusals:?}"
    );
    // The other still loads; a good copy replaces the refused one.
    rt2.spawn("other", None).unwrap();
    rt2.api_deploy("admin", WHAT, &image).unwrap();
    rt2.spawn("greeter", None).unwrap();
}
