//! Parsing and validating the kernel's ELF64 header and `PT_LOAD` segments.

use alloc::vec::Vec;
use core::fmt;

use aios_bootinfo::KERNEL_IMAGE_VIRT;

use crate::pages::PAGE_SIZE;

/// Largest kernel image span the loader accepts (models go in the bundle).
const MAX_SPAN: u64 = 1 << 30;
const PT_LOAD: u32 = 1;
const ET_EXEC: u16 = 2;
const EM_X86_64: u16 = 62;
const HEADER_LEN: usize = 64;
const PROGRAM_HEADER_LEN: usize = 56;

/// What is wrong with the kernel ELF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfError {
    /// Shorter than an ELF64 header.
    TooShort,
    /// No `\x7fELF` magic.
    NotElf,
    /// Not ELFCLASS64, little-endian, version 1.
    WrongClass,
    /// Not an executable (`ET_EXEC`) for x86_64.
    WrongMachine,
    /// The program header table lies outside the file or has a wrong entry size.
    BadProgramHeaders,
    /// A segment's file bytes lie outside the file.
    SegmentOutsideFile,
    /// A segment's memory size is smaller than its file size.
    MemorySizeBelowFileSize,
    /// A segment starts below the kernel's virtual base.
    BelowKernelBase(u64),
    /// A segment's end overflows the address space.
    AddressOverflow,
    /// Two segments overlap in memory.
    OverlappingSegments,
    /// No `PT_LOAD` segment.
    NoLoadableSegment,
    /// The lowest segment is not at `KERNEL_IMAGE_VIRT`.
    WrongBase(u64),
    /// The image spans more than the loader accepts.
    TooLarge(u64),
    /// The entry point is outside every segment.
    EntryOutsideImage(u64),
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElfError::TooShort => f.write_str("shorter than an ELF header"),
            ElfError::NotElf => f.write_str("not an ELF file"),
            ElfError::WrongClass => f.write_str("not a little-endian ELF64 file"),
            ElfError::WrongMachine => f.write_str("not an x86_64 executable"),
            ElfError::BadProgramHeaders => f.write_str("the program headers are malformed"),
            ElfError::SegmentOutsideFile => f.write_str("a segment extends past the file"),
            ElfError::MemorySizeBelowFileSize => {
                f.write_str("a segment's memory size is below its file size")
            }
            ElfError::BelowKernelBase(at) => write!(
                f,
                "a segment at {at:#x} is below the kernel base {KERNEL_IMAGE_VIRT:#x}"
            ),
            ElfError::AddressOverflow => f.write_str("a segment overflows the address space"),
            ElfError::OverlappingSegments => f.write_str("two segments overlap"),
            ElfError::NoLoadableSegment => f.write_str("no loadable segment"),
            ElfError::WrongBase(at) => write!(
                f,
                "the image starts at {at:#x}, not at {KERNEL_IMAGE_VIRT:#x}"
            ),
            ElfError::TooLarge(span) => {
                write!(f, "the image spans {span} bytes (at most {MAX_SPAN})")
            }
            ElfError::EntryOutsideImage(at) => {
                write!(f, "the entry point {at:#x} is outside every segment")
            }
        }
    }
}

/// One `PT_LOAD` segment, bounds-checked against the file.
#[derive(Debug, Clone, Copy)]
pub struct Segment {
    /// Offset of the segment's bytes in the file.
    pub file_offset: usize,
    /// Number of bytes taken from the file.
    pub file_size: usize,
    /// Virtual address of the first byte.
    pub virt: u64,
    /// Size in memory (the rest beyond `file_size` is zero).
    pub mem_size: u64,
}

/// A validated kernel ELF: its segments, entry point and image span.
#[derive(Debug)]
pub struct KernelElf {
    /// Loadable segments, sorted by address, not overlapping.
    pub segments: Vec<Segment>,
    /// Virtual address of the entry point.
    pub entry: u64,
    /// Bytes from `KERNEL_IMAGE_VIRT` to the page-rounded end of the last segment.
    pub span: u64,
}

impl KernelElf {
    /// Validates `file` as a kernel the loader can place at `KERNEL_IMAGE_VIRT`.
    pub fn parse(file: &[u8]) -> Result<KernelElf, ElfError> {
        let header = file.get(..HEADER_LEN).ok_or(ElfError::TooShort)?;
        if header[..4] != *b"\x7fELF" {
            return Err(ElfError::NotElf);
        }
        if header[4] != 2 || header[5] != 1 || header[6] != 1 || u32_at(header, 20) != 1 {
            return Err(ElfError::WrongClass);
        }
        if u16_at(header, 16) != ET_EXEC || u16_at(header, 18) != EM_X86_64 {
            return Err(ElfError::WrongMachine);
        }
        let entry = u64_at(header, 24);
        let table_offset =
            usize::try_from(u64_at(header, 32)).map_err(|_| ElfError::BadProgramHeaders)?;
        let entry_size = usize::from(u16_at(header, 54));
        let count = usize::from(u16_at(header, 56));
        if entry_size != PROGRAM_HEADER_LEN {
            return Err(ElfError::BadProgramHeaders);
        }
        let table_end = count
            .checked_mul(PROGRAM_HEADER_LEN)
            .and_then(|len| len.checked_add(table_offset))
            .ok_or(ElfError::BadProgramHeaders)?;
        let table = file
            .get(table_offset..table_end)
            .ok_or(ElfError::BadProgramHeaders)?;

        let mut segments = Vec::new();
        for header in table.chunks_exact(PROGRAM_HEADER_LEN) {
            if u32_at(header, 0) == PT_LOAD && u64_at(header, 40) != 0 {
                segments.push(segment(file, header)?);
            }
        }
        segments.sort_unstable_by_key(|s| s.virt);
        let span = check_layout(&segments)?;
        let inside = |s: &Segment| entry >= s.virt && entry - s.virt < s.mem_size;
        if !segments.iter().any(inside) {
            return Err(ElfError::EntryOutsideImage(entry));
        }
        Ok(KernelElf {
            segments,
            entry,
            span,
        })
    }
}

/// Decodes and bounds-checks one `PT_LOAD` program header.
fn segment(file: &[u8], header: &[u8]) -> Result<Segment, ElfError> {
    let file_offset =
        usize::try_from(u64_at(header, 8)).map_err(|_| ElfError::SegmentOutsideFile)?;
    let file_size =
        usize::try_from(u64_at(header, 32)).map_err(|_| ElfError::SegmentOutsideFile)?;
    let virt = u64_at(header, 16);
    let mem_size = u64_at(header, 40);
    let file_end = file_offset
        .checked_add(file_size)
        .ok_or(ElfError::SegmentOutsideFile)?;
    if file_end > file.len() {
        return Err(ElfError::SegmentOutsideFile);
    }
    if mem_size < file_size as u64 {
        return Err(ElfError::MemorySizeBelowFileSize);
    }
    if virt < KERNEL_IMAGE_VIRT {
        return Err(ElfError::BelowKernelBase(virt));
    }
    virt.checked_add(mem_size)
        .ok_or(ElfError::AddressOverflow)?;
    Ok(Segment {
        file_offset,
        file_size,
        virt,
        mem_size,
    })
}

/// Checks sorted segments start at the kernel base, do not overlap and fit
/// [`MAX_SPAN`]; returns the page-rounded span.
fn check_layout(segments: &[Segment]) -> Result<u64, ElfError> {
    let first = segments.first().ok_or(ElfError::NoLoadableSegment)?;
    if first.virt != KERNEL_IMAGE_VIRT {
        return Err(ElfError::WrongBase(first.virt));
    }
    let mut end = KERNEL_IMAGE_VIRT;
    for s in segments {
        if s.virt < end {
            return Err(ElfError::OverlappingSegments);
        }
        // `segment` checked this addition.
        end = s.virt + s.mem_size;
    }
    let span = (end - KERNEL_IMAGE_VIRT)
        .checked_next_multiple_of(PAGE_SIZE)
        .ok_or(ElfError::AddressOverflow)?;
    if span > MAX_SPAN {
        return Err(ElfError::TooLarge(span));
    }
    Ok(span)
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut raw = [0; 4];
    raw.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(raw)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut raw = [0; 8];
    raw.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(raw)
}
