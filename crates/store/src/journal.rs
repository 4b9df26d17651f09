//! The write-ahead journal: a fixed region of blocks holding records, each
//! one or more blocks stamped with its sequence number and its index in
//! the record. Replay stops at the first block that is torn, stale or
//! fails its checksum.

use crate::block::{self, HEADER_SIZE, Kind, PAYLOAD};
use crate::device::{BLOCK_SIZE, BlockDevice};
use crate::error::Error;
use crate::pager::Pager;
use crate::record::{self, Op};
use alloc::vec;
use alloc::vec::Vec;

/// Where the journal is and where the next record goes.
#[derive(Debug, Clone)]
pub(crate) struct Journal {
    pub(crate) start: u64,
    pub(crate) blocks: u64,
    pub(crate) pos: u64,
    pub(crate) next_seq: u64,
}

/// Blocks a record of `len` encoded bytes takes.
pub(crate) fn blocks_for(len: usize) -> u64 {
    (len + 4).div_ceil(PAYLOAD) as u64
}

impl Journal {
    /// Lays `bytes` out as the blocks of record `seq` starting at `pos`.
    fn frame(&self, bytes: &[u8], seq: u64) -> Vec<u8> {
        let n = blocks_for(bytes.len()) as usize;
        let mut body = Vec::with_capacity(n * PAYLOAD);
        body.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        body.extend_from_slice(bytes);
        let mut out = vec![0u8; n * BLOCK_SIZE];
        for (i, block) in out.chunks_exact_mut(BLOCK_SIZE).enumerate() {
            let part = body.get(i * PAYLOAD..).unwrap_or(&[]);
            let part = &part[..part.len().min(PAYLOAD)];
            block[HEADER_SIZE..HEADER_SIZE + part.len()].copy_from_slice(part);
            block::seal(
                block,
                Kind::Journal,
                i as u32,
                seq,
                self.start + self.pos + i as u64,
            );
        }
        out
    }

    /// Whether a record of `len` bytes fits in the space left.
    pub(crate) fn fits(&self, len: usize) -> bool {
        self.pos + blocks_for(len) <= self.blocks
    }

    /// Writes and flushes one record; durable after `Ok`.
    pub(crate) fn append<D: BlockDevice>(
        &mut self,
        pager: &mut Pager<D>,
        ops: &[Op],
    ) -> Result<(), Error> {
        let bytes = record::encode(ops);
        if !self.fits(bytes.len()) {
            return Err(Error::TooLarge);
        }
        let framed = self.frame(&bytes, self.next_seq);
        pager.write(self.start + self.pos, &framed)?;
        pager.flush()?;
        self.pos += (framed.len() / BLOCK_SIZE) as u64;
        self.next_seq += 1;
        Ok(())
    }

    /// Reads the valid records from the start of the journal, in order.
    pub(crate) fn replay<D: BlockDevice>(
        &mut self,
        pager: &mut Pager<D>,
    ) -> Result<Vec<Vec<Op>>, Error> {
        let mut out = Vec::new();
        while let Some((ops, used)) = self.read_one(pager)? {
            out.push(ops);
            self.pos += used;
            self.next_seq += 1;
        }
        Ok(out)
    }

    fn read_one<D: BlockDevice>(
        &self,
        pager: &mut Pager<D>,
    ) -> Result<Option<(Vec<Op>, u64)>, Error> {
        if self.pos >= self.blocks {
            return Ok(None);
        }
        let mut buf = vec![0u8; BLOCK_SIZE];
        let addr = self.start + self.pos;
        pager.read(addr, &mut buf)?;
        let Some(header) = block::open(&buf, Kind::Journal, addr) else {
            return Ok(None);
        };
        if header.aux != 0 || header.generation != self.next_seq {
            return Ok(None);
        }
        let len = u32::from_le_bytes([buf[32], buf[33], buf[34], buf[35]]) as usize;
        let n = blocks_for(len);
        if self.pos + n > self.blocks {
            return Ok(None);
        }
        let mut body = Vec::with_capacity(n as usize * PAYLOAD);
        body.extend_from_slice(&buf[HEADER_SIZE..]);
        for i in 1..n {
            pager.read(addr + i, &mut buf)?;
            match block::open(&buf, Kind::Journal, addr + i) {
                Some(h) if h.aux as u64 == i && h.generation == self.next_seq => {
                    body.extend_from_slice(&buf[HEADER_SIZE..])
                }
                _ => return Ok(None),
            }
        }
        let Some(bytes) = body.get(4..4 + len) else {
            return Ok(None);
        };
        Ok(record::decode(bytes).map(|ops| (ops, n)))
    }
}
