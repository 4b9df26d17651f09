//! The rules for namespace, snapshot and key names, tags and content types.

use crate::error::Error;
use alloc::string::String;
use alloc::vec::Vec;

/// Longest object key, in bytes.
pub const MAX_KEY: usize = 255;
/// Longest namespace or snapshot name, in bytes.
pub const MAX_NAME: usize = 64;
/// Most tags on one object.
pub const MAX_TAGS: usize = 16;
/// Longest tag, in bytes.
pub const MAX_TAG: usize = 48;
/// Longest content type, in bytes.
pub const MAX_CONTENT_TYPE: usize = 127;
/// Most embedding dimensions.
pub const MAX_EMBEDDING: usize = 8192;
/// The namespace name that stands for the whole volume in `snapshots` and
/// `delete_snapshot`.
pub const VOLUME: &str = "*";

/// Checks a namespace or snapshot name: 1..=64 printable ASCII bytes, no `*`.
pub fn check_name(name: &str) -> Result<(), Error> {
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(Error::InvalidName("names are 1 to 64 bytes"));
    }
    if !name.bytes().all(|b| b.is_ascii_graphic() && b != b'*') {
        return Err(Error::InvalidName(
            "names are printable ASCII without spaces or '*'",
        ));
    }
    Ok(())
}

/// Checks an object key: 1..=255 bytes of UTF-8.
pub fn check_key(key: &str) -> Result<(), Error> {
    if key.is_empty() || key.len() > MAX_KEY {
        return Err(Error::InvalidName("keys are 1 to 255 bytes"));
    }
    Ok(())
}

/// Checks metadata; returns the tags as a sorted set.
pub fn check_meta(
    content_type: &str,
    tags: &[String],
    embedding: Option<&[f32]>,
) -> Result<Vec<String>, Error> {
    if content_type.len() > MAX_CONTENT_TYPE {
        return Err(Error::InvalidName("content types are at most 127 bytes"));
    }
    let mut set: Vec<String> = tags.to_vec();
    set.sort();
    set.dedup();
    if set.len() > MAX_TAGS {
        return Err(Error::InvalidName("at most 16 tags"));
    }
    if set.iter().any(|t| t.is_empty() || t.len() > MAX_TAG) {
        return Err(Error::InvalidName("tags are 1 to 48 bytes"));
    }
    if embedding.is_some_and(|e| e.len() > MAX_EMBEDDING) {
        return Err(Error::TooLarge);
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn rules_hold() {
        assert!(check_name("notes.agent-1").is_ok());
        assert!(check_name("").is_err() && check_name("a b").is_err() && check_name("*").is_err());
        assert!(check_name(&"x".repeat(65)).is_err());
        assert!(check_key(&"k".repeat(255)).is_ok() && check_key(&"k".repeat(256)).is_err());
        let tags = ["b".to_string(), "a".to_string(), "b".to_string()];
        assert_eq!(check_meta("text/plain", &tags, None).unwrap(), ["a", "b"]);
        assert!(check_meta("", &["".to_string()], None).is_err());
        assert_eq!(
            check_meta("", &[], Some(&[0.0; 8193])),
            Err(Error::TooLarge)
        );
    }
}
