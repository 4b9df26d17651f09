//! The raw syscall imports from module `aios`, generated from the ABI's
//! table (`aios_abi::for_each_syscall!`), so they have its names and
//! signatures by construction.
//!
//! Only this file declares foreign functions. Calls without pointer
//! arguments are `safe`: the kernel validates every integer it receives.
//! Calls that take a `(pointer, length)` pair are `unsafe`: the kernel reads
//! or writes that range of our linear memory, so it must be a live buffer.

macro_rules! imports {
    ($(
        #[doc = $summary:literal]
        $(#[$how:ident])?
        $konst:ident = $name:literal: $safety:ident fn $function:ident($($param:ident: $kind:ident),*) -> $result:ident;
    )*) => {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = "aios")]
        unsafe extern "C" {
            $(
                #[doc = $summary]
                #[link_name = $name]
                pub(crate) $safety fn $function($($param: aios_abi::abi_type!(sdk $kind)),*) -> $result;
            )*
        }
    };
}

aios_abi::for_each_syscall!(imports);
