//! Links the kernel with its layout script and, for the in-kernel tests,
//! compiles and signs the engine tests' module the way `cargo xtask image`
//! does agents.
fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rustc-link-arg-bins=-T{dir}/linker.ld");
    println!("cargo:rerun-if-changed={dir}/linker.ld");
    if std::env::var_os("CARGO_FEATURE_KTEST").is_some() {
        ktest::sign_test_module(&dir);
    }
}

mod ktest {
    use aios_engine::{Compiler, Target};
    use aios_image::{Contents, Manifest, Quotas, RestartMode, RestartPolicy};

    /// The test publisher's seed (a test key: never trusted by a real boot).
    const SEED: [u8; 32] = [0x6b; 32];

    /// Writes `engine-test.aimg`, the same signed for another engine
    /// configuration, and the test publisher's fingerprint to `OUT_DIR`.
    pub fn sign_test_module(dir: &str) {
        let source = format!("{dir}/ktest-wasm/engine.wat");
        println!("cargo:rerun-if-changed={source}");
        let wasm = wat::parse_file(&source).expect("engine.wat parses");
        let compiler = Compiler::new(Target::Kernel).expect("the agent compiler");
        let artifact = compiler.compile(&wasm).expect("engine.wat compiles");
        let engine = compiler.identity().to_string();
        let publisher = aios_image::public_key(&SEED);
        let manifest = Manifest {
            name: "engine-test".into(),
            version: "0.1.0".into(),
            publisher: publisher.clone(),
            capabilities: vec![],
            quotas: Quotas {
                memory_pages: 2,
                fuel_per_second: 50_000_000,
                messages_per_second: 10,
                storage_bytes: 0,
                io_bytes_per_second: None,
                net_endpoints: None,
                net_bytes_per_second: None,
            },
            intents: vec![],
            restart: RestartPolicy {
                mode: RestartMode::Never,
                max_restarts: 0,
                backoff_initial_ms: 0,
                backoff_max_ms: 0,
                window_ms: 0,
            },
            depends_on: vec![],
            labels: vec![],
        };
        let contents = Contents {
            wasm: &wasm,
            engine: &engine,
            artifact: &artifact,
        };
        let image = aios_image::sign(&SEED, &manifest, contents).expect("the test image signs");
        let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
        std::fs::write(format!("{out}/engine-test.aimg"), image).expect("OUT_DIR is writable");
        // The same artifact, signed as if built under another configuration.
        let mut other = compiler.identity().clone();
        other.config = "0000000000000000".into();
        let other = other.to_string();
        let contents = Contents {
            engine: &other,
            ..contents
        };
        let image = aios_image::sign(&SEED, &manifest, contents).expect("the test image signs");
        std::fs::write(format!("{out}/engine-test-other-config.aimg"), image)
            .expect("OUT_DIR is writable");
        let fingerprint = aios_bootsig::fingerprint(&publisher);
        std::fs::write(format!("{out}/engine-test.key"), fingerprint).expect("OUT_DIR is writable");
    }
}
