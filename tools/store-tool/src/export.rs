//! `export`: every object of every namespace as a file, plus `index.json`
//! describing each (namespace, key, file, size, version, times, content
//! type, tags, embedding).

use std::io::Write;
use std::path::Path;

use aios_store::ListQuery;

use crate::commands::mount;
use crate::json;

/// A key as a file name: bytes outside `[A-Za-z0-9._-]` become `%XX`.
pub(crate) fn file_name(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (b == b'.' && !out.is_empty()) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn export(img: &Path, dir: &Path, out: &mut dyn Write) -> Result<bool, String> {
    let (mut store, _) = mount(img)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut entries = Vec::new();
    let mut count = 0usize;
    let mut failed = 0usize;
    for ns in store.namespaces().map_err(|e| e.to_string())? {
        let ns_dir = dir.join(file_name(&ns.name));
        std::fs::create_dir_all(&ns_dir).map_err(|e| format!("{}: {e}", ns_dir.display()))?;
        for info in store
            .list(&ns.name, &ListQuery::default(), None)
            .map_err(|e| format!("{}: {e}", ns.name))?
        {
            let object = match store.get(&ns.name, &info.key, None) {
                Ok(o) => o,
                Err(e) => {
                    writeln!(out, "skipped {}/{}: {e}", ns.name, info.key)
                        .map_err(|e| e.to_string())?;
                    failed += 1;
                    continue;
                }
            };
            let file = format!("{}/{}", file_name(&ns.name), file_name(&info.key));
            std::fs::write(dir.join(&file), &object.value).map_err(|e| format!("{file}: {e}"))?;
            let embedding = match &object.embedding {
                Some(e) => format!(
                    "[{}]",
                    e.iter()
                        .map(|f| format!("{f:?}"))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                None => "null".into(),
            };
            entries.push(format!(
                "{{\"namespace\":{},\"key\":{},\"file\":{},\"size\":{},\"version\":{},\"created\":{},\"modified\":{},\"content_type\":{},\"tags\":{},\"embedding\":{}}}",
                json::string(&ns.name),
                json::string(&info.key),
                json::string(&file),
                info.size,
                info.version,
                info.created,
                info.modified,
                json::string(&info.content_type),
                json::strings(&info.tags),
                embedding
            ));
            count += 1;
        }
    }
    let index = format!("[\n{}\n]\n", entries.join(",\n"));
    std::fs::write(dir.join("index.json"), index).map_err(|e| format!("index.json: {e}"))?;
    writeln!(
        out,
        "exported {count} objects to {} ({failed} unreadable)",
        dir.display()
    )
    .map_err(|e| e.to_string())?;
    Ok(failed == 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(super::file_name("notes/a b.txt"), "notes%2Fa%20b.txt");
        assert_eq!(super::file_name(".."), "%2E.");
        assert_ne!(super::file_name("a/b"), super::file_name("a%2Fb"));
    }
}
