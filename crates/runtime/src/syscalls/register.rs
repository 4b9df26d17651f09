//! The linker, generated from the ABI's syscall table: one host function
//! per entry, calling the handler of the same name in `handlers`. A
//! handler that is missing, or whose parameters or result disagree with
//! the table, does not compile.

use super::handlers;
use crate::AgentCtx;
use crate::resume::{Resumed, Step, finish};
use aios_abi::{Error, MODULE};
use aios_engine::wasmtime::{self, Caller, Engine, Linker};
use alloc::boxed::Box;

/// Builds the linker with every syscall.
pub(crate) fn linker(engine: &Engine) -> Linker<AgentCtx> {
    let mut linker = Linker::new(engine);
    // Registration fails only on a duplicate import name, which would stop
    // it there and leave the later syscalls undefined (each spawn then
    // reports the missing import). Registrations come one per entry of the
    // table, whose import names `aios_abi`'s test
    // `names_are_unique_and_not_reserved` checks; the test
    // `every_abi_syscall_is_defined_for_agents` links a module importing
    // every syscall.
    let _ = register(&mut linker);
    linker
}

/// How a handler takes a Wasm argument: as it is, or a handle as the
/// unsigned integer with the same bits.
trait FromWasm<W> {
    fn from_wasm(value: W) -> Self;
}

impl FromWasm<i32> for i32 {
    fn from_wasm(value: i32) -> i32 {
        value
    }
}

impl FromWasm<i32> for u32 {
    fn from_wasm(value: i32) -> u32 {
        value as u32
    }
}

impl FromWasm<i64> for i64 {
    fn from_wasm(value: i64) -> i64 {
        value
    }
}

/// What a handler returns, as the `V` the agent sees: an error becomes
/// its negative code; a trap (`agent_exit`) stays one.
trait IntoWasm<V> {
    fn into_wasm(self) -> wasmtime::Result<V>;
}

impl IntoWasm<i32> for Result<i32, Error> {
    fn into_wasm(self) -> wasmtime::Result<i32> {
        Ok(self.unwrap_or_else(Error::code))
    }
}

impl IntoWasm<i64> for Result<i64, Error> {
    fn into_wasm(self) -> wasmtime::Result<i64> {
        Ok(self.unwrap_or_else(|error| i64::from(error.code())))
    }
}

impl IntoWasm<i32> for wasmtime::Result<i32> {
    fn into_wasm(self) -> wasmtime::Result<i32> {
        self
    }
}

/// Registers a syscall that may suspend the agent: `first` does the work
/// and either returns the value or a [`Park`](crate::park::Park); a park
/// suspends the agent's fiber until it resolves (see `resume::finish`).
fn wrap_parking<Params, R>(
    linker: &mut Linker<AgentCtx>,
    name: &str,
    first: fn(&mut Caller<'_, AgentCtx>, Params) -> Step<R>,
) -> wasmtime::Result<()>
where
    Params: wasmtime::WasmTyList + Send + 'static,
    R: wasmtime::WasmTy + Resumed + Send + 'static,
{
    linker
        .func_wrap_async(
            MODULE,
            name,
            move |mut caller: Caller<'_, AgentCtx>, params: Params| {
                Box::new(async move {
                    let step = first(&mut caller, params);
                    finish(&mut caller, step).await
                })
            },
        )
        .map(|_| ())
}

/// Registers one syscall, by how the kernel carries it out.
macro_rules! register_one {
    // Returns at once: `fn(&Caller or &mut Caller, args…)` returning
    // `Result<i32 or i64, Error>` (or a trap).
    ([] $linker:ident, $name:literal, $function:ident($($param:ident: $kind:ident),*) -> $result:ident) => {
        $linker.func_wrap(
            MODULE,
            $name,
            |mut caller: Caller<'_, AgentCtx>, $($param: aios_abi::abi_type!(wasm $kind)),*|
                -> wasmtime::Result<aios_abi::abi_type!(wasm $result)> {
                IntoWasm::into_wasm(handlers::$function(
                    &mut caller,
                    $(FromWasm::from_wasm($param)),*
                ))
            },
        )?
    };
    // May park: exactly the `first` step `wrap_parking` takes, its
    // arguments as a tuple.
    ([parks] $linker:ident, $name:literal, $function:ident($($param:ident: $kind:ident),*) -> $result:ident) => {{
        let first: fn(
            &mut Caller<'_, AgentCtx>,
            ($(aios_abi::abi_type!(wasm $kind),)*),
        ) -> Step<aios_abi::abi_type!(wasm $result)> = handlers::$function;
        wrap_parking($linker, $name, first)?
    }};
    // Ends the slice: an `async fn` taking what a returning handler takes.
    ([yields] $linker:ident, $name:literal, $function:ident($($param:ident: $kind:ident),*) -> $result:ident) => {
        $linker.func_wrap_async(
            MODULE,
            $name,
            |mut caller: Caller<'_, AgentCtx>, ($($param,)*): ($(aios_abi::abi_type!(wasm $kind),)*)| {
                Box::new(async move {
                    IntoWasm::<aios_abi::abi_type!(wasm $result)>::into_wasm(
                        handlers::$function(&mut caller, $(FromWasm::from_wasm($param)),*).await,
                    )
                })
            },
        )?
    };
}

/// Generates [`register`] from the table.
macro_rules! register_all {
    ($(
        #[doc = $summary:literal]
        $(#[$how:ident])?
        $konst:ident = $name:literal: $safety:ident fn $function:ident($($param:ident: $kind:ident),*) -> $result:ident;
    )*) => {
        /// Registers every syscall of the table in module `aios`.
        fn register(linker: &mut Linker<AgentCtx>) -> wasmtime::Result<()> {
            $(register_one!([$($how)?] linker, $name, $function($($param: $kind),*) -> $result);)*
            Ok(())
        }
    };
}

aios_abi::for_each_syscall!(register_all);
