//! The one engine configuration: every setting the compiler and the
//! runtime must agree on, applied the same way on both sides.

use crate::Error;
use wasmtime::Config;

/// Where compiled code will run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The AIOS kernel: ring 0, soft-float, no signals, no guard pages.
    Kernel,
    /// The machine the tests run on (the same settings, its own triple).
    Host,
}

impl Target {
    /// The target this crate is built for.
    pub const RUNNING: Target = if cfg!(target_os = "none") {
        Target::Kernel
    } else {
        Target::Host
    };

    /// The target triple Cranelift compiles for.
    pub fn triple(self) -> &'static str {
        match self {
            Target::Kernel => "x86_64-unknown-none",
            Target::Host => "x86_64-unknown-linux-gnu",
        }
    }
}

/// What the compiler and the runtime must agree on. Its `Debug` text,
/// hashed, is the configuration part of the engine [`Identity`]
/// (crate::Identity): change a value and every artifact must be rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Largest native stack Wasm frames may use, in bytes.
    pub max_wasm_stack: usize,
    /// Each agent's native stack (Wasm frames plus the syscalls they call).
    pub agent_stack: usize,
    /// Address space reserved for each linear memory, in bytes: memories
    /// grow in place up to it and never move.
    pub memory_reservation: u64,
    /// x86_64 features compiled code may use: the CPU must have every one
    /// (Rust's names, as Wasmtime asks for them).
    pub cpu_features: &'static [&'static str],
    /// Whether the WebAssembly SIMD proposal is on.
    pub simd: bool,
    /// Whether compiled code keeps the map from native to Wasm offsets
    /// (trap reports name the Wasm offset).
    pub address_map: bool,
}

/// The settings AIOS runs agents with.
///
/// No signal handlers, guard regions or copy-on-write images: the kernel
/// has none of those, so bounds are checked by the compiled code and a
/// trap unwinds through Wasmtime's own frames. Each linear memory reserves
/// 1 GiB of address space (the most a manifest may grant; only the pages
/// in use are backed) and never moves, so compiled code keeps its base in
/// a register instead of reloading it after every call and epoch check
/// (SHA3 over 1 MiB: 1.4x faster than with moving memories, measured with
/// this crate's settings on the host). Preemption is by epoch: the
/// timer bumps the engine's epoch and compiled code yields at the next
/// loop head or call. The CPU features are x86-64-v3, which every CPU
/// AIOS targets has and QEMU's `-cpu max` offers; SSE4.1 keeps float
/// rounding in instructions instead of calls into the soft-float kernel.
pub const SETTINGS: Settings = Settings {
    max_wasm_stack: 256 * 1024,
    agent_stack: 512 * 1024,
    memory_reservation: 1 << 30,
    cpu_features: &[
        "sse3", "ssse3", "sse4.1", "sse4.2", "popcnt", "avx", "avx2", "fma", "bmi1", "bmi2",
        "lzcnt",
    ],
    simd: true,
    address_map: true,
};

/// Applies what both sides set identically.
pub(crate) fn common(settings: &Settings, config: &mut Config) {
    config
        .signals_based_traps(false)
        .memory_reservation(settings.memory_reservation)
        .memory_guard_size(0)
        .memory_reservation_for_growth(0)
        .guard_before_linear_memory(false)
        .memory_init_cow(false)
        .memory_may_move(false)
        .native_unwind_info(false)
        .epoch_interruption(true)
        .max_wasm_stack(settings.max_wasm_stack)
        .async_stack_size(settings.agent_stack)
        .async_stack_zeroing(false)
        .wasm_simd(settings.simd)
        .wasm_relaxed_simd(false)
        .generate_address_map(settings.address_map);
}

/// The runtime's configuration (no compiler) for `target`.
pub(crate) fn runtime_config(settings: &Settings, target: Target) -> Result<Config, Error> {
    let mut config = Config::new();
    common(settings, &mut config);
    if target == Target::Kernel {
        crate::cpu::require(settings.cpu_features)?;
        crate::cpu::promise(&mut config);
    }
    Ok(config)
}
