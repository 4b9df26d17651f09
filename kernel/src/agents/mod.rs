//! Agents in the kernel: the runtime, its platform, and the per-CPU loop
//! that runs agent slices.

mod platform;

use aios_runtime::{RunOutcome, Runtime};
use alloc::sync::Arc;
use spin::Once;

static RUNTIME: Once<Runtime> = Once::new();

/// Creates the runtime for `cpus` CPUs, has the timer tick its epoch (a
/// running agent yields its CPU at every tick) and loads the bundle's
/// images. `None` if agents cannot run on this machine (the reason is
/// logged).
pub fn init(bundle: &[u8], cpus: usize) -> Option<&'static Runtime> {
    let runtime =
        match RUNTIME.try_call_once(|| Runtime::new(Arc::new(platform::KernelPlatform), cpus)) {
            Ok(runtime) => runtime,
            Err(e) => {
                crate::error!("agents: {}", e);
                return None;
            }
        };
    aios_hal::clock::on_tick(tick);
    if bundle.is_empty() {
        crate::info!("agents: no bundle, no agent images");
        return Some(runtime);
    }
    match runtime.load_bundle(bundle) {
        Ok(n) => crate::info!("agents: {} images verified and compiled", n),
        Err(e) => crate::error!("agents: bundle not loaded: {}", e),
    }
    Some(runtime)
}

/// The timer's hook: ends running agents' slices.
fn tick() {
    if let Some(runtime) = RUNTIME.get() {
        runtime.tick();
    }
}

/// The runtime, once `init` ran.
pub fn runtime() -> Option<&'static Runtime> {
    RUNTIME.get()
}

/// Runs one agent slice on `cpu`; false if there was nothing to run.
pub fn step(cpu: usize) -> bool {
    match RUNTIME.get() {
        Some(runtime) => runtime.run_once(cpu) == RunOutcome::Ran,
        None => false,
    }
}

/// Starts the agents the bundle marks for boot: the supervisor if there
/// is one (it starts the rest), otherwise each boot agent in dependency
/// order.
pub fn start_boot_agents(runtime: &Runtime) {
    let order = match runtime.boot_order() {
        Ok(order) => order,
        Err(e) => {
            crate::error!("agents: no boot order: {}", e);
            return;
        }
    };
    let first: alloc::vec::Vec<alloc::string::String> = if order.iter().any(|n| n == "supervisor") {
        alloc::vec![alloc::string::String::from("supervisor")]
    } else {
        order
    };
    for name in first {
        match runtime.spawn(&name, None) {
            Ok(id) => crate::info!("agents: started {} as agent {}", name, id),
            Err(e) => crate::error!("agents: {}", e),
        }
    }
}
