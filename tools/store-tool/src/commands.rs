//! The commands that open an image and report on it or change it.

use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use aios_store::{FORMAT_VERSION, FormatOptions, ListQuery, MountReport, PutMeta, Store, VOLUME};

use crate::FileDevice;

/// Default image size for `format`.
const DEFAULT_MIB: u64 = 64;

fn io(e: std::io::Error) -> String {
    e.to_string()
}

/// Mounts the store in `img` (replaying its journal).
pub(crate) fn mount(img: &Path) -> Result<(Store<FileDevice>, MountReport), String> {
    let dev = FileDevice::open(img).map_err(|e| format!("{}: {e}", img.display()))?;
    Store::mount(dev).map_err(|e| format!("{}: {e}", img.display()))
}

/// Nanoseconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

pub(crate) fn format(img: &Path, mib: Option<u64>, out: &mut dyn Write) -> Result<bool, String> {
    let bytes = mib
        .unwrap_or(DEFAULT_MIB)
        .checked_mul(1 << 20)
        .ok_or("size too large")?;
    let dev = FileDevice::create(img, bytes).map_err(|e| format!("{}: {e}", img.display()))?;
    let store = Store::format(dev, FormatOptions::default())
        .map_err(|e| format!("formatting {}: {e}", img.display()))?;
    let blocks = store.stats().blocks_total;
    store.unmount().map_err(|e| e.to_string())?;
    writeln!(
        out,
        "formatted {} ({} blocks of 4096 bytes)",
        img.display(),
        blocks
    )
    .map_err(io)?;
    Ok(true)
}

pub(crate) fn info(img: &Path, out: &mut dyn Write) -> Result<bool, String> {
    let (mut store, report) = mount(img)?;
    let stats = store.stats();
    let mut text = String::new();
    text += &format!("format version   {FORMAT_VERSION}\n");
    text += &format!(
        "superblock       {} (generation {}), now generation {}\n",
        report.superblock, report.generation, stats.generation
    );
    text += &format!(
        "journal          {} blocks, {} records replayed at mount\n",
        stats.journal_blocks, report.replayed
    );
    text += &format!(
        "blocks           {} total, {} free, {} used\n",
        stats.blocks_total,
        stats.blocks_free,
        stats.blocks_total - stats.blocks_free
    );
    let namespaces = store.namespaces().map_err(|e| e.to_string())?;
    text += &format!("namespaces       {}\n", namespaces.len());
    for ns in &namespaces {
        let quota = ns.quota_bytes.map_or("none".into(), |q| q.to_string());
        text += &format!(
            "  {}  objects {}  bytes {}  quota {}\n",
            ns.name, ns.objects, ns.used_bytes, quota
        );
        for snap in store.snapshots(&ns.name).map_err(|e| e.to_string())? {
            text += &format!(
                "    snapshot {}  objects {}  bytes {}  generation {}\n",
                snap.name, snap.objects, snap.used_bytes, snap.generation
            );
        }
    }
    for snap in store.snapshots(VOLUME).map_err(|e| e.to_string())? {
        text += &format!(
            "volume snapshot  {}  generation {}\n",
            snap.name, snap.generation
        );
    }
    out.write_all(text.as_bytes()).map_err(io)?;
    Ok(true)
}

pub(crate) fn ls(img: &Path, ns: Option<&str>, out: &mut dyn Write) -> Result<bool, String> {
    let (mut store, _) = mount(img)?;
    let Some(ns) = ns else {
        for n in store.namespaces().map_err(|e| e.to_string())? {
            writeln!(
                out,
                "{}\t{} objects\t{} bytes",
                n.name, n.objects, n.used_bytes
            )
            .map_err(io)?;
        }
        return Ok(true);
    };
    for o in store
        .list(ns, &ListQuery::default(), None)
        .map_err(|e| format!("{ns}: {e}"))?
    {
        writeln!(
            out,
            "{}\t{}\tv{}\t{}\t{}",
            o.key,
            o.size,
            o.version,
            o.content_type,
            o.tags.join(",")
        )
        .map_err(io)?;
    }
    Ok(true)
}

pub(crate) fn get(img: &Path, ns: &str, key: &str, out: &mut dyn Write) -> Result<bool, String> {
    let (mut store, _) = mount(img)?;
    let object = store
        .get(ns, key, None)
        .map_err(|e| format!("{ns}/{key}: {e}"))?;
    out.write_all(&object.value).map_err(io)?;
    Ok(true)
}

pub(crate) fn put(
    img: &Path,
    ns: &str,
    key: &str,
    file: &Path,
    content_type: String,
    tags: Vec<String>,
    out: &mut dyn Write,
) -> Result<bool, String> {
    let value = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let (mut store, _) = mount(img)?;
    let now = now();
    if !store
        .namespaces()
        .map_err(|e| e.to_string())?
        .iter()
        .any(|n| n.name == ns)
    {
        store
            .create_namespace(ns, None, now)
            .map_err(|e| format!("{ns}: {e}"))?;
    }
    let meta = PutMeta {
        content_type,
        tags,
        embedding: None,
    };
    let mut up = store
        .begin(ns, key, &meta, now)
        .map_err(|e| format!("{ns}/{key}: {e}"))?;
    for chunk in value.chunks(1 << 20) {
        store
            .write_chunk(&mut up, chunk)
            .map_err(|e| format!("{ns}/{key}: {e}"))?;
    }
    let info = store
        .finish(up, now)
        .map_err(|e| format!("{ns}/{key}: {e}"))?;
    store.unmount().map_err(|e| e.to_string())?;
    writeln!(
        out,
        "{ns}/{key}: {} bytes, version {}",
        info.size, info.version
    )
    .map_err(io)?;
    Ok(true)
}

pub(crate) fn check(img: &Path, out: &mut dyn Write) -> Result<bool, String> {
    let (mut store, report) = mount(img)?;
    let fsck = store.fsck().map_err(|e| e.to_string())?;
    for p in &fsck.problems {
        let mut line = format!("problem: {:?} at block {}", p.kind, p.block);
        if let Some(ns) = &p.namespace {
            line += &format!(" namespace {ns}");
        }
        if let Some(key) = &p.key {
            line += &format!(" key {key}");
        }
        writeln!(out, "{line}").map_err(io)?;
    }
    writeln!(
        out,
        "{}: {} ({} problems; {} blocks used, {} nodes, {} data blocks, {} journal records replayed)",
        img.display(),
        if fsck.is_clean() { "clean" } else { "NOT clean" },
        fsck.problems.len(),
        fsck.blocks_used,
        fsck.nodes,
        fsck.data_blocks,
        report.replayed
    )
    .map_err(io)?;
    Ok(fsck.is_clean())
}
