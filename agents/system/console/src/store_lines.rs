//! The lines of `store ls`, `store get`, `snapshots` and `embed`.

use aios_abi::payload::{SnapshotEntry, StoreObjectInfo};

/// Longest value `store get` prints as text; longer ones are cut with a
/// note of their size.
pub const MAX_SHOWN: usize = 4096;

/// `store ls`: a header, one line per object, and a count.
pub fn objects(ns: &str, objects: &[StoreObjectInfo]) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<32} {:>10} {:>7}  {:<16} TAGS",
        "KEY", "BYTES", "VERSION", "TYPE"
    )];
    for object in objects {
        lines.push(format!(
            "{:<32} {:>10} {:>7}  {:<16} {}",
            object.key,
            object.size,
            object.version,
            object.content_type,
            object.tags.join(",")
        ));
    }
    lines.push(format!("{} object(s) in {ns}", objects.len()));
    lines
}

/// `store get`: the value as text (invalid UTF-8 shown escaped) and its
/// version.
pub fn value(info: &StoreObjectInfo, bytes: &[u8]) -> Vec<String> {
    let shown = &bytes[..bytes.len().min(MAX_SHOWN)];
    let text = String::from_utf8_lossy(shown);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    if bytes.len() > MAX_SHOWN {
        lines.push(format!("... ({} bytes in all)", bytes.len()));
    }
    lines.push(format!(
        "({} bytes, version {}, {})",
        info.size, info.version, info.content_type
    ));
    lines
}

/// `snapshots`: one line per snapshot.
pub fn snapshots(ns: &str, snapshots: &[SnapshotEntry]) -> Vec<String> {
    if snapshots.is_empty() {
        return vec![format!("no snapshots of {ns}")];
    }
    snapshots
        .iter()
        .map(|s| format!("{:<24} taken at {} ms", s.name, s.created_ns / 1_000_000))
        .collect()
}

/// `recall`: one line per remembered text, best first, with its
/// similarity.
pub fn recalled(hits: &[(i32, String)]) -> Vec<String> {
    if hits.is_empty() {
        return vec![String::from("recall: nothing remembered")];
    }
    hits.iter()
        .map(|(score, text)| format!("{}.{:03}  {text}", score / 1000, score.rem_euclid(1000)))
        .collect()
}

/// Values of an embedding `embed` prints.
pub const SHOWN_VALUES: usize = 8;

/// `embed`: the size and norm of the vector, then its first values.
pub fn embedding(vector: &[f32]) -> Vec<String> {
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
    let first: Vec<String> = vector
        .iter()
        .take(SHOWN_VALUES)
        .map(|v| format!("{v:.4}"))
        .collect();
    vec![
        format!("embedding: {} values, norm {norm:.4}", vector.len()),
        format!(
            "  [{}{}]",
            first.join(", "),
            if vector.len() > SHOWN_VALUES {
                ", ..."
            } else {
                ""
            }
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(key: &str, size: u64) -> StoreObjectInfo {
        StoreObjectInfo {
            key: key.to_string(),
            size,
            version: 3,
            content_type: "text/plain".to_string(),
            tags: vec!["a".to_string(), "b".to_string()],
            ..StoreObjectInfo::default()
        }
    }

    #[test]
    fn listing_has_a_line_per_object_and_a_count() {
        let lines = objects("notes", &[info("todo", 9), info("done", 0)]);
        assert_eq!(lines.len(), 4);
        assert!(lines[1].starts_with("todo"));
        assert!(lines[1].contains(" 9 ") && lines[1].ends_with("a,b"));
        assert_eq!(lines[3], "2 object(s) in notes");
    }

    #[test]
    fn an_embedding_shows_its_norm_and_first_values() {
        let lines = embedding(&[0.6, -0.8, 0.0]);
        assert_eq!(lines[0], "embedding: 3 values, norm 1.0000");
        assert_eq!(lines[1], "  [0.6000, -0.8000, 0.0000]");
        let long: Vec<f32> = (0..384).map(|i| i as f32 / 1000.0).collect();
        assert!(embedding(&long)[1].ends_with(", ...]"));
    }

    #[test]
    fn recalled_lines_carry_their_similarity() {
        let lines = recalled(&[(873, "blue folder".into()), (41, "milk".into())]);
        assert_eq!(lines, ["0.873  blue folder", "0.041  milk"]);
        assert_eq!(recalled(&[]), ["recall: nothing remembered"]);
    }

    #[test]
    fn long_values_are_cut_and_say_so() {
        let big = vec![b'x'; MAX_SHOWN + 10];
        let lines = value(&info("big", big.len() as u64), &big);
        assert!(lines.iter().any(|l| l.contains("4106 bytes in all")));
        let lines = value(&info("t", 9), b"buy milk\n");
        assert_eq!(lines[0], "buy milk");
        assert_eq!(lines[1], "(9 bytes, version 3, text/plain)");
    }
}
