//! The AIOS kernel: assembles the subsystems and runs the main loop of
//! every CPU.
#![no_std]
#![no_main]

extern crate alloc;

mod acpi;
mod agents;
mod ai_bench;
mod api;
mod bench;
mod blk;
mod cluster;
mod cmdline;
mod console;
mod log;
mod net;
mod power;
mod random;
mod storage;
mod storage_bench;
mod system;

#[cfg(feature = "ktest")]
mod ktest;

use aios_hal::BootInfo;
use cmdline::Cmdline;
use core::fmt::Write;

aios_hal::kernel_entry!(kernel_main);

fn kernel_main(info: &'static BootInfo) -> ! {
    let boot_cpu = match aios_hal::init_boot_cpu(info) {
        Ok(cpu) => cpu,
        Err(e) => {
            let mut line = log::LineBuffer::new();
            let _ = write!(line, "boot: bringing up the boot CPU failed: {:?}", e);
            aios_hal::fatal(core::str::from_utf8(line.as_bytes()).unwrap_or("boot failed"))
        }
    };
    let cmdline = aios_hal::memory::boot_bytes(info.cmdline.phys, info.cmdline.count)
        .ok()
        .and_then(|bytes| Cmdline::new(bytes).ok())
        .unwrap_or(Cmdline::empty());
    if let Some(level) = cmdline.value("loglevel").and_then(log::Level::parse) {
        log::set_level(level);
    }
    info!(
        "AIOS {} booting via {:?}, tsc {} MHz",
        system::VERSION,
        info.boot_path,
        boot_cpu.calibration.tsc_hz / 1_000_000
    );
    info!(
        "memory: {} MiB usable, {} MiB free",
        (boot_cpu.frames.total * 4096) >> 20,
        (boot_cpu.frames.free * 4096) >> 20
    );
    random::init();

    let cpus_present = start_cpus(info, !cmdline.has_flag("nosmp"));
    aios_hal::finish_boot();
    blk::init();
    net::init();

    let bundle = aios_hal::memory::boot_bytes(info.bundle.phys, info.bundle.count).unwrap_or(&[]);
    match aios_bundle::Bundle::parse(bundle) {
        Ok(b) => info!("bundle: {} entries", b.len()),
        Err(_) if bundle.is_empty() => info!("bundle: none"),
        Err(e) => warn!("bundle: malformed, ignored: {}", e),
    }

    let boot_ticks = aios_hal::cpu::rdtsc().saturating_sub(aios_hal::entry::entry_tsc());
    let sys = system::set(system::System {
        boot_info: info,
        cmdline,
        boot_cpu,
        cpus_present,
        bundle,
        boot_ticks,
    });
    println!("bootstat: entry_to_ready_tsc={}", sys.boot_ticks);
    println!("AIOS {} ready", system::VERSION);

    #[cfg(feature = "ktest")]
    if cmdline.has_flag("ktest-fault") {
        let value = aios_hal::cpu::fault_injection_null_read();
        error!(
            "ktest-fault: reading address 0 returned {:#x} instead of faulting",
            value
        );
    }
    if let Some(text) = bundle_motd(bundle) {
        println!("{}", text.trim_end());
    }
    // Agent images are verified (ML-DSA-65) and compiled after `ready`: the
    // console is usable at once and boot time does not grow with the bundle.
    let runtime = agents::init(bundle, aios_hal::percpu::online_count());
    storage::accelerate_checksums();
    ai_bench::run(&cmdline);
    if let Some(runtime) = runtime {
        storage::mount(runtime);
    }
    bench::run(&cmdline, bundle);
    #[cfg(feature = "ktest")]
    if cmdline.has_flag("ktest") {
        ktest::run_all();
    }
    // The network service starts after the in-kernel tests, which drive
    // the interfaces with raw frames of their own.
    if let (Some(net), Some(runtime)) = (net::start(&cmdline), runtime) {
        net::attach_tls(runtime, bundle);
        api::start(&net, bundle, runtime);
        cluster::start(&net, bundle, &cmdline);
        runtime.attach_network(net);
    }
    if let Some(runtime) = runtime {
        agents::start_boot_agents(runtime);
    }
    console::run()
}

/// Parses ACPI and, unless `start_aps` is false (the `nosmp` flag), starts
/// every other CPU; returns the CPUs that run.
fn start_cpus(info: &BootInfo, start_aps: bool) -> usize {
    let tables = match acpi::init(info) {
        Ok(t) => t,
        Err(e) => {
            error!("acpi: {}; running on the boot CPU only", e);
            return 1;
        }
    };
    if !start_aps {
        info!("smp: disabled by the nosmp flag");
        return 1;
    }
    let ids: alloc::vec::Vec<u32> = tables.enabled_cpus().map(|c| c.apic_id).collect();
    match aios_hal::smp::start_aps(&ids, ap_main) {
        Ok(started) => info!("smp: {} of {} CPUs online", started + 1, ids.len()),
        Err(e) => error!("smp: {:?}; continuing with the CPUs that started", e),
    }
    ids.len().max(1)
}

/// The main loop of an application processor: run agent slices, halt
/// when there are none.
fn ap_main(cpu: usize) -> ! {
    loop {
        #[cfg(feature = "ktest")]
        ktest::remote::run_pending(cpu);
        net::step();
        if !agents::step(cpu) {
            aios_hal::percpu::idle();
        }
    }
}

fn bundle_motd(bundle: &[u8]) -> Option<&str> {
    let parsed = aios_bundle::Bundle::parse(bundle).ok()?;
    core::str::from_utf8(parsed.get("motd")?).ok()
}

#[panic_handler]
fn panic(panic: &core::panic::PanicInfo) -> ! {
    aios_hal::cpu::disable_interrupts();
    let mut out = aios_hal::serial::UnlockedWriter;
    let cpu = aios_hal::percpu::try_index().map_or(-1, |i| i as i64);
    let _ = write!(out, "\nPANIC on cpu {}: {}", cpu, panic.message());
    if let Some(location) = panic.location() {
        let _ = write!(out, " at {}:{}", location.file(), location.line());
    }
    let _ = writeln!(out);
    #[cfg(feature = "ktest")]
    ktest::report_panic();
    aios_hal::power::qemu_exit(aios_hal::power::EXIT_PANIC);
    aios_hal::cpu::halt_forever()
}
