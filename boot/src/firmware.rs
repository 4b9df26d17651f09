//! What the firmware tells the loader: paging mode, ACPI RSDP, framebuffer.

use aios_bootinfo::{Framebuffer, PixelFormat};
use uefi::boot::{self, OpenProtocolAttributes, OpenProtocolParams};
use uefi::proto::console::gop::{self, GraphicsOutput};
use uefi::system;
use uefi::table::cfg::ConfigTableEntry;

/// CR4.LA57: 5-level paging.
const CR4_LA57: u64 = 1 << 12;

/// True if the CPU runs with 5-level paging (CR4.LA57).
pub fn five_level_paging() -> bool {
    let cr4: u64;
    // SAFETY: reading CR4 has no side effects at ring 0, where UEFI runs us.
    unsafe {
        core::arch::asm!("mov {}, cr4", out(reg) cr4, options(nomem, nostack, preserves_flags))
    };
    cr4 & CR4_LA57 != 0
}

/// The ACPI 2.0 RSDP if the firmware has one, else the 1.0 one, else 0.
pub fn rsdp() -> u64 {
    system::with_config_table(|entries| {
        let find = |guid| {
            entries
                .iter()
                .find(|e| e.guid == guid)
                .map(|e| e.address as u64)
        };
        find(ConfigTableEntry::ACPI2_GUID)
            .or_else(|| find(ConfigTableEntry::ACPI_GUID))
            .unwrap_or(0)
    })
}

/// The GOP framebuffer in its current mode, or `Framebuffer::NONE`.
pub fn framebuffer() -> Framebuffer {
    let Ok(handle) = boot::get_handle_for_protocol::<GraphicsOutput>() else {
        return Framebuffer::NONE;
    };
    let params = OpenProtocolParams {
        handle,
        agent: boot::image_handle(),
        controller: None,
    };
    // SAFETY: `GetProtocol` leaves the console driver in charge of the GOP;
    // the loader only reads the mode and framebuffer address while the
    // protocol stays installed (boot services are up and nothing else runs).
    let opened = unsafe {
        boot::open_protocol::<GraphicsOutput>(params, OpenProtocolAttributes::GetProtocol)
    };
    let Ok(mut gop) = opened else {
        return Framebuffer::NONE;
    };
    let mode = gop.current_mode_info();
    let format = match mode.pixel_format() {
        gop::PixelFormat::Rgb => PixelFormat::Rgb,
        gop::PixelFormat::Bgr => PixelFormat::Bgr,
        _ => return Framebuffer::NONE,
    };
    let (width, height) = mode.resolution();
    let stride = mode.stride();
    let mut buffer = gop.frame_buffer();
    let (Ok(width), Ok(height), Ok(stride)) = (
        u32::try_from(width),
        u32::try_from(height),
        u32::try_from(stride),
    ) else {
        return Framebuffer::NONE;
    };
    Framebuffer {
        phys: buffer.as_mut_ptr() as u64,
        size: buffer.size() as u64,
        width,
        height,
        stride,
        format,
    }
}
