//! Choosing a turn's work. The least-served agent goes first and, among
//! its requests, the one that ran least recently (round robin). If that
//! request is evaluating its prompt, a chunk of the prompt is the turn;
//! otherwise the turn is one decoding step for it and for the other
//! decoding requests, batched: first one per agent in the same order,
//! then more while there is room. Resident caches beyond [`RESIDENT`]
//! are picked for suspension, least recently run first.

use super::request::Request;
use super::{BATCH, Engine, RESIDENT};
use alloc::collections::BTreeSet;
use alloc::vec::Vec;

/// The requests a turn works on, taken out of the engine.
pub(crate) struct Turn {
    /// To step (one prompt chunk if `prefill`, else a token each).
    pub(crate) run: Vec<Request>,
    pub(crate) prefill: bool,
    /// To suspend to the fabric (resident but not running).
    pub(crate) suspend: Vec<Request>,
}

impl Engine {
    /// Takes the next turn's requests out, or `None` if nothing is ready.
    pub(crate) fn pick(&mut self) -> Option<Turn> {
        let mut order: Vec<((u64, u64, u64), u64, bool)> = self
            .requests
            .values()
            .filter(|r| r.ready())
            .map(|r| {
                let served = self.served.get(&r.agent).copied().unwrap_or(0);
                ((served, r.last_turn, r.id), r.agent, r.prefilling())
            })
            .collect();
        order.sort_unstable();
        let &((_, _, first), _, prefill) = order.first()?;
        let chosen: Vec<u64> = if prefill {
            alloc::vec![first]
        } else {
            let decoding: Vec<(u64, u64)> = order
                .iter()
                .filter(|&&(_, _, prefilling)| !prefilling)
                .map(|&((_, _, id), agent, _)| (id, agent))
                .collect();
            let mut agents = BTreeSet::new();
            let mut chosen: Vec<u64> = decoding
                .iter()
                .filter(|(_, agent)| agents.insert(*agent))
                .map(|&(id, _)| id)
                .take(BATCH)
                .collect();
            for &(id, _) in &decoding {
                if chosen.len() >= BATCH {
                    break;
                }
                if !chosen.contains(&id) {
                    chosen.push(id);
                }
            }
            chosen
        };
        self.turns += 1;
        let resident_after = self
            .requests
            .values()
            .filter(|r| r.resident() || chosen.contains(&r.id))
            .count();
        let mut idle: Vec<(u64, u64)> = self
            .requests
            .values()
            .filter(|r| r.resident() && !chosen.contains(&r.id) && r.finished.is_none())
            .map(|r| (r.last_turn, r.id))
            .collect();
        idle.sort_unstable();
        let victims: Vec<u64> = idle
            .iter()
            .take(resident_after.saturating_sub(RESIDENT))
            .map(|&(_, id)| id)
            .collect();
        let turn = self.turns;
        let run = self.take(&chosen, Some(turn));
        let suspend = self.take(&victims, None);
        Some(Turn {
            run,
            prefill,
            suspend,
        })
    }

    fn take(&mut self, ids: &[u64], turn: Option<u64>) -> Vec<Request> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(mut r) = self.requests.remove(id) {
                if let Some(turn) = turn {
                    r.last_turn = turn;
                }
                self.running.insert(r.id, r.agent);
                out.push(r);
            }
        }
        out
    }

    /// Returns a turn's requests, charging each agent the tokens it was
    /// served, and finishing those cancelled meanwhile.
    pub(crate) fn put_back(&mut self, requests: Vec<Request>, served: &[(u64, u64)]) {
        for &(agent, tokens) in served {
            *self.served.entry(agent).or_insert(0) += tokens;
        }
        for mut r in requests {
            self.running.remove(&r.id);
            if self.cancelled.remove(&r.id) && r.finished.is_none() {
                r.finish(
                    aios_abi::payload::finish::CANCELLED,
                    alloc::string::String::new(),
                    None,
                );
            }
            self.requests.insert(r.id, r);
        }
    }
}
