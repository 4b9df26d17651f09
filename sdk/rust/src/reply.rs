//! Syscalls that write a CBOR reply into a caller buffer (growing the
//! buffer when the kernel says it is too small, then decoding), and byte
//! streams the kernel hands out in pieces.

use crate::status::check;
use aios_abi::Error;
use std::vec::Vec;

/// The largest reply buffer the SDK offers before giving up with
/// [`Error::BufferTooSmall`] (1 MiB; a list of thousands of agents fits).
pub const MAX_REPLY: usize = 1 << 20;

/// Calls `call(buffer)` with a buffer of `initial` bytes, doubling it while
/// the result is [`Error::BufferTooSmall`], and returns the bytes the kernel
/// reported writing. `call` returns the raw syscall result: a length or a
/// negative error code.
pub fn read_reply(initial: usize, call: impl FnMut(&mut [u8]) -> i32) -> Result<Vec<u8>, Error> {
    read_reply_up_to(initial, MAX_REPLY, call)
}

/// [`read_reply`] with a ceiling other than [`MAX_REPLY`]: the buffer
/// starts at `initial` bytes and doubles up to `max` (a message may be
/// `aios_ipc::MAX_MESSAGE` bytes, a little over 1 MiB).
pub fn read_reply_up_to(
    initial: usize,
    max: usize,
    mut call: impl FnMut(&mut [u8]) -> i32,
) -> Result<Vec<u8>, Error> {
    let max = max.max(1);
    let mut capacity = initial.clamp(1, max);
    loop {
        let mut buffer = std::vec![0u8; capacity];
        match check(call(&mut buffer)) {
            Ok(written) => {
                let written = usize::try_from(written).map_err(|_| Error::BadLength)?;
                if written > buffer.len() {
                    return Err(Error::BadLength);
                }
                buffer.truncate(written);
                return Ok(buffer);
            }
            Err(Error::BufferTooSmall) if capacity < max => {
                capacity = capacity.saturating_mul(2).min(max);
            }
            Err(error) => return Err(error),
        }
    }
}

/// Like [`read_reply_up_to`], into a buffer kept between calls: it starts
/// at `initial` bytes, doubles (up to `max`) while the kernel answers
/// `BufferTooSmall`, and is never shrunk or cleared, so a steady stream of
/// calls neither allocates nor zeroes. Returns the length written.
pub fn read_into(
    buffer: &mut Vec<u8>,
    initial: usize,
    max: usize,
    mut call: impl FnMut(&mut [u8]) -> i32,
) -> Result<usize, Error> {
    let max = max.max(1);
    if buffer.len() < initial.clamp(1, max) {
        buffer.resize(initial.clamp(1, max), 0);
    }
    loop {
        match check(call(buffer)) {
            Ok(written) => {
                let written = usize::try_from(written).map_err(|_| Error::BadLength)?;
                if written > buffer.len() {
                    return Err(Error::BadLength);
                }
                return Ok(written);
            }
            Err(Error::BufferTooSmall) if buffer.len() < max => {
                let grown = buffer.len().saturating_mul(2).min(max);
                buffer.resize(grown, 0);
            }
            Err(error) => return Err(error),
        }
    }
}

/// Reads a byte stream the kernel hands out in pieces: calls
/// `call(offset, chunk)` with a buffer of `chunk` bytes at offsets 0, n₁,
/// n₁+n₂, … and concatenates what each call reports copying, until a call
/// copies 0 bytes. Gives up with [`Error::BufferTooSmall`] past `max` bytes.
pub fn read_stream(
    chunk: usize,
    max: usize,
    mut call: impl FnMut(u64, &mut [u8]) -> i32,
) -> Result<Vec<u8>, Error> {
    let mut buffer = std::vec![0u8; chunk.max(1)];
    let mut stream = Vec::new();
    loop {
        let offset = u64::try_from(stream.len()).map_err(|_| Error::BadLength)?;
        let copied =
            usize::try_from(check(call(offset, &mut buffer))?).map_err(|_| Error::BadLength)?;
        if copied == 0 {
            return Ok(stream);
        }
        let piece = buffer.get(..copied).ok_or(Error::BadLength)?;
        let total = stream.len().checked_add(copied).ok_or(Error::BadLength)?;
        if total > max {
            return Err(Error::BufferTooSmall);
        }
        stream.extend_from_slice(piece);
    }
}

/// [`read_reply`], then decodes the bytes as `T`.
pub fn query<T>(initial: usize, call: impl FnMut(&mut [u8]) -> i32) -> Result<T, Error>
where
    T: for<'b> minicbor::Decode<'b, ()>,
{
    let bytes = read_reply(initial, call)?;
    aios_abi::decode(&bytes)
}

#[cfg(test)]
mod read_into_tests {
    use super::*;

    #[test]
    fn the_buffer_grows_on_demand_and_is_kept() {
        let mut buffer = Vec::new();
        let mut calls = 0;
        let n = read_into(&mut buffer, 4, 64, |out| {
            calls += 1;
            if out.len() < 10 {
                return Error::BufferTooSmall.code();
            }
            out[..10].copy_from_slice(b"0123456789");
            10
        })
        .unwrap();
        assert_eq!((n, calls, buffer.len()), (10, 3, 16));
        assert_eq!(&buffer[..n], b"0123456789");
        let n = read_into(&mut buffer, 4, 64, |_| 3).unwrap();
        assert_eq!((n, buffer.len()), (3, 16), "kept, not shrunk");
        assert_eq!(
            read_into(&mut buffer, 4, 16, |_| Error::BufferTooSmall.code()),
            Err(Error::BufferTooSmall)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aios_abi::payload::{AgentInfo, AgentState};

    /// A fake kernel call that writes `reply` only if it fits, as the
    /// kernel does, and counts the attempts.
    fn fake(reply: &[u8], attempts: &mut u32) -> impl FnMut(&mut [u8]) -> i32 {
        move |buffer: &mut [u8]| {
            *attempts += 1;
            if reply.len() > buffer.len() {
                return Error::BufferTooSmall.code();
            }
            buffer[..reply.len()].copy_from_slice(reply);
            i32::try_from(reply.len()).unwrap_or(i32::MAX)
        }
    }

    fn sample() -> AgentInfo {
        AgentInfo {
            id: 17,
            name: "a-rather-long-agent-name-to-overflow-small-buffers".into(),
            state: AgentState::Running,
            exit_code: None,
            reason: None,
            memory_pages: 18,
            fuel_used: 123_456,
            cpu_permille: 250,
            parent: Some(1),
            last_cpu: Some(0),
            restarts: 0,
            ipc: aios_abi::payload::IpcCounters::default(),
        }
    }

    #[test]
    fn grows_the_buffer_until_the_reply_fits() {
        let bytes = aios_abi::encode(&sample());
        assert!(bytes.len() > 16);
        let mut attempts = 0;
        let info: AgentInfo = query(16, fake(&bytes, &mut attempts)).unwrap();
        assert_eq!(info, sample());
        // 16, 32, 64, then 128 ≥ the ~90-byte reply.
        assert_eq!(attempts, 4);
    }

    #[test]
    fn gives_up_past_the_maximum() {
        let huge = std::vec![0u8; MAX_REPLY + 1];
        let mut attempts = 0;
        assert_eq!(
            read_reply(4096, fake(&huge, &mut attempts)),
            Err(Error::BufferTooSmall)
        );
        assert_eq!(attempts, 9);
    }

    #[test]
    fn the_ceiling_can_exceed_the_default() {
        let big = std::vec![7u8; MAX_REPLY + 100];
        let mut attempts = 0;
        let read = read_reply_up_to(MAX_REPLY, MAX_REPLY + 4096, fake(&big, &mut attempts));
        assert_eq!(read.map(|bytes| bytes.len()), Ok(MAX_REPLY + 100));
        // MAX_REPLY is too small; the next try is clamped to the ceiling.
        assert_eq!(attempts, 2);
    }

    /// A fake `audit_export`: copies `source[offset..]` into the buffer.
    fn exporter(source: &[u8]) -> impl FnMut(u64, &mut [u8]) -> i32 {
        move |offset, buffer: &mut [u8]| {
            let start = usize::try_from(offset)
                .unwrap_or(usize::MAX)
                .min(source.len());
            let count = buffer.len().min(source.len() - start);
            buffer[..count].copy_from_slice(&source[start..start + count]);
            i32::try_from(count).unwrap_or(i32::MAX)
        }
    }

    #[test]
    fn streams_are_read_chunk_by_chunk_until_empty() {
        let source: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        assert_eq!(read_stream(64, 4096, exporter(&source)), Ok(source.clone()));
        assert_eq!(
            read_stream(1000, 4096, exporter(&source)),
            Ok(source.clone())
        );
        assert_eq!(read_stream(64, 4096, exporter(&[])), Ok(std::vec![]));
        assert_eq!(
            read_stream(64, 999, exporter(&source)),
            Err(Error::BufferTooSmall)
        );
        assert_eq!(
            read_stream(64, 4096, |_, _| Error::PermissionDenied.code()),
            Err(Error::PermissionDenied)
        );
        // A count larger than the buffer is the kernel's mistake, not ours.
        assert_eq!(read_stream(64, 4096, |_, _| 65), Err(Error::BadLength));
    }

    #[test]
    fn other_errors_and_bad_lengths_are_reported() {
        assert_eq!(
            read_reply(64, |_| Error::StaleHandle.code()),
            Err(Error::StaleHandle)
        );
        assert_eq!(read_reply(64, |_| 65), Err(Error::BadLength));
        assert_eq!(read_reply(64, |_| 0), Ok(std::vec![]));
        let garbage = query::<AgentInfo>(64, |buffer| {
            buffer[0] = 0xFF;
            1
        });
        assert_eq!(garbage, Err(Error::MalformedPayload));
    }
}
