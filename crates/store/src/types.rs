//! The public value types of the store's API.

use alloc::string::String;
use alloc::vec::Vec;

/// How `Store::format` lays out a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatOptions {
    /// Journal size in blocks; `None` picks 1/64 of the device, 16..=4096.
    pub journal_blocks: Option<u64>,
    /// Journal records between automatic checkpoints.
    pub checkpoint_records: u32,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions {
            journal_blocks: None,
            checkpoint_records: 256,
        }
    }
}

/// What mounting found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountReport {
    /// Journal records replayed (non-zero after a crash).
    pub replayed: u64,
    /// Generation of the superblock mounted (before replay's checkpoint).
    pub generation: u64,
    /// Which superblock (0 or 1) was newest and sound.
    pub superblock: u64,
    /// Whether the space map had to be rebuilt by walking every tree.
    pub rebuilt_space_map: bool,
}

/// Metadata given with a put.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PutMeta {
    /// MIME-style content type.
    pub content_type: String,
    /// Tags (a set: duplicates are dropped).
    pub tags: Vec<String>,
    /// Optional embedding vector.
    pub embedding: Option<Vec<f32>>,
}

/// An object's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Its key.
    pub key: String,
    /// Value size in bytes.
    pub size: u64,
    /// 1 on creation, +1 on every update.
    pub version: u64,
    /// When first created (caller's nanoseconds).
    pub created: u64,
    /// When last written.
    pub modified: u64,
    /// Content type.
    pub content_type: String,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Whether it carries an embedding.
    pub has_embedding: bool,
}

/// A whole object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Metadata.
    pub info: ObjectInfo,
    /// Value bytes.
    pub value: Vec<u8>,
    /// Embedding, if any.
    pub embedding: Option<Vec<f32>>,
}

/// What `list` selects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Keys starting with this.
    pub prefix: String,
    /// Objects carrying every one of these tags.
    pub tags: Vec<String>,
    /// Only keys after this one (a cursor: the last key of the previous page).
    pub after: Option<String>,
    /// At most this many results; 0 means no limit.
    pub limit: usize,
}

/// A namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceInfo {
    /// Its name.
    pub name: String,
    /// Bytes of values and embeddings held.
    pub used_bytes: u64,
    /// Quota in bytes, if any.
    pub quota_bytes: Option<u64>,
    /// Objects held.
    pub objects: u64,
    /// When created.
    pub created: u64,
}

/// A named snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// Its name.
    pub name: String,
    /// When taken.
    pub created: u64,
    /// Checkpoint generation it was taken at.
    pub generation: u64,
    /// Objects it holds (0 for volume snapshots).
    pub objects: u64,
    /// Bytes it holds (0 for volume snapshots).
    pub used_bytes: u64,
}

/// Counters of the mounted store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreStats {
    /// Blocks on the device.
    pub blocks_total: u64,
    /// Blocks free now.
    pub blocks_free: u64,
    /// Blocks freed by changes since the last checkpoint (free after it).
    pub blocks_pending: u64,
    /// Journal size and blocks in use.
    pub journal_blocks: u64,
    /// Journal blocks holding records since the last checkpoint.
    pub journal_used: u64,
    /// Commits (journal records) since mount.
    pub commits: u64,
    /// Checkpoints since mount.
    pub checkpoints: u64,
    /// Generation of the last checkpoint.
    pub generation: u64,
    /// Namespaces.
    pub namespaces: usize,
    /// Device write requests and flushes since mount.
    pub device_writes: u64,
    /// Device flushes since mount.
    pub device_flushes: u64,
}

/// One problem `fsck` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The block.
    pub block: u64,
    /// What is wrong.
    pub kind: ProblemKind,
    /// The namespace affected, if known.
    pub namespace: Option<String>,
    /// The object affected, if known.
    pub key: Option<String>,
}

/// Kinds of problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The block fails its checksum or is not what it should be.
    Corrupt,
    /// Referenced, but the space map says free.
    MarkedFree,
    /// Used in the space map, but nothing references it.
    Leaked,
    /// Referenced as two different things.
    DoubleUse,
    /// A tree entry that does not decode.
    BadEntry,
}

/// What `fsck` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FsckReport {
    /// Every problem, with its block and object.
    pub problems: Vec<Problem>,
    /// Blocks referenced (metadata, data and fixed regions).
    pub blocks_used: u64,
    /// Blocks no tree references that the live tree dropped while a
    /// snapshot might have shared them: freed by the next garbage
    /// collection (snapshot delete, rollback, full disk, mount), not leaks.
    pub blocks_retained: u64,
    /// Tree nodes checked.
    pub nodes: u64,
    /// Data blocks checked.
    pub data_blocks: u64,
    /// Objects seen (live and in snapshots, each version once per tree).
    pub objects: u64,
}

impl FsckReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}
