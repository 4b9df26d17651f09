//! Tests of the frame allocator, page mapping and the kernel heap.

use super::{ensure, ktests};
use aios_hal::paging::{self, MapError, PageFlags};
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

ktests!(
    frames_are_distinct_aligned_and_returned,
    double_free_is_refused,
    page_map_translate_unmap,
    null_page_is_unmapped,
    heap_grows_beyond_its_initial_size,
);

fn frames_are_distinct_aligned_and_returned() -> Result<(), String> {
    let before = aios_hal::frames::stats().free;
    let mut frames = Vec::new();
    for _ in 0..256 {
        frames.push(aios_hal::frames::alloc().ok_or("out of frames")?);
    }
    ensure!(frames.iter().all(|f| f % 4096 == 0), "unaligned frame");
    let mut sorted = frames.clone();
    sorted.sort_unstable();
    sorted.dedup();
    ensure!(sorted.len() == frames.len(), "a frame was handed out twice");
    ensure!(
        aios_hal::frames::stats().free == before - 256,
        "free count did not drop by 256"
    );
    for f in frames {
        aios_hal::frames::free(f).map_err(|e| alloc::format!("free failed: {e:?}"))?;
    }
    ensure!(
        aios_hal::frames::stats().free == before,
        "frames not returned"
    );
    Ok(())
}

fn double_free_is_refused() -> Result<(), String> {
    let frame = aios_hal::frames::alloc().ok_or("out of frames")?;
    aios_hal::frames::free(frame).map_err(|e| alloc::format!("{e:?}"))?;
    ensure!(
        aios_hal::frames::free(frame).is_err(),
        "double free accepted"
    );
    ensure!(
        aios_hal::frames::free(frame + 1).is_err(),
        "unaligned free accepted"
    );
    Ok(())
}

/// A virtual page no other code uses.
const TEST_PAGE: u64 = 0xFFFF_E000_0000_0000;

fn page_map_translate_unmap() -> Result<(), String> {
    let frame = aios_hal::frames::alloc().ok_or("out of frames")?;
    paging::map_4k(TEST_PAGE, frame, PageFlags::DATA).map_err(|e| alloc::format!("{e:?}"))?;
    ensure!(
        paging::translate(TEST_PAGE + 0x123) == Some(frame + 0x123),
        "wrong translation"
    );
    ensure!(
        paging::map_4k(TEST_PAGE, frame, PageFlags::DATA) == Err(MapError::AlreadyMapped),
        "double mapping accepted"
    );
    ensure!(
        paging::map_4k(TEST_PAGE + 1, frame, PageFlags::DATA) == Err(MapError::Unaligned),
        "unaligned mapping accepted"
    );
    ensure!(
        paging::unmap_4k(TEST_PAGE) == Ok(frame),
        "unmap returned the wrong frame"
    );
    ensure!(
        paging::translate(TEST_PAGE).is_none(),
        "still mapped after unmap"
    );
    ensure!(
        paging::unmap_4k(TEST_PAGE) == Err(MapError::NotMapped),
        "unmapped twice"
    );
    let generation = paging::shootdown_generation();
    let me = aios_hal::percpu::try_index();
    for cpu in aios_hal::percpu::all() {
        if cpu.online.load(Ordering::Acquire) && Some(cpu.index) != me {
            let seen = cpu.tlb_flushes.load(Ordering::Acquire);
            ensure!(
                seen >= generation,
                "cpu {} did not flush its TLB after the unmap",
                cpu.index
            );
        }
    }
    aios_hal::frames::free(frame).map_err(|e| alloc::format!("{e:?}"))?;
    Ok(())
}

fn null_page_is_unmapped() -> Result<(), String> {
    ensure!(paging::translate(0).is_none(), "address 0 is mapped");
    ensure!(
        paging::translate(0x8000).is_none(),
        "low memory is still identity mapped"
    );
    Ok(())
}

fn heap_grows_beyond_its_initial_size() -> Result<(), String> {
    let before = aios_hal::heap::stats().mapped;
    let len = 8 << 20;
    let mut big: Vec<u64> = Vec::new();
    big.try_reserve_exact(len / 8)
        .map_err(|_| "8 MiB allocation refused")?;
    big.extend((0..len as u64 / 8).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    ensure!(aios_hal::heap::stats().mapped > before, "heap did not grow");
    let ok = big
        .iter()
        .enumerate()
        .all(|(i, &v)| v == (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    ensure!(ok, "heap memory did not hold its contents");
    Ok(())
}
