//! Property tests: no input makes the decoders panic, and no mutation of a
//! signed image is accepted.

mod common;

use aios_image::{BootManifest, Manifest, boot_order, verify};
use common::{SEED, fingerprint};
use proptest::prelude::*;

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let trusted = [fingerprint(&SEED)];
        prop_assert!(verify(&bytes, &trusted).is_err());
        let _ = Manifest::decode(&bytes);
        let _ = BootManifest::decode(&bytes);
    }

    #[test]
    fn random_bodies_after_a_valid_header_never_panic(
        manifest_len in 0u32..64,
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut bytes = aios_image::MAGIC.to_vec();
        bytes.extend_from_slice(&aios_image::FORMAT_VERSION.to_le_bytes());
        bytes.extend_from_slice(&manifest_len.to_le_bytes());
        bytes.extend_from_slice(&body);
        prop_assert!(verify(&bytes, &[fingerprint(&SEED)]).is_err());
    }

    #[test]
    fn random_dependency_graphs_order_or_fail_cleanly(
        edges in proptest::collection::vec((0usize..8, 0usize..8), 0..16),
    ) {
        let mut agents: Vec<(String, Vec<String>)> =
            (0..8).map(|i| (format!("a{i}"), Vec::new())).collect();
        for (from, to) in edges {
            let dep = format!("a{to}");
            if !agents[from].1.contains(&dep) {
                agents[from].1.push(dep);
            }
        }
        if let Ok(order) = boot_order(&agents) {
            prop_assert_eq!(order.len(), agents.len());
            for (name, deps) in &agents {
                let at = order.iter().position(|n| n == name);
                for dep in deps {
                    prop_assert!(order.iter().position(|n| n == dep) < at);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn mutated_images_are_refused(at in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let mut image = common::image();
        let at = at.index(image.len());
        image[at] ^= xor;
        prop_assert!(verify(&image, &[fingerprint(&SEED)]).is_err());
    }
}
