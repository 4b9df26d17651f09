//! Verifying the boot files against the signed manifest and the public key
//! built into the loader.

use aios_bootinfo::Measurement;

use crate::error::BootError;
use crate::files::BootFiles;
use crate::report::{self, HexPrefix};

/// The trusted ML-DSA-65 public key (see `build.rs`).
const PUBLIC_KEY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/public_key.bin"));
const _: () = assert!(PUBLIC_KEY.len() == aios_bootsig::PUBLIC_KEY_LEN);

/// Number of components the loader verifies and measures.
pub const COMPONENT_COUNT: usize = 3;

/// Verifies the manifest's signature, then each file against it, and
/// returns one measurement per file in the order kernel, bundle, cmdline.
pub fn verify(files: &BootFiles) -> Result<[Measurement; COMPONENT_COUNT], BootError<'static>> {
    let manifest =
        aios_bootsig::verify(&files.manifest, PUBLIC_KEY).map_err(BootError::Manifest)?;
    let components: [(&'static str, &[u8]); COMPONENT_COUNT] = [
        ("kernel.elf", &files.kernel),
        ("bundle.bin", &files.bundle),
        ("cmdline.txt", &files.cmdline),
    ];
    let mut measurements = [Measurement::new("", [0; 32], 0, false); COMPONENT_COUNT];
    for (slot, (name, bytes)) in measurements.iter_mut().zip(components) {
        let digest = manifest
            .check(name, bytes)
            .map_err(|error| BootError::Component { name, error })?;
        report::note(format_args!(
            "verified {name} sha3-256 {}... ({} bytes)",
            HexPrefix(&digest),
            bytes.len()
        ));
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        *slot = Measurement::new(name, digest, size, true);
    }
    Ok(measurements)
}

/// Fingerprint of the key every boot is verified with.
pub fn key_fingerprint() -> [u8; 32] {
    aios_bootsig::fingerprint(PUBLIC_KEY)
}
