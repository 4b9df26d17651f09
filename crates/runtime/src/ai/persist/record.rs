//! The records of `aios.fabric` and their keys.
//!
//! - `<H(name)>`: region record, CBOR `[1, name, owner]`;
//! - `<H(name)>/<H(key)>`: entry record, the key's newest version, CBOR
//!   `[1, name, owner, key, value, tags, embedding, version, writer,
//!   created]` (`embedding`: little-endian f32 bytes, or null).
//!
//! `H` is the SHA3-256 digest in lower-case hex (64 characters), so any
//! region name and any fabric key (up to 1 KiB) fit the store's 255-byte
//! keys, and a region's records are the keys under its prefix. `1` is
//! the format version; `owner` is the region's, `writer` the agent that
//! wrote the version (a merged grantee's).

use super::Named;
use aios_fabric::{Entry, RegionId};
use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decoder, Encoder};

/// The format version of both records.
const FORMAT: u64 = 1;

/// `bytes`' SHA3-256 digest in hex.
fn digest(bytes: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for byte in aios_audit::fingerprint(bytes) {
        for nibble in [byte >> 4, byte & 0xf] {
            hex.push(char::from(b"0123456789abcdef"[usize::from(nibble)]));
        }
    }
    hex
}

/// The object key of region `name`'s record.
pub(crate) fn region_key(name: &str) -> String {
    digest(name.as_bytes())
}

/// The object key of `key`'s record in region `name`.
pub(crate) fn entry_key(name: &str, key: &str) -> String {
    let mut object = region_key(name);
    object.push('/');
    object.push_str(&digest(key.as_bytes()));
    object
}

pub(crate) fn encode_region(named: &Named) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out);
    // Writing to a Vec cannot fail.
    let _ = e
        .array(3)
        .and_then(|e| e.u64(FORMAT))
        .and_then(|e| e.str(&named.name))
        .and_then(|e| e.u64(named.owner));
    out
}

pub(crate) fn decode_region(bytes: &[u8]) -> Option<Named> {
    let mut d = Decoder::new(bytes);
    if d.array().ok()? != Some(3) || d.u64().ok()? != FORMAT {
        return None;
    }
    let name = String::from(d.str().ok()?);
    let owner = d.u64().ok()?;
    (d.position() == bytes.len()).then_some(Named { name, owner })
}

pub(crate) fn encode_entry(region: &Named, entry: &Entry) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = Encoder::new(&mut out);
    let embedding: Option<Vec<u8>> = entry
        .embedding
        .as_ref()
        .map(|v| v.iter().flat_map(|x| x.to_le_bytes()).collect());
    // Writing to a Vec cannot fail.
    let _ = e
        .array(10)
        .and_then(|e| e.u64(FORMAT))
        .and_then(|e| e.str(&region.name))
        .and_then(|e| e.u64(region.owner))
        .and_then(|e| e.str(&entry.key))
        .and_then(|e| e.bytes(&entry.value))
        .and_then(|e| e.array(entry.tags.len() as u64))
        .and_then(|e| entry.tags.iter().try_fold(e, |e, tag| e.str(tag)))
        .and_then(|e| match &embedding {
            Some(bytes) => e.bytes(bytes),
            None => e.null(),
        })
        .and_then(|e| e.u64(entry.version))
        .and_then(|e| e.u64(entry.owner))
        .and_then(|e| e.u64(entry.created));
    out
}

/// An entry record: its region and the entry (with a placeholder region
/// id: the region's id is only known once it is created).
pub(crate) fn decode_entry(bytes: &[u8]) -> Option<(Named, Entry)> {
    let mut d = Decoder::new(bytes);
    if d.array().ok()? != Some(10) || d.u64().ok()? != FORMAT {
        return None;
    }
    let name = String::from(d.str().ok()?);
    let owner = d.u64().ok()?;
    let key = String::from(d.str().ok()?);
    let value = d.bytes().ok()?.to_vec();
    let count = d.array().ok()??;
    let mut tags = Vec::new();
    for _ in 0..count {
        tags.push(String::from(d.str().ok()?));
    }
    let embedding = if d.datatype().ok()? == minicbor::data::Type::Null {
        d.null().ok()?;
        None
    } else {
        let bytes = d.bytes().ok()?;
        if bytes.len() % 4 != 0 {
            return None;
        }
        let floats = bytes.chunks_exact(4).map(|c| {
            let mut word = [0; 4];
            word.copy_from_slice(c);
            f32::from_le_bytes(word)
        });
        Some(floats.collect())
    };
    let entry = Entry {
        key,
        value,
        tags,
        embedding,
        version: d.u64().ok()?,
        owner: d.u64().ok()?,
        region: RegionId(0),
        created: d.u64().ok()?,
        expires: None,
    };
    (d.position() == bytes.len()).then_some((Named { name, owner }, entry))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn named() -> Named {
        Named {
            name: String::from("diary"),
            owner: 42,
        }
    }

    #[test]
    fn records_round_trip_and_damage_is_refused() {
        assert_eq!(decode_region(&encode_region(&named())), Some(named()));
        let entry = Entry {
            key: String::from("k"),
            value: vec![1, 2, 3],
            tags: vec![String::from("a"), String::from("b")],
            embedding: Some(vec![0.6, -0.8, f32::MIN_POSITIVE]),
            version: 7,
            owner: 9,
            region: RegionId(0),
            created: 11,
            expires: None,
        };
        let bytes = encode_entry(&named(), &entry);
        assert_eq!(decode_entry(&bytes), Some((named(), entry.clone())));
        let bare = Entry {
            embedding: None,
            tags: vec![],
            ..entry
        };
        let bytes = encode_entry(&named(), &bare);
        assert_eq!(decode_entry(&bytes), Some((named(), bare)));
        for cut in 0..bytes.len() {
            assert_eq!(decode_entry(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_entry(&longer), None, "trailing bytes");
        assert_eq!(decode_entry(&encode_region(&named())), None);
        assert_eq!(decode_region(&bytes), None);
    }

    #[test]
    fn keys_are_fixed_length_digests_under_the_region() {
        let long = "x".repeat(1024);
        let key = entry_key("diary", &long);
        assert_eq!(key.len(), 129);
        assert!(key.starts_with(&region_key("diary")));
        assert_ne!(entry_key("diary", "a"), entry_key("diarx", "a"));
        assert_ne!(entry_key("diary", "a"), entry_key("diary", "b"));
        assert!(region_key("").bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
