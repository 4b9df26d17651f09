//! Loading a verified image's artifact into the engine.

use crate::{Error, Identity};
use aios_image::VerifiedImage;
use alloc::format;
use wasmtime::{Engine, Module};

/// The image's compiled module, ready to instantiate on `engine` (built by
/// [`runtime_engine`](crate::runtime_engine)).
///
/// Only a [`VerifiedImage`] gets here: its signature and every section's
/// digest have been checked. The engine identity it names must be this
/// build's exactly (release, target, configuration), or the image is
/// refused naming the part that differs, before Wasmtime sees a byte.
pub fn load(engine: &Engine, image: &VerifiedImage<'_>) -> Result<Module, Error> {
    Identity::parse(image.engine)?.check_against(&Identity::running())?;
    // SAFETY: `Module::deserialize` requires bytes that Wasmtime's own
    // compiler produced for a compatible engine; loading anything else can
    // run arbitrary native code. These bytes are the artifact of an image
    // whose ML-DSA-65 signature, by a publisher the boot manifest trusts,
    // covers the artifact's digest and the engine identity checked above:
    // the trusted build (`cargo xtask image`) compiled them with the
    // compiler of this crate under these very settings. Wasmtime checks
    // its own version and flags once more and refuses a mismatch.
    let module = unsafe { Module::deserialize(engine, image.artifact) };
    module.map_err(|e| Error::Load(format!("{e}")))
}
