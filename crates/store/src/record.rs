//! Journal records: the logical operations a commit makes durable.

use crate::codec::{Reader, Writer};
use alloc::string::String;
use alloc::vec::Vec;

/// Where a stream's bytes are in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stream {
    /// The bytes themselves (at most `INLINE_MAX`).
    Inline(Vec<u8>),
    /// Data blocks already written and flushed: byte length and runs.
    Extents { len: u64, runs: Vec<(u64, u64)> },
}

impl Stream {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Stream::Inline(b) => b.len() as u64,
            Stream::Extents { len, .. } => *len,
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// Create or replace an object.
    Put {
        ns: String,
        key: String,
        now: u64,
        content_type: String,
        tags: Vec<String>,
        value: Stream,
        embedding: Option<Stream>,
    },
    /// Delete an object.
    Delete { ns: String, key: String },
}

fn put_stream(w: &mut Writer, s: &Stream) {
    match s {
        Stream::Inline(bytes) => {
            w.u8(1);
            w.bytes(bytes);
        }
        Stream::Extents { len, runs } => {
            w.u8(2);
            w.u64(*len);
            w.u32(runs.len() as u32);
            for &(start, count) in runs {
                w.u64(start);
                w.u64(count);
            }
        }
    }
}

fn get_stream(r: &mut Reader<'_>) -> Option<Stream> {
    match r.u8()? {
        1 => Some(Stream::Inline(r.bytes()?.to_vec())),
        2 => {
            let len = r.u64()?;
            let count = r.u32()?;
            let mut runs = Vec::new();
            for _ in 0..count {
                runs.push((r.u64()?, r.u64()?));
            }
            Some(Stream::Extents { len, runs })
        }
        _ => None,
    }
}

/// Encodes a group of operations committed together.
pub(crate) fn encode(ops: &[Op]) -> Vec<u8> {
    let mut w = Writer::new();
    w.u32(ops.len() as u32);
    for op in ops {
        match op {
            Op::Put {
                ns,
                key,
                now,
                content_type,
                tags,
                value,
                embedding,
            } => {
                w.u8(1);
                w.short(ns);
                w.short(key);
                w.u64(*now);
                w.short(content_type);
                w.u8(tags.len() as u8);
                for t in tags {
                    w.short(t);
                }
                put_stream(&mut w, value);
                match embedding {
                    Some(e) => {
                        w.u8(1);
                        put_stream(&mut w, e);
                    }
                    None => w.u8(0),
                }
            }
            Op::Delete { ns, key } => {
                w.u8(2);
                w.short(ns);
                w.short(key);
            }
        }
    }
    w.0
}

/// Decodes a group; `None` if malformed.
pub(crate) fn decode(bytes: &[u8]) -> Option<Vec<Op>> {
    let mut r = Reader::new(bytes);
    let count = r.u32()?;
    let mut ops = Vec::new();
    for _ in 0..count {
        let op = match r.u8()? {
            1 => {
                let (ns, key, now, content_type) = (r.short()?, r.short()?, r.u64()?, r.short()?);
                let mut tags = Vec::new();
                for _ in 0..r.u8()? {
                    tags.push(r.short()?);
                }
                let value = get_stream(&mut r)?;
                let embedding = match r.u8()? {
                    0 => None,
                    1 => Some(get_stream(&mut r)?),
                    _ => return None,
                };
                Op::Put {
                    ns,
                    key,
                    now,
                    content_type,
                    tags,
                    value,
                    embedding,
                }
            }
            2 => Op::Delete {
                ns: r.short()?,
                key: r.short()?,
            },
            _ => return None,
        };
        ops.push(op);
    }
    r.is_done().then_some(ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn ops_round_trip_and_truncation_is_refused() {
        let ops = vec![
            Op::Put {
                ns: "n".to_string(),
                key: "k".to_string(),
                now: 5,
                content_type: "text/plain".to_string(),
                tags: vec!["a".to_string()],
                value: Stream::Inline(b"hi".to_vec()),
                embedding: Some(Stream::Extents {
                    len: 9000,
                    runs: vec![(10, 3)],
                }),
            },
            Op::Delete {
                ns: "n".to_string(),
                key: "j".to_string(),
            },
        ];
        let bytes = encode(&ops);
        assert_eq!(decode(&bytes), Some(ops));
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
    }
}
