//! The runtime's side of messaging: taking mail for a receiver (with its
//! counters), the expiry sweep, and the work done after agents end
//! (audit, lifecycle events, subscriptions).

use crate::Runtime;
use crate::state::State;
use aios_abi::Error;
use aios_abi::payload::AgentState;
use aios_audit::Kind;
use aios_events::EventKind;
use aios_ipc::Filter;
use alloc::vec::Vec;

impl Runtime {
    /// Takes the first message for `me` passing `filter` that fits in
    /// `room` bytes: its encoding, or `None` if there is none.
    pub(crate) fn take_message(
        &self,
        me: u64,
        filter: &Filter,
        room: u32,
        now: u64,
    ) -> Result<Option<Vec<u8>>, Error> {
        let mut state = self.inner.state.lock();
        let state = &mut *state;
        let Some(taken) = state
            .post
            .take(me, filter, room as usize, &mut state.caps, now)?
        else {
            return Ok(None);
        };
        state.post.stop_waiting(me);
        if let Some(record) = state.agents.get_mut(&me) {
            record.ipc.messages_in = record.ipc.messages_in.saturating_add(1);
            record.ipc.bytes_in = record.ipc.bytes_in.saturating_add(taken.body_len);
        }
        state.apply(&taken.wakes);
        Ok(Some(taken.bytes))
    }

    /// Audits agents that ended, tells the event bus, and drops their
    /// subscriptions. Runs outside the state lock.
    pub(crate) fn after_exits(&self) {
        let ended = {
            let mut state = self.inner.state.lock();
            if state.ended.is_empty() {
                return;
            }
            core::mem::take(&mut state.ended)
        };
        for (id, how, detail) in ended {
            let kind = if how == AgentState::Killed {
                Kind::Kill
            } else {
                Kind::Exit
            };
            let detail = alloc::format!("{how:?}: {}", detail.as_deref().unwrap_or("-"));
            self.inner.audit(kind, id, &detail);
            self.inner.publish(EventKind::AgentLifecycle {
                agent: id,
                state: how,
            });
            self.inner.drop_subscriptions(id);
            self.inner.storage.forget(id);
            self.inner.forget_infer(id);
        }
    }
}

impl State {
    /// Returns expired messages to their senders once a deadline passed.
    pub(crate) fn expire_messages(&mut self, now: u64) {
        if self.post.earliest.is_none_or(|earliest| now <= earliest) {
            return;
        }
        let wakes = self.post.expire(&mut self.caps, now);
        self.apply(&wakes);
    }
}
