//! The agent engine in ring 0: a module compiled on the host and signed,
//! verified and loaded here through Wasmtime's no_std runtime on hal's
//! platform layer; host calls, every trap kind, the memory limiter, floats,
//! epoch yields on a fiber, W^X code pages, and refused artifacts.

use super::{ensure, ktests};
use aios_engine::wasmtime::{
    Caller, Instance, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Trap, WasmParams,
    WasmResults,
};
use alloc::format;
use alloc::string::{String, ToString};
use core::future::Future;
use core::task::{Context, Poll, Waker};

ktests!(
    a_signed_module_loads_and_calls_the_host,
    compiled_code_is_executable_and_never_writable,
    every_trap_kind_is_caught_and_named,
    a_refused_memory_grow_returns_minus_one,
    floats_compute_in_compiled_code,
    epoch_yields_suspend_and_resume_with_float_state,
    tampered_or_foreign_artifacts_are_refused,
);

const IMAGE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/engine-test.aimg"));
const OTHER_CONFIG: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/engine-test-other-config.aimg"));
const PUBLISHER: &[u8; 32] = include_bytes!(concat!(env!("OUT_DIR"), "/engine-test.key"));

/// What the test store carries.
struct Ctx {
    limits: StoreLimits,
}

/// The test module loaded, instantiated and ready.
struct Loaded {
    store: Store<Ctx>,
    instance: Instance,
    module: Module,
}

/// Polls `future` to completion with a waker that does nothing, as the
/// scheduler will; returns its output and how often it yielded.
fn drive<F: Future>(future: F) -> Result<(F::Output, u32), String> {
    let mut future = core::pin::pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for yields in 0..1_000_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return Ok((output, yields));
        }
    }
    Err("the call never finished".to_string())
}

fn load() -> Result<Loaded, String> {
    let engine = aios_engine::runtime_engine().map_err(|e| e.to_string())?;
    let verified = aios_image::verify(IMAGE, &[*PUBLISHER]).map_err(|e| e.to_string())?;
    let module = aios_engine::load(&engine, &verified).map_err(|e| e.to_string())?;
    let mut linker = Linker::<Ctx>::new(&engine);
    linker
        .func_wrap("host", "double", |x: i32| x.wrapping_mul(2))
        .and_then(|l| {
            l.func_wrap("host", "tick", |caller: Caller<'_, Ctx>| {
                caller.engine().increment_epoch()
            })
        })
        .map_err(|e| e.to_string())?;
    let limits = StoreLimitsBuilder::new().memory_size(2 * 65536).build();
    let mut store = Store::new(&engine, Ctx { limits });
    store.limiter(|ctx| &mut ctx.limits);
    store.set_epoch_deadline(1);
    store.epoch_deadline_async_yield_and_update(1);
    let (instance, _) = drive(linker.instantiate_async(&mut store, &module))?;
    let instance = instance.map_err(|e| format!("{e:?}"))?;
    Ok(Loaded {
        store,
        instance,
        module,
    })
}

impl Loaded {
    /// Calls export `name` on a fiber; returns its result and yields.
    fn call<P: WasmParams + Sync, R: WasmResults + Sync>(
        &mut self,
        name: &str,
        params: P,
    ) -> Result<(aios_engine::wasmtime::Result<R>, u32), String> {
        let func = self
            .instance
            .get_typed_func::<P, R>(&mut self.store, name)
            .map_err(|e| e.to_string())?;
        drive(func.call_async(&mut self.store, params))
    }
}

fn a_signed_module_loads_and_calls_the_host() -> Result<(), String> {
    let mut loaded = load()?;
    let (result, _) = loaded.call::<i32, i32>("call_host", 20)?;
    ensure!(matches!(result, Ok(41)), "call_host(20) gave {:?}", result);
    Ok(())
}

fn compiled_code_is_executable_and_never_writable() -> Result<(), String> {
    let loaded = load()?;
    let text = loaded.module.text();
    ensure!(!text.is_empty(), "the module has no code");
    let start = text.as_ptr() as u64 & !0xFFF;
    let end = text.as_ptr() as u64 + text.len() as u64;
    let mut page = start;
    while page < end {
        let flags = aios_hal::paging::page_flags(page)
            .ok_or_else(|| format!("code page {page:#x} is not mapped"))?;
        ensure!(flags.executable, "code page {:#x} is not executable", page);
        ensure!(!flags.writable, "code page {:#x} is writable", page);
        page += 4096;
    }
    let range = loaded.module.image_range();
    let mut page = range.start as u64 & !0xFFF;
    while page < range.end as u64 {
        if let Some(flags) = aios_hal::paging::page_flags(page) {
            ensure!(
                !(flags.writable && flags.executable),
                "image page {:#x} is writable and executable",
                page
            );
        }
        page += 4096;
    }
    Ok(())
}

fn trap_of<R>(result: aios_engine::wasmtime::Result<R>) -> Option<Trap> {
    result.err().and_then(|e| e.downcast_ref::<Trap>().copied())
}

fn every_trap_kind_is_caught_and_named() -> Result<(), String> {
    let mut loaded = load()?;
    let cases: [(&str, Option<Trap>); 7] = [
        ("unreachable", {
            let (r, _) = loaded.call::<(), ()>("unreachable", ())?;
            trap_of(r)
        }),
        ("divide", {
            let (r, _) = loaded.call::<(i32, i32), i32>("divide", (1, 0))?;
            trap_of(r)
        }),
        ("load", {
            let (r, _) = loaded.call::<i32, i32>("load", 65_535)?;
            trap_of(r)
        }),
        ("recurse", {
            let (r, _) = loaded.call::<i32, i32>("recurse", 0)?;
            trap_of(r)
        }),
        ("indirect 0", {
            let (r, _) = loaded.call::<i32, i32>("indirect", 0)?;
            trap_of(r)
        }),
        ("indirect 1", {
            let (r, _) = loaded.call::<i32, i32>("indirect", 1)?;
            trap_of(r)
        }),
        ("indirect 5", {
            let (r, _) = loaded.call::<i32, i32>("indirect", 5)?;
            trap_of(r)
        }),
    ];
    let expected = [
        Trap::UnreachableCodeReached,
        Trap::IntegerDivisionByZero,
        Trap::MemoryOutOfBounds,
        Trap::StackOverflow,
        Trap::BadSignature,
        Trap::IndirectCallToNull,
        Trap::TableOutOfBounds,
    ];
    for ((name, got), want) in cases.iter().zip(expected) {
        ensure!(
            *got == Some(want),
            "{}: {:?}, expected {:?}",
            name,
            got,
            want
        );
    }
    // The store and the kernel carry on after every trap.
    let (result, _) = loaded.call::<i32, i32>("call_host", 1)?;
    ensure!(matches!(result, Ok(3)), "after the traps: {:?}", result);
    Ok(())
}

fn a_refused_memory_grow_returns_minus_one() -> Result<(), String> {
    let mut loaded = load()?;
    let (first, _) = loaded.call::<i32, i32>("grow", 1)?;
    ensure!(matches!(first, Ok(1)), "growing to the limit: {:?}", first);
    let (second, _) = loaded.call::<i32, i32>("grow", 1)?;
    ensure!(matches!(second, Ok(-1)), "growing past it: {:?}", second);
    Ok(())
}

fn floats_compute_in_compiled_code() -> Result<(), String> {
    let mut loaded = load()?;
    let (result, _) = loaded.call::<(f64, f64), f64>("floats", (2.25, 2.5))?;
    let value = result.map_err(|e| e.to_string())?;
    ensure!(
        value.to_bits() == 3.5f64.to_bits(),
        "sqrt(2.25) + nearest(2.5) = {}",
        value
    );
    Ok(())
}

fn epoch_yields_suspend_and_resume_with_float_state() -> Result<(), String> {
    let mut loaded = load()?;
    // 100 ticks, each a yield of the fiber back to this loop, between
    // which the running sum lives in a vector register or its spill slot.
    let (result, yields) = loaded.call::<i32, f64>("sum_halves", 100_000)?;
    let sum = result.map_err(|e| e.to_string())?;
    ensure!(sum.to_bits() == 50_000f64.to_bits(), "the sum is {}", sum);
    ensure!(yields >= 99, "only {} yields for 100 epoch ticks", yields);
    Ok(())
}

fn tampered_or_foreign_artifacts_are_refused() -> Result<(), String> {
    let mut tampered = IMAGE.to_vec();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let error = aios_image::verify(&tampered, &[*PUBLISHER]).err();
    ensure!(
        error == Some(aios_image::Error::Tampered(aios_image::Section::Artifact)),
        "a flipped artifact byte: {:?}",
        error
    );
    let engine = aios_engine::runtime_engine().map_err(|e| e.to_string())?;
    let other = aios_image::verify(OTHER_CONFIG, &[*PUBLISHER]).map_err(|e| e.to_string())?;
    let error = aios_engine::load(&engine, &other).err();
    ensure!(
        matches!(error, Some(aios_engine::Error::OtherConfig { .. })),
        "another configuration: {:?}",
        error
    );
    Ok(())
}
