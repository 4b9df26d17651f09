//! Neighbour-list storage: `[count, ids...]` records, after the codes in
//! each level-0 record and in each node's upper-level vector.

use super::Hnsw;

impl Hnsw {
    /// Maximum neighbours a node keeps on `level`.
    pub(super) fn max_links(&self, level: usize) -> usize {
        if level == 0 {
            self.params.m * 2
        } else {
            self.params.m
        }
    }

    /// Neighbour list of `slot` on `level` (empty above the node's level).
    pub(super) fn links(&self, slot: u32, level: usize) -> &[u32] {
        let (record, start) = self.link_record(slot, level);
        match record.get(start) {
            Some(&count) => &record[start + 1..start + 1 + count as usize],
            None => &[],
        }
    }

    /// Where `slot`'s level-0 list starts: after its codes.
    fn base_links_start(&self, slot: u32) -> usize {
        slot as usize * self.base_stride + crate::distance::code_words(self.params.dim)
    }

    pub(super) fn link_record(&self, slot: u32, level: usize) -> (&[u32], usize) {
        if level == 0 {
            (&self.base[..], self.base_links_start(slot))
        } else {
            let record = &self.upper_links[slot as usize][..];
            (record, (level - 1) * (1 + self.params.m))
        }
    }

    /// Replaces the neighbour list of `slot` on `level` (truncated to fit).
    pub(super) fn set_links(&mut self, slot: u32, level: usize, links: &[u32]) {
        let capacity = self.max_links(level);
        let count = links.len().min(capacity);
        let (record, start) = if level == 0 {
            let start = self.base_links_start(slot);
            (&mut self.base[..], start)
        } else {
            (
                &mut self.upper_links[slot as usize][..],
                (level - 1) * (1 + capacity),
            )
        };
        if let Some(fields) = record.get_mut(start..start + 1 + count) {
            fields[0] = count as u32;
            fields[1..].copy_from_slice(&links[..count]);
        }
    }

    /// Appends `new` to the list of `slot` on `level` if there is room.
    pub(super) fn push_link(&mut self, slot: u32, level: usize, new: u32) -> bool {
        let capacity = self.max_links(level);
        let (record, start) = if level == 0 {
            let start = self.base_links_start(slot);
            (&mut self.base[..], start)
        } else {
            (
                &mut self.upper_links[slot as usize][..],
                (level - 1) * (1 + capacity),
            )
        };
        let Some(&count) = record.get(start) else {
            return false;
        };
        if count as usize >= capacity {
            return false;
        }
        record[start + 1 + count as usize] = new;
        record[start] = count + 1;
        true
    }
}
