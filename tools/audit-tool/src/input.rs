//! Reading an export from a file: raw export bytes or a text holding a dump.

use std::path::Path;

use crate::{ToolError, dump};

/// First byte of every raw export: the CBOR head of its 7-element array.
/// It is a UTF-8 continuation byte, so no text transcript starts with it.
const RAW_EXPORT_HEAD: u8 = 0x87;

/// The whole file at `path`.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ToolError> {
    std::fs::read(path).map_err(|e| ToolError::Io {
        action: "read",
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// The export in `file`: the file itself if it is a raw export (or empty,
/// which decodes as truncated), else the bytes of the last dump in it.
///
/// A raw export is recognised by its first byte before looking for dump
/// lines, so text inside its records can never be mistaken for a dump.
pub fn export_bytes(file: &[u8]) -> Result<Vec<u8>, ToolError> {
    match file.first() {
        None => Ok(Vec::new()),
        Some(&RAW_EXPORT_HEAD) => Ok(file.to_vec()),
        Some(_) => dump::find_last(file)?.ok_or(ToolError::NotAnExport),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_exports_pass_through_even_if_they_contain_dump_text() {
        let mut raw = vec![RAW_EXPORT_HEAD];
        raw.extend_from_slice(dump::encode(b"other").as_bytes());
        assert_eq!(export_bytes(&raw), Ok(raw.clone()));
    }

    #[test]
    fn text_yields_its_last_dump() {
        let text = format!("log line\n{}", dump::encode(&[RAW_EXPORT_HEAD, 1, 2]));
        assert_eq!(
            export_bytes(text.as_bytes()),
            Ok(vec![RAW_EXPORT_HEAD, 1, 2])
        );
    }

    #[test]
    fn text_without_a_dump_is_not_an_export() {
        assert_eq!(
            export_bytes(b"just some text\n"),
            Err(ToolError::NotAnExport)
        );
        assert_eq!(export_bytes(&[0xff, 0x00]), Err(ToolError::NotAnExport));
    }

    #[test]
    fn an_empty_file_is_an_empty_export() {
        assert_eq!(export_bytes(b""), Ok(Vec::new()));
    }

    #[test]
    fn a_missing_file_names_its_path() {
        let error = read_file(Path::new("/nonexistent/aios-audit-test"));
        assert!(
            matches!(&error, Err(ToolError::Io { action: "read", path, .. }) if path == "/nonexistent/aios-audit-test"),
            "{error:?}"
        );
    }
}
