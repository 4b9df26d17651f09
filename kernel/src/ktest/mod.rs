//! In-kernel tests: registered per module with [`ktests!`], all run in one
//! boot when the kernel (built with the `ktest` feature) is started with
//! the `ktest` command-line flag. Results go to the serial port in a line
//! protocol that `cargo xtask test` parses (see docs/testing.md).

mod acpi_tests;
mod agent_tests;
mod block_tests;
mod boot_tests;
mod clock_tests;
mod disk_interrupt_tests;
mod engine_tests;
mod interrupt_tests;
mod ipc_tests;
mod memory_tests;
mod net_frames;
mod net_tests;
mod random_tests;
pub mod remote;
mod smp_tests;
mod store_tests;
mod wasm_memory_tests;
mod wasm_platform_tests;

use crate::println;
use alloc::string::String;
use core::sync::atomic::{AtomicUsize, Ordering};

/// One in-kernel test.
pub struct KTest {
    /// `module::function`.
    pub name: &'static str,
    /// The test body: `Err` carries the failure message.
    pub run: fn() -> Result<(), String>,
}

/// Builds a module's test list from its test functions.
macro_rules! ktests {
    ($($test:ident),* $(,)?) => {
        pub const TESTS: &[$crate::ktest::KTest] = &[$(
            $crate::ktest::KTest {
                name: concat!(module_path!(), "::", stringify!($test)),
                run: $test,
            }
        ),*];
    };
}
pub(crate) use ktests;

/// Fails the current test with a formatted message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            return Err(alloc::format!($($arg)*));
        }
    };
}
pub(crate) use ensure;

const SUITES: &[&[KTest]] = &[
    boot_tests::TESTS,
    memory_tests::TESTS,
    interrupt_tests::TESTS,
    clock_tests::TESTS,
    random_tests::TESTS,
    smp_tests::TESTS,
    acpi_tests::TESTS,
    agent_tests::TESTS,
    ipc_tests::TESTS,
    block_tests::TESTS,
    disk_interrupt_tests::TESTS,
    net_tests::TESTS,
    store_tests::TESTS,
    wasm_memory_tests::TESTS,
    wasm_platform_tests::TESTS,
    engine_tests::TESTS,
];

const NONE: usize = usize::MAX;
/// Index (suite << 16 | test) of the running test, for the panic report.
static RUNNING: AtomicUsize = AtomicUsize::new(NONE);

fn short_name(name: &str) -> &str {
    name.strip_prefix("kernel::ktest::").unwrap_or(name)
}

/// Runs every test, prints the summary, and leaves QEMU: power-off (exit
/// status 0) when all passed, debug-exit status 5 otherwise.
pub fn run_all() -> ! {
    let total: usize = SUITES.iter().map(|s| s.len()).sum();
    println!("ktest: start {}", total);
    let (mut passed, mut failed) = (0usize, 0usize);
    for (s, suite) in SUITES.iter().enumerate() {
        for (t, test) in suite.iter().enumerate() {
            let name = short_name(test.name);
            RUNNING.store((s << 16) | t, Ordering::SeqCst);
            println!("ktest: run {}", name);
            match (test.run)() {
                Ok(()) => {
                    passed += 1;
                    println!("ktest: pass {}", name);
                }
                Err(message) => {
                    failed += 1;
                    println!("ktest: FAIL {}: {}", name, message);
                }
            }
        }
    }
    RUNNING.store(NONE, Ordering::SeqCst);
    println!("ktest: done {} passed, {} failed", passed, failed);
    if failed == 0 {
        let why = crate::power::power_off();
        println!("ktest: poweroff failed: {}", why);
    }
    aios_hal::power::qemu_exit(aios_hal::power::EXIT_TESTS_FAILED);
    aios_hal::cpu::halt_forever()
}

/// Called by the panic handler: names the test that was running.
pub fn report_panic() {
    let running = RUNNING.load(Ordering::SeqCst);
    if running == NONE {
        return;
    }
    let test = SUITES
        .get(running >> 16)
        .and_then(|suite| suite.get(running & 0xFFFF));
    if let Some(test) = test {
        let mut out = aios_hal::serial::UnlockedWriter;
        let _ = core::fmt::Write::write_fmt(
            &mut out,
            format_args!("ktest: FAIL {}: panicked\n", short_name(test.name)),
        );
    }
}
