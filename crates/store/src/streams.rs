//! Object data outside the tree: payload blocks written straight to
//! allocated extents (before the journal record that references them), and
//! ranged reads that verify every block.

use crate::block::{self, HEADER_SIZE, Kind, PAYLOAD};
use crate::device::{BLOCK_SIZE, BlockDevice};
use crate::error::Error;
use crate::keys::{self, EXTENTS, INLINE, INLINE_CHUNK};
use crate::node::Ptr;
use crate::store::Store;
use alloc::vec;
use alloc::vec::Vec;

/// Blocks written per device request when streaming.
const RUN: u64 = 256;

impl<D: BlockDevice> Store<D> {
    /// A free run of 1..=`max` blocks for data, checkpointing and collecting
    /// garbage before giving up with `NoSpace`.
    fn allocate_data(&mut self, max: u64) -> Result<(u64, u64), Error> {
        if let Some(run) = self.pager.space.allocate(max, self.reserve) {
            return Ok(run);
        }
        self.checkpoint()?;
        if let Some(run) = self.pager.space.allocate(max, self.reserve) {
            return Ok(run);
        }
        self.collect_garbage()?;
        self.pager
            .space
            .allocate(max, self.reserve)
            .ok_or(Error::NoSpace)
    }

    /// Writes `chunks` (each at most one payload; all but the last full) as
    /// data blocks of upload `id`, appending their runs to `runs`.
    pub(crate) fn write_payloads(
        &mut self,
        id: u64,
        chunks: &[&[u8]],
        runs: &mut Vec<(u64, u64)>,
    ) -> Result<(), Error> {
        self.with_run_buffer(|store, buf| store.write_runs(id, chunks, runs, buf))
    }

    /// Runs `f` with the store's run buffer lent out (see `run_buffer`).
    fn with_run_buffer<R>(&mut self, f: impl FnOnce(&mut Self, &mut Vec<u8>) -> R) -> R {
        let mut buf = core::mem::take(&mut self.run_buffer);
        let result = f(self, &mut buf);
        self.run_buffer = buf;
        result
    }

    fn write_runs(
        &mut self,
        id: u64,
        chunks: &[&[u8]],
        runs: &mut Vec<(u64, u64)>,
        buf: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let birth = self.birth();
        let mut at = 0usize;
        while at < chunks.len() {
            let want = ((chunks.len() - at) as u64).min(RUN);
            let (start, count) = self.allocate_data(want)?;
            self.uploads.entry(id).or_default().push((start, count));
            match runs.last_mut() {
                Some(last) if last.0 + last.1 == start => last.1 += count,
                _ => runs.push((start, count)),
            }
            // The buffer is reused from run to run without zeroing it: every
            // byte of a block is written below (header, payload, zeroed
            // tail), so nothing of an earlier block reaches the disk.
            let buf = blocks_of(buf, count);
            for (i, block) in buf.chunks_exact_mut(BLOCK_SIZE).enumerate() {
                let chunk = chunks[at + i];
                let (payload, tail) = block[HEADER_SIZE..].split_at_mut(chunk.len());
                payload.copy_from_slice(chunk);
                tail.fill(0);
                block::seal(
                    block,
                    Kind::Data,
                    chunk.len() as u32,
                    birth,
                    start + i as u64,
                );
            }
            self.pager.write(start, buf)?;
            at += count as usize;
        }
        Ok(())
    }

    /// Frees the blocks of an upload that will never be committed (a
    /// committed upload was already removed by `commit`).
    pub(crate) fn drop_upload_blocks(&mut self, id: u64) {
        for (start, count) in self.uploads.remove(&id).unwrap_or_default() {
            self.pager.space.unmark(start, count);
        }
    }

    /// Checks that a stream's record agrees with where its bytes are, before
    /// anything is allocated for it.
    pub(crate) fn check_stream(
        &mut self,
        root: Ptr,
        key: &str,
        which: u8,
        at: u8,
        len: u64,
    ) -> Result<(), Error> {
        let fits = match at {
            INLINE => len <= keys::INLINE_MAX as u64,
            EXTENTS => {
                let blocks: u64 = self
                    .extents(root, key, which)?
                    .iter()
                    .map(|e| e.1.1)
                    .fold(0, u64::saturating_add);
                len <= blocks.saturating_mul(PAYLOAD as u64)
            }
            _ => len == 0,
        };
        if fits {
            Ok(())
        } else {
            Err(Error::corrupt(0, "object record"))
        }
    }

    /// Reads bytes `offset..offset + buf.len()` (clipped to `len`) of a
    /// stream stored `at` (inline or extents); returns the bytes read.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn read_stream(
        &mut self,
        root: Ptr,
        key: &str,
        which: u8,
        at: u8,
        len: u64,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<usize, Error> {
        if offset >= len {
            return Ok(0);
        }
        self.check_stream(root, key, which, at, len)?;
        let want = (len - offset).min(buf.len() as u64) as usize;
        let buf = &mut buf[..want];
        match at {
            INLINE => {
                let mut done = 0;
                while done < want {
                    let pos = offset as usize + done;
                    let chunk = self
                        .pager
                        .get(root, &keys::inline(key, which, (pos / INLINE_CHUNK) as u8))?
                        .ok_or_else(|| Error::corrupt(0, "inline data entry"))?;
                    let inside = pos % INLINE_CHUNK;
                    let part = chunk
                        .get(inside..)
                        .filter(|p| !p.is_empty())
                        .ok_or_else(|| Error::corrupt(0, "inline data entry"))?;
                    let n = part.len().min(want - done);
                    buf[done..done + n].copy_from_slice(&part[..n]);
                    done += n;
                }
                Ok(want)
            }
            EXTENTS => {
                let extents = self.extents(root, key, which)?;
                self.read_extents(&extents, len, offset, buf)?;
                Ok(want)
            }
            _ => Err(Error::corrupt(0, "object record")),
        }
    }

    fn read_extents(
        &mut self,
        extents: &[crate::apply::ExtentEntry],
        len: u64,
        offset: u64,
        buf: &mut [u8],
    ) -> Result<(), Error> {
        self.with_run_buffer(|store, scratch| store.read_runs(extents, len, offset, buf, scratch))
    }

    fn read_runs(
        &mut self,
        extents: &[crate::apply::ExtentEntry],
        len: u64,
        offset: u64,
        buf: &mut [u8],
        scratch: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let payload = PAYLOAD as u64;
        let mut done = 0usize;
        while done < buf.len() {
            let pos = offset + done as u64;
            let index = pos / payload;
            let (first, (start, count, _)) = extents
                .iter()
                .map(|(k, e)| (keys::extent_first(k).unwrap_or(u64::MAX), *e))
                .take_while(|(f, _)| *f <= index)
                .last()
                .ok_or_else(|| Error::corrupt(0, "extent entry"))?;
            let inside = index - first;
            if inside >= count {
                return Err(Error::corrupt(start, "extent entry"));
            }
            let last_needed = (offset + buf.len() as u64 - 1) / payload;
            let n = (count - inside).min(last_needed - index + 1).min(RUN);
            let scratch = blocks_of(scratch, n);
            let addr = start + inside;
            self.pager.read(addr, scratch)?;
            for (i, block) in scratch.chunks_exact(BLOCK_SIZE).enumerate() {
                let b = index + i as u64;
                let expect = (len - b * payload).min(payload) as u32;
                match block::open(block, Kind::Data, addr + i as u64) {
                    Some(h) if h.aux == expect => {}
                    _ => return Err(Error::corrupt(addr + i as u64, "object data")),
                }
                let from = if i == 0 { (pos % payload) as usize } else { 0 };
                let data = &block[HEADER_SIZE + from..HEADER_SIZE + expect as usize];
                let m = data.len().min(buf.len() - done);
                buf[done..done + m].copy_from_slice(&data[..m]);
                done += m;
            }
        }
        Ok(())
    }
}

/// The first `count` blocks of `buf`, which grows (never shrinks) to hold
/// them.
fn blocks_of(buf: &mut Vec<u8>, count: u64) -> &mut [u8] {
    let bytes = count as usize * BLOCK_SIZE;
    if buf.len() < bytes {
        buf.resize(bytes, 0);
    }
    &mut buf[..bytes]
}

/// Splits bytes into payload-sized chunks.
pub(crate) fn payload_chunks(data: &[u8]) -> Vec<&[u8]> {
    data.chunks(PAYLOAD).collect()
}

/// The little-endian bytes of an embedding.
pub(crate) fn embedding_bytes(e: &[f32]) -> Vec<u8> {
    e.iter().flat_map(|f| f.to_le_bytes()).collect()
}

/// An embedding from its bytes.
pub(crate) fn embedding_from(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Zeroed buffer of `n` bytes.
pub(crate) fn zeroed(n: usize) -> Vec<u8> {
    vec![0u8; n]
}
