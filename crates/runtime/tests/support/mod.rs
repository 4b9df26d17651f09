//! A fake platform and a bundle builder for runtime tests.
#![allow(dead_code)]

use aios_abi::payload::{CapKind, SystemInfo};
use aios_image::{
    BootManifest, BundleAgent, CapRequest, Intent, Manifest, Quotas, RestartMode, RestartPolicy,
};
use aios_runtime::{Platform, RunOutcome, Runtime};
use aios_store::testing::MemDevice;
use aios_store::{BlockDevice, DeviceError, FormatOptions, Store};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const SEED: [u8; 32] = [7; 32];

/// A platform whose clock the test controls and whose output it records.
#[derive(Default)]
pub struct FakePlatform {
    pub now: AtomicU64,
    pub logs: Mutex<Vec<String>>,
    pub console_out: Mutex<Vec<u8>>,
    pub console_in: Mutex<VecDeque<u8>>,
    pub kicks: AtomicUsize,
    /// Calls of `outbound` so far.
    pub outbounds: AtomicUsize,
    pub poweroffs: AtomicUsize,
    /// Calls of `random` so far.
    pub randoms: AtomicUsize,
}

impl FakePlatform {
    pub fn advance(&self, ns: u64) {
        self.now.fetch_add(ns, Ordering::SeqCst);
    }
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }
    /// Everything agents wrote to the console.
    pub fn console(&self) -> Vec<u8> {
        self.console_out.lock().unwrap().clone()
    }
}

impl Platform for FakePlatform {
    fn now_ns(&self) -> u64 {
        // Time moves a little on every look, as it does on a real CPU.
        self.now.fetch_add(1_000, Ordering::SeqCst)
    }
    fn log(&self, agent: u64, name: &str, _level: i32, text: &str) {
        self.logs
            .lock()
            .unwrap()
            .push(format!("{agent} {name}: {text}"));
    }
    fn console_write(&self, bytes: &[u8]) {
        self.console_out.lock().unwrap().extend_from_slice(bytes);
    }
    fn console_read(&self, buf: &mut [u8]) -> usize {
        let mut input = self.console_in.lock().unwrap();
        let n = buf.len().min(input.len());
        for b in buf.iter_mut().take(n) {
            *b = input.pop_front().unwrap_or(0);
        }
        n
    }
    fn system_info(&self) -> SystemInfo {
        SystemInfo {
            version: "test".into(),
            cpus_online: 1,
            cpus_present: 1,
            memory_total: 1 << 30,
            memory_free: 1 << 29,
            uptime_ns: self.now.load(Ordering::SeqCst),
            boot_path: "test".into(),
            verified_by: None,
            measurements: Vec::new(),
            heap_used: 0,
            idle_ns: 0,
        }
    }
    fn power_off(&self) -> aios_abi::Error {
        self.poweroffs.fetch_add(1, Ordering::SeqCst);
        aios_abi::Error::NotSupported
    }
    fn kick(&self) {
        self.kicks.fetch_add(1, Ordering::SeqCst);
    }
    fn outbound(&self) {
        self.outbounds.fetch_add(1, Ordering::SeqCst);
    }
    fn random_seed(&self) -> [u8; 32] {
        [7; 32]
    }
    fn random(&self, out: &mut [u8]) -> Result<(), aios_abi::Error> {
        // Different bytes each call, so that secrets differ.
        let call = self.randoms.fetch_add(1, Ordering::SeqCst);
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = (call as u8).wrapping_mul(31).wrapping_add(i as u8);
        }
        Ok(())
    }
    fn hour_utc(&self) -> u8 {
        12
    }
}

/// An agent to put in a test bundle.
#[derive(Clone)]
pub struct TestAgent {
    pub name: &'static str,
    pub wat: String,
    /// A built module, used instead of `wat` when present.
    pub wasm: Option<Vec<u8>>,
    /// The intents it serves.
    pub intents: Vec<Intent>,
    pub memory_pages: u32,
    pub fuel_per_second: u64,
    pub messages_per_second: u32,
    pub storage_bytes: u64,
    pub caps: Vec<CapRequest>,
}

impl TestAgent {
    pub fn new(name: &'static str, wat: &str) -> TestAgent {
        TestAgent {
            name,
            wat: wat.to_string(),
            wasm: None,
            intents: Vec::new(),
            memory_pages: 16,
            fuel_per_second: 1_000_000_000_000,
            messages_per_second: 100,
            storage_bytes: 0,
            caps: Vec::new(),
        }
    }
    /// Adds a capability on `resource` (a namespace, an intent pattern).
    pub fn cap_on(
        mut self,
        kind: CapKind,
        resource: &str,
        rights: u32,
        quota: Option<u64>,
    ) -> TestAgent {
        self.caps.push(CapRequest {
            kind,
            resource: resource.to_string(),
            rights,
            quota,
        });
        self
    }
    pub fn cap(mut self, kind: CapKind, rights: u32, quota: Option<u64>) -> TestAgent {
        self.caps.push(CapRequest {
            kind,
            resource: String::new(),
            rights,
            quota,
        });
        self
    }
}

/// Signs the agents into a bundle (images + boot manifest).
pub fn bundle(agents: &[TestAgent]) -> Vec<u8> {
    bundle_with_policy(agents, None)
}

/// Like [`bundle`], with `policy` as the bundle's `policy.aios`.
pub fn bundle_with_policy(agents: &[TestAgent], policy: Option<&str>) -> Vec<u8> {
    let entries: Vec<(&str, &[u8])> = policy
        .map(|p| ("policy.aios", p.as_bytes()))
        .into_iter()
        .collect();
    bundle_with(agents, &entries)
}

/// The seed of the key the test bundles trust.
pub const TRUSTED_SEED: [u8; 32] = SEED;

/// `agent`'s image, compiled for this engine and signed with `seed`.
pub fn signed_image(agent: &TestAgent, seed: &[u8; 32]) -> Vec<u8> {
    let publisher = aios_image::public_key(seed);
    let compiler = aios_engine::Compiler::new(aios_engine::Target::Host).expect("compiler");
    let engine = compiler.identity().to_string();
    let manifest = Manifest {
        name: agent.name.into(),
        version: "0.1.0".into(),
        publisher,
        capabilities: agent.caps.clone(),
        quotas: Quotas {
            memory_pages: agent.memory_pages,
            fuel_per_second: agent.fuel_per_second,
            messages_per_second: agent.messages_per_second,
            storage_bytes: agent.storage_bytes,
            io_bytes_per_second: None,
            net_endpoints: None,
            net_bytes_per_second: None,
        },
        intents: agent.intents.clone(),
        restart: RestartPolicy {
            mode: RestartMode::Never,
            max_restarts: 0,
            backoff_initial_ms: 100,
            backoff_max_ms: 1000,
            window_ms: 60_000,
        },
        depends_on: Vec::new(),
        labels: Vec::new(),
    };
    let wasm = match &agent.wasm {
        Some(wasm) => wasm.clone(),
        None => wat::parse_str(&agent.wat).expect("test WAT parses"),
    };
    let artifact = compiler.compile(&wasm).expect("test module compiles");
    let contents = aios_image::Contents {
        wasm: &wasm,
        engine: &engine,
        artifact: &artifact,
    };
    aios_image::sign(seed, &manifest, contents).expect("signing works")
}

/// Like [`bundle`], with further bundle entries (name, bytes).
pub fn bundle_with(agents: &[TestAgent], entries: &[(&str, &[u8])]) -> Vec<u8> {
    let publisher = aios_image::public_key(&SEED);
    let mut builder = aios_bundle::BundleBuilder::new();
    let mut boot = BootManifest {
        agents: Vec::new(),
        trusted_publishers: vec![aios_bootsig::fingerprint(&publisher)],
    };
    for agent in agents {
        let image = signed_image(agent, &SEED);
        let entry = format!("agents/{}.aimg", agent.name);
        builder.add(&entry, &image).expect("unique entry");
        boot.agents.push(BundleAgent {
            name: agent.name.into(),
            image: entry,
            start_at_boot: false,
        });
    }
    builder
        .add("boot-manifest.cbor", &boot.encode())
        .expect("unique entry");
    for (name, bytes) in entries {
        builder.add(name, bytes).expect("unique entry");
    }
    builder.finish()
}

/// A runtime on `platform`. Nothing ticks its epoch: agents end their
/// slices only in syscalls (yield, parking, exit), so tests repeat exactly;
/// a test whose agent computes without syscalls starts a [`ticker`].
pub fn new_runtime(platform: Arc<FakePlatform>, cpus: usize) -> Runtime {
    Runtime::new(platform, cpus).expect("the engine runs here")
}

/// Ticks `runtime`'s epoch every millisecond from a thread (the kernel's
/// timer), for as long as the runtime exists.
pub fn ticker(runtime: &Runtime) {
    let ticker = runtime.ticker();
    std::thread::spawn(move || {
        while ticker.tick() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    });
}

/// A runtime on a fake platform with `agents` loaded.
pub fn runtime(agents: &[TestAgent], cpus: usize) -> (Runtime, Arc<FakePlatform>) {
    let platform = Arc::new(FakePlatform::default());
    let runtime = new_runtime(platform.clone(), cpus);
    let loaded = runtime.load_bundle(&bundle(agents)).expect("bundle loads");
    assert_eq!(loaded, agents.len());
    (runtime, platform)
}

/// Runs CPU `cpu` until it is idle or `max` slices have run.
pub fn run(runtime: &Runtime, cpu: usize, max: usize) -> usize {
    for i in 0..max {
        if let RunOutcome::Idle(_) = runtime.run_once(cpu) {
            return i;
        }
    }
    max
}

/// WAT import lines for the syscalls a test module uses.
pub const IMPORTS: &str = r#"
  (import "aios" "null" (func $null (result i32)))
  (import "aios" "log" (func $log (param i32 i32 i32) (result i32)))
  (import "aios" "clock" (func $clock (result i64)))
  (import "aios" "yield" (func $yield (result i32)))
  (import "aios" "sleep" (func $sleep (param i64) (result i32)))
  (import "aios" "agent_exit" (func $exit (param i32) (result i32)))
  (import "aios" "agent_spawn" (func $spawn (param i32 i32) (result i32)))
  (import "aios" "agent_kill" (func $kill (param i32) (result i32)))
  (import "aios" "agent_info" (func $info (param i32 i32 i32) (result i32)))
  (import "aios" "agent_mem_alloc" (func $mem_alloc (param i32) (result i32)))
  (import "aios" "cap_list" (func $cap_list (param i32 i32 i32) (result i32)))
  (import "aios" "cap_grant" (func $cap_grant (param i32 i32) (result i32)))
  (import "aios" "cap_revoke" (func $cap_revoke (param i32) (result i32)))
  (import "aios" "console_write" (func $console_write (param i32 i32 i32) (result i32)))
  (import "aios" "console_read" (func $console_read (param i32 i32 i32 i64) (result i32)))
"#;

/// A module with the imports, one page of memory, `data` at offset 0 and
/// `body` as the entry point's instructions (must leave an i32).
pub fn module(data: &str, body: &str) -> String {
    format!(
        r#"(module {IMPORTS}
  (memory (export "memory") 1)
  (data (i32.const 0) "{data}")
  (func (export "aios_main") (result i32) {body}))"#
    )
}

/// A disk two runtimes (and the test) can mount one after the other.
pub struct Shared<D>(pub Arc<Mutex<D>>);

impl<D> Clone for Shared<D> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<D: BlockDevice> BlockDevice for Shared<D> {
    fn block_count(&self) -> u64 {
        self.0.lock().unwrap().block_count()
    }
    fn read_blocks(&mut self, first: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        self.0.lock().unwrap().read_blocks(first, buf)
    }
    fn write_blocks(&mut self, first: u64, buf: &[u8]) -> Result<(), DeviceError> {
        self.0.lock().unwrap().write_blocks(first, buf)
    }
    fn flush(&mut self) -> Result<(), DeviceError> {
        self.0.lock().unwrap().flush()
    }
}

/// A formatted 16 MiB RAM disk.
pub fn disk() -> Shared<MemDevice> {
    let shared = Shared(Arc::new(Mutex::new(MemDevice::new(4096))));
    let store = Store::format(shared.clone(), FormatOptions::default()).unwrap();
    store.unmount().unwrap();
    shared
}
