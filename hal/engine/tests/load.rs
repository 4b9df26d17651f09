//! Compiling on the host, signing, verifying and loading: the path every
//! agent takes, and each way an artifact is refused.

use aios_abi::payload::{CapKind, rights};
use aios_engine::{Compiler, Error, Identity, Target, load, runtime_engine};
use aios_image::{CapRequest, Contents, Manifest, Quotas, RestartMode, RestartPolicy};
use wasmtime::{Instance, Store};

const SEED: [u8; 32] = [3; 32];

const ADD: &str = r#"(module (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))"#;

fn manifest() -> Manifest {
    Manifest {
        name: "adder".into(),
        version: "0.1.0".into(),
        publisher: aios_image::public_key(&SEED),
        capabilities: vec![CapRequest {
            kind: CapKind::Console,
            resource: String::new(),
            rights: rights::WRITE,
            quota: None,
        }],
        quotas: Quotas {
            memory_pages: 16,
            fuel_per_second: 50_000_000,
            messages_per_second: 100,
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
    }
}

/// `wasm` compiled for the host and signed, naming `engine`.
fn signed(wasm: &[u8], engine: &str, artifact: &[u8]) -> Vec<u8> {
    let contents = Contents {
        wasm,
        engine,
        artifact,
    };
    aios_image::sign(&SEED, &manifest(), contents).expect("signs")
}

fn trusted() -> [[u8; 32]; 1] {
    [aios_bootsig::fingerprint(&aios_image::public_key(&SEED))]
}

#[test]
fn a_compiled_and_signed_module_loads_and_runs() {
    let wasm = wat::parse_str(ADD).expect("parses");
    let compiler = Compiler::new(Target::Host).expect("compiler");
    assert_eq!(compiler.identity(), &Identity::running());
    let artifact = compiler.compile(&wasm).expect("compiles");
    let image = signed(&wasm, &compiler.identity().to_string(), &artifact);
    let verified = aios_image::verify(&image, &trusted()).expect("verifies");
    let engine = runtime_engine().expect("engine");
    let module = load(&engine, &verified).expect("loads");
    let mut store = Store::new(&engine, ());
    store.set_epoch_deadline(u64::MAX);
    let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
    let add = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "add")
        .expect("exported");
    assert_eq!(add.call(&mut store, (2, 40)).expect("runs"), 42);
}

#[test]
fn an_artifact_for_another_engine_is_refused_naming_what_differs() {
    let wasm = wat::parse_str(ADD).expect("parses");
    let compiler = Compiler::new(Target::Host).expect("compiler");
    let artifact = compiler.compile(&wasm).expect("compiles");
    let running = Identity::running();
    let engine = runtime_engine().expect("engine");
    let cases = [
        (
            Identity {
                version: "47.0.0".into(),
                ..running.clone()
            },
            "compiled by engine 47.0.0",
        ),
        (
            Identity {
                target: "x86_64-unknown-none".into(),
                ..running.clone()
            },
            "compiled for target x86_64-unknown-none",
        ),
        (
            Identity {
                config: "0000000000000000".into(),
                ..running.clone()
            },
            "compiled under engine config 0000000000000000",
        ),
    ];
    for (identity, reason) in cases {
        let image = signed(&wasm, &identity.to_string(), &artifact);
        let verified = aios_image::verify(&image, &trusted()).expect("verifies");
        let error = load(&engine, &verified).expect_err("refused");
        assert!(error.to_string().contains(reason), "{error} / {reason}");
    }
    let image = signed(&wasm, "cranelift 1.0", &artifact);
    let verified = aios_image::verify(&image, &trusted()).expect("verifies");
    assert!(matches!(
        load(&engine, &verified),
        Err(Error::MalformedIdentity(_))
    ));
}

#[test]
fn an_artifact_compiled_for_the_kernel_does_not_load_on_the_host() {
    // Signed with the host's identity but compiled for the kernel: Wasmtime
    // itself refuses the mismatch, with an error, not a crash.
    let wasm = wat::parse_str(ADD).expect("parses");
    let kernel = Compiler::new(Target::Kernel).expect("compiler");
    assert_eq!(kernel.identity().target, "x86_64-unknown-none");
    let artifact = kernel.compile(&wasm).expect("compiles");
    let image = signed(&wasm, &Identity::running().to_string(), &artifact);
    let verified = aios_image::verify(&image, &trusted()).expect("verifies");
    let engine = runtime_engine().expect("engine");
    assert!(matches!(load(&engine, &verified), Err(Error::Load(_))));
}

#[test]
fn the_identity_round_trips_and_tracks_the_settings() {
    let running = Identity::running();
    assert_eq!(Identity::parse(&running.to_string()), Ok(running.clone()));
    let mut other = aios_engine::SETTINGS;
    other.max_wasm_stack /= 2;
    assert_ne!(Identity::of(&other, Target::RUNNING).config, running.config);
    assert!(Identity::parse("wasmtime 48.0.0; x").is_err());
}

#[test]
fn invalid_wasm_does_not_compile() {
    let compiler = Compiler::new(Target::Kernel).expect("compiler");
    assert!(matches!(
        compiler.compile(b"\0asm\x01\0\0\0\x05"),
        Err(Error::Compile(_))
    ));
}
