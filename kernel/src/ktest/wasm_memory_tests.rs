//! Tests of the virtual memory Wasmtime will run on (`hal::wasm`): the
//! pages' contents and page-table bits, W^X, frames and address space
//! returned, and the C hooks' argument checks.

use super::{ensure, ktests};
use aios_hal::paging::{self, PageFlags};
use aios_hal::wasm::{self, EXEC, Error, Mapping, PAGE_SIZE, READ, WRITE};
use alloc::format;
use alloc::string::String;
use core::sync::atomic::Ordering;

ktests!(
    new_mapping_is_zeroed_and_writable,
    read_exec_is_executable_and_read_only,
    write_with_execute_is_refused,
    unmap_removes_pages_and_returns_frames,
    remap_gives_zeroed_pages,
    no_access_then_protect,
    hooks_check_their_arguments,
    ranges_are_reused_without_leaks,
);

const RW: u32 = READ | WRITE;
const PAGE: usize = PAGE_SIZE;

fn err(e: Error) -> String {
    format!("{e:?}")
}

fn free_frames() -> u64 {
    aios_hal::frames::stats().free
}

/// The page-table flags of page `n` of `m`.
fn flags(m: &Mapping, n: usize) -> Option<PageFlags> {
    paging::page_flags(m.base() + (n * PAGE) as u64)
}

/// True if all of `[offset, offset + len)` of `m` reads as `byte`.
fn all_bytes(m: &Mapping, offset: usize, len: usize, byte: u8) -> Result<bool, String> {
    let mut buf = [0u8; 512];
    for chunk in (offset..offset + len).step_by(buf.len()) {
        let n = buf.len().min(offset + len - chunk);
        m.read(chunk, &mut buf[..n]).map_err(err)?;
        if buf[..n].iter().any(|&b| b != byte) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Writes `byte` over `[offset, offset + len)` of `m`.
fn fill(m: &mut Mapping, offset: usize, len: usize, byte: u8) -> Result<(), String> {
    let buf = [byte; 512];
    for chunk in (offset..offset + len).step_by(buf.len()) {
        let n = buf.len().min(offset + len - chunk);
        m.write(chunk, &buf[..n]).map_err(err)?;
    }
    Ok(())
}

/// Fails unless every other online CPU flushed its TLB since `before`.
fn shot_down_since(before: u64) -> Result<(), String> {
    let Some(_) = super::remote::other_online_cpu() else {
        return Ok(());
    };
    let now = paging::shootdown_generation();
    ensure!(now > before, "no TLB shoot-down");
    let me = aios_hal::percpu::try_index();
    for cpu in aios_hal::percpu::all() {
        if cpu.online.load(Ordering::Acquire) && Some(cpu.index) != me {
            let seen = cpu.tlb_flushes.load(Ordering::Acquire);
            ensure!(seen >= now, "cpu {} did not flush its TLB", cpu.index);
        }
    }
    Ok(())
}

fn new_mapping_is_zeroed_and_writable() -> Result<(), String> {
    let mapped = wasm::mapped_bytes();
    let mut m = Mapping::new(3 * PAGE + 100, RW).map_err(err)?;
    let (base, size) = wasm::window();
    ensure!(m.size() == 4 * PAGE, "size {} not rounded up", m.size());
    ensure!(
        m.base() % PAGE as u64 == 0 && m.base() >= base && m.base() < base + size,
        "base {:#x} outside the window or unaligned",
        m.base()
    );
    ensure!(
        wasm::mapped_bytes() == mapped + 4 * PAGE as u64,
        "mapped bytes not counted"
    );
    for n in 0..4 {
        let f = flags(&m, n).ok_or(format!("page {n} not present"))?;
        ensure!(f.writable && !f.executable, "page {n} has {f:?}");
    }
    ensure!(all_bytes(&m, 0, m.size(), 0)?, "new pages are not zero");
    let pattern = [0xA5u8; 300];
    m.write(PAGE - 150, &pattern).map_err(err)?;
    let mut back = [0u8; 300];
    m.read(PAGE - 150, &mut back).map_err(err)?;
    ensure!(back == pattern, "a write across pages did not read back");
    ensure!(
        m.write(m.size() - 1, &[1, 2]) == Err(Error::UnknownRange),
        "a write past the end was accepted"
    );
    Ok(())
}

fn read_exec_is_executable_and_read_only() -> Result<(), String> {
    let mut m = Mapping::new(2 * PAGE, RW).map_err(err)?;
    m.write(PAGE, &[0xC3; 16]).map_err(err)?;
    let generation = paging::shootdown_generation();
    m.protect(0, 2 * PAGE, READ | EXEC).map_err(err)?;
    shot_down_since(generation)?;
    for n in 0..2 {
        let f = flags(&m, n).ok_or(format!("page {n} not present"))?;
        ensure!(!f.writable && f.executable, "page {n} has {f:?}");
    }
    ensure!(
        m.write(0, &[0]) == Err(Error::NotAccessible),
        "wrote to a read-execute page"
    );
    ensure!(all_bytes(&m, PAGE, 16, 0xC3)?, "contents lost by mprotect");
    m.protect(0, PAGE, READ).map_err(err)?;
    let f = flags(&m, 0).ok_or("page 0 not present")?;
    let nx = aios_hal::cpu::has_nx();
    ensure!(
        !f.writable && f.executable != nx,
        "read-only page has {f:?}"
    );
    m.protect(0, 2 * PAGE, RW).map_err(err)?;
    let f = flags(&m, 1).ok_or("page 1 not present")?;
    ensure!(
        f.writable && f.executable != nx,
        "read-write page has {f:?}"
    );
    m.write(0, &[7]).map_err(err)
}

fn write_with_execute_is_refused() -> Result<(), String> {
    for prot in [WRITE | EXEC, READ | WRITE | EXEC] {
        ensure!(
            Mapping::new(PAGE, prot).err() == Some(Error::WritableAndExecutable),
            "a mapping with protection {prot} was made"
        );
    }
    let mut m = Mapping::new(PAGE, RW).map_err(err)?;
    ensure!(
        m.protect(0, PAGE, WRITE | EXEC) == Err(Error::WritableAndExecutable),
        "mprotect to write and execute accepted"
    );
    ensure!(
        m.protect(0, PAGE, READ | 8) == Err(Error::UnknownProtection),
        "an unknown protection bit accepted"
    );
    let f = flags(&m, 0).ok_or("page 0 not present")?;
    ensure!(
        f.writable && !f.executable,
        "a refused mprotect changed {f:?}"
    );
    Ok(())
}

fn unmap_removes_pages_and_returns_frames() -> Result<(), String> {
    drop(Mapping::new(16 * PAGE, RW).map_err(err)?);
    let (frames, mapped, reserved) = (free_frames(), wasm::mapped_bytes(), wasm::reserved_bytes());
    let mut m = Mapping::new(16 * PAGE, RW).map_err(err)?;
    ensure!(free_frames() + 16 <= frames, "16 pages took no frames");
    for n in 0..16 {
        m.write(n * PAGE, &[n as u8 + 1]).map_err(err)?;
    }
    let base = m.base();
    let generation = paging::shootdown_generation();
    drop(m);
    shot_down_since(generation)?;
    for n in 0..16u64 {
        ensure!(
            paging::page_flags(base + n * PAGE as u64).is_none(),
            "page {n} still present after munmap"
        );
    }
    ensure!(free_frames() == frames, "frames not returned by munmap");
    ensure!(wasm::mapped_bytes() == mapped, "mapped bytes not returned");
    ensure!(wasm::reserved_bytes() == reserved, "address space kept");
    Ok(())
}

fn remap_gives_zeroed_pages() -> Result<(), String> {
    let mut m = Mapping::new(4 * PAGE, RW).map_err(err)?;
    fill(&mut m, 0, 4 * PAGE, 0x5A)?;
    let (frames, mapped) = (free_frames(), wasm::mapped_bytes());
    m.remap(PAGE, 2 * PAGE, RW).map_err(err)?;
    ensure!(all_bytes(&m, PAGE, 2 * PAGE, 0)?, "remapped pages not zero");
    ensure!(all_bytes(&m, 0, PAGE, 0x5A)?, "the page before was touched");
    ensure!(
        all_bytes(&m, 3 * PAGE, PAGE, 0x5A)?,
        "the page after was touched"
    );
    ensure!(free_frames() == frames, "remap leaked or lost frames");
    m.remap(PAGE, 2 * PAGE, 0).map_err(err)?;
    ensure!(
        flags(&m, 1).is_none() && flags(&m, 2).is_none(),
        "pages remapped without access are present"
    );
    ensure!(
        free_frames() == frames + 2,
        "remap to no access kept frames"
    );
    ensure!(
        wasm::mapped_bytes() == mapped - 2 * PAGE as u64,
        "mapped bytes"
    );
    Ok(())
}

fn no_access_then_protect() -> Result<(), String> {
    drop(Mapping::new(8 * PAGE, RW).map_err(err)?);
    let (frames, mapped) = (free_frames(), wasm::mapped_bytes());
    let mut m = Mapping::new(8 * PAGE, 0).map_err(err)?;
    ensure!(free_frames() == frames, "a reservation took frames");
    ensure!(
        (0..8).all(|n| flags(&m, n).is_none()),
        "reserved page present"
    );
    ensure!(
        m.read(0, &mut [0]) == Err(Error::NotAccessible),
        "read a reserved page"
    );
    m.protect(0, 2 * PAGE, RW).map_err(err)?;
    ensure!(
        flags(&m, 1).is_some() && flags(&m, 2).is_none(),
        "wrong pages"
    );
    ensure!(all_bytes(&m, 0, 2 * PAGE, 0)?, "committed pages not zero");
    m.write(PAGE, &[0x77; 64]).map_err(err)?;
    m.protect(0, 2 * PAGE, 0).map_err(err)?;
    ensure!(flags(&m, 1).is_none(), "a no-access page is present");
    ensure!(
        wasm::mapped_bytes() == mapped + 2 * PAGE as u64,
        "no access dropped the contents"
    );
    m.protect(0, 2 * PAGE, READ).map_err(err)?;
    ensure!(all_bytes(&m, PAGE, 64, 0x77)?, "contents not kept");
    drop(m);
    ensure!(free_frames() == frames, "frames not returned");
    Ok(())
}

fn hooks_check_their_arguments() -> Result<(), String> {
    let reserved = wasm::reserved_bytes();
    ensure!(wasm::wasmtime_page_size() == 4096, "page size");
    let mut p = core::ptr::null_mut();
    ensure!(
        wasm::wasmtime_mmap_new(0, RW, &mut p) != 0,
        "empty mmap made"
    );
    ensure!(
        wasm::wasmtime_mmap_new(2 * PAGE, RW, &mut p) == 0,
        "mmap failed"
    );
    let second = p.wrapping_add(PAGE);
    let (base, _) = wasm::window();
    let unaligned = Error::Unaligned.code();
    let unknown = Error::UnknownRange.code();
    ensure!(
        wasm::wasmtime_mprotect(p.wrapping_add(1), PAGE, READ) == unaligned,
        "unaligned mprotect"
    );
    ensure!(
        wasm::wasmtime_munmap(p.wrapping_add(2 * PAGE), PAGE) == unknown,
        "munmap past the mapping"
    );
    ensure!(
        wasm::wasmtime_munmap((base - PAGE as u64) as *mut u8, PAGE) == unknown,
        "munmap below the window"
    );
    ensure!(
        wasm::wasmtime_mprotect(p, 2 * PAGE, READ | EXEC) == 0,
        "mprotect"
    );
    ensure!(wasm::wasmtime_mmap_remap(p, PAGE, RW) == 0, "remap");
    let writable = |q: *mut u8| paging::page_flags(q as u64).map(|f| f.writable);
    ensure!(writable(p) == Some(true), "remapped page not writable");
    ensure!(
        writable(second) == Some(false),
        "remap reached past its range"
    );
    ensure!(wasm::wasmtime_munmap(p, PAGE) == 0, "partial munmap");
    ensure!(
        wasm::wasmtime_munmap(p, 2 * PAGE) == unknown,
        "munmap twice"
    );
    ensure!(
        wasm::wasmtime_munmap(second, PAGE) == 0,
        "munmap of the rest"
    );
    ensure!(wasm::reserved_bytes() == reserved, "address space kept");
    let mut image = core::ptr::null_mut();
    ensure!(
        wasm::wasmtime_memory_image_new(p, PAGE, &mut image) == 0 && image.is_null(),
        "a memory image was made"
    );
    ensure!(
        wasm::wasmtime_memory_image_map_at(image, p, PAGE) != 0,
        "mapping a memory image succeeded"
    );
    wasm::wasmtime_memory_image_free(image);
    Ok(())
}

/// A linear memory's reservation with Wasmtime's defaults: 4 GiB plus a
/// 32 MiB guard. 2,500 of them (10 TiB) overflow the 8 TiB window unless
/// freed ranges are reused.
const RESERVATION: usize = (4 << 30) + (32 << 20);
const CYCLES: usize = 2_500;

/// One agent's life: a linear memory with its first 64 KiB in use and a
/// small code mapping above it, freed out of order: the memory leaves a
/// hole that the next mapping must fill, then the top goes and the holes
/// merge back into free space. Returns the memory's address.
fn agent_cycle(cycle: usize) -> Result<u64, String> {
    let mut memory = Mapping::new(RESERVATION, 0).map_err(err)?;
    memory.protect(0, 16 * PAGE, RW).map_err(err)?;
    memory
        .write(cycle % 16 * PAGE, &[cycle as u8 | 1])
        .map_err(err)?;
    let code = Mapping::new((1 + cycle % 7) * PAGE, RW).map_err(err)?;
    let base = memory.base();
    drop(memory);
    let in_hole = Mapping::new(PAGE, RW).map_err(err)?;
    ensure!(in_hole.base() == base, "cycle {cycle}: the hole not reused");
    drop(code);
    drop(in_hole);
    Ok(base)
}

fn ranges_are_reused_without_leaks() -> Result<(), String> {
    // The first cycle makes the page tables, which stay for reuse.
    let first = agent_cycle(0)?;
    let (frames, mapped, reserved) = (free_frames(), wasm::mapped_bytes(), wasm::reserved_bytes());
    for cycle in 1..CYCLES {
        ensure!(
            agent_cycle(cycle)? == first,
            "cycle {cycle}: range not reused"
        );
    }
    ensure!(free_frames() == frames, "frames leaked");
    ensure!(wasm::mapped_bytes() == mapped, "mapped bytes leaked");
    ensure!(wasm::reserved_bytes() == reserved, "address space leaked");
    Ok(())
}
