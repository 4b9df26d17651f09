//! Ahead-of-time compilation on the host (`cargo xtask image`, tests).

use crate::settings::common;
use crate::{Error, Identity, SETTINGS, Target};
use alloc::format;
use alloc::vec::Vec;
use wasmtime::{Config, Engine};

/// Cranelift set up exactly as the runtime of `target` expects.
pub struct Compiler {
    engine: Engine,
    identity: Identity,
}

impl Compiler {
    /// A compiler for agents that will run on `target`.
    pub fn new(target: Target) -> Result<Compiler, Error> {
        let mut config = Config::new();
        common(&SETTINGS, &mut config);
        config
            .target(target.triple())
            .map_err(|e| Error::Engine(format!("{e}")))?;
        for feature in SETTINGS.cpu_features {
            let flag = cranelift_flag(feature)?;
            // SAFETY: enabling a feature makes compiled code use it; the
            // runtime that loads this code requires every feature in
            // `SETTINGS.cpu_features` from the CPU before it runs any
            // (`cpu::require`), and Wasmtime checks each flag again when
            // it loads the artifact.
            unsafe {
                config.cranelift_flag_enable(flag);
            }
        }
        let engine = Engine::new(&config).map_err(|e| Error::Engine(format!("{e}")))?;
        Ok(Compiler {
            engine,
            identity: Identity::of(&SETTINGS, target),
        })
    }

    /// The identity the artifacts this compiler makes must be signed with.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Validates and compiles `wasm`; returns the artifact.
    pub fn compile(&self, wasm: &[u8]) -> Result<Vec<u8>, Error> {
        self.engine
            .precompile_module(wasm)
            .map_err(|e| Error::Compile(format!("{e:#}")))
    }
}

/// Cranelift's flag for a feature's Rust name.
fn cranelift_flag(feature: &str) -> Result<&'static str, Error> {
    Ok(match feature {
        "sse3" => "has_sse3",
        "ssse3" => "has_ssse3",
        "sse4.1" => "has_sse41",
        "sse4.2" => "has_sse42",
        "popcnt" => "has_popcnt",
        "cmpxchg16b" => "has_cmpxchg16b",
        "avx" => "has_avx",
        "avx2" => "has_avx2",
        "fma" => "has_fma",
        "bmi1" => "has_bmi1",
        "bmi2" => "has_bmi2",
        "lzcnt" => "has_lzcnt",
        other => return Err(Error::Engine(format!("no Cranelift flag for {other}"))),
    })
}
