//! Returning what cannot be delivered: expiry and undeliverable notices,
//! and cleaning up after an agent that stopped.

use super::{API, EXPIRED_INTENT, KERNEL, Permit, Post, RETRY, UNDELIVERED_INTENT, Wake};
use aios_abi::Error;
use aios_cap::CapSpace;
use aios_ipc::{Destination, Message};
use alloc::vec::Vec;

impl Post {
    /// Tells the sender of `original` (unless it is the kernel, or the
    /// message is itself a notice) that it was not delivered, with a notice
    /// of `intent` replying to it in the same conversation.
    fn notify_sender(&mut self, original: &Message, intent: &str) -> Option<Wake> {
        if original.from == KERNEL || original.intent.starts_with("aios.") {
            return None;
        }
        self.notify(
            original.from,
            original.id,
            original.context.conversation_id,
            original.context.trace_id,
            intent,
        )
    }

    /// Tells a requester its request will not be answered.
    pub(super) fn notify_requester(
        &mut self,
        permit: &Permit,
        request: u64,
        _now: u64,
    ) -> Option<Wake> {
        if permit.requester == KERNEL {
            return None;
        }
        self.notify(
            permit.requester,
            request,
            permit.conversation,
            permit.trace,
            UNDELIVERED_INTENT,
        )
    }

    fn notify(
        &mut self,
        to: u64,
        about: u64,
        conversation: u64,
        trace: u64,
        intent: &str,
    ) -> Option<Wake> {
        let id = self.fresh_id();
        let mut notice = Message::new(id, Destination::Agent(to), intent);
        notice.from = KERNEL;
        notice.reply_to = Some(about);
        notice.context.conversation_id = conversation;
        notice.context.trace_id = trace;
        notice.context.causal_parent = Some(about);
        notice.context.priority = u8::MAX;
        if to == API {
            self.keep_for_api(notice);
            return None;
        }
        let mailbox = self.boxes.get_mut(&to)?;
        if !mailbox.push_notice(notice) {
            self.totals.notices_lost += 1;
            return None;
        }
        self.receiving.contains(&to).then_some(Wake {
            agent: to,
            value: RETRY,
        })
    }

    /// `replier` will not answer `request` (it gave up on it): its
    /// requester is told, with an undeliverable notice.
    pub(crate) fn give_up(&mut self, replier: u64, request: u64) -> Option<Wake> {
        let permit = self.permits.remove(&(replier, request))?;
        self.notify_requester(&permit, request, 0)
    }

    /// Returns every message whose deadline passed at `now` to its sender
    /// as an expiry notice (revoking capabilities that travelled with it),
    /// and fails parked sends that expired while waiting.
    pub(crate) fn expire(&mut self, caps: &mut CapSpace, now: u64) -> Vec<Wake> {
        let mut wakes = Vec::new();
        let owners: Vec<u64> = self.boxes.keys().copied().collect();
        for owner in owners {
            let expired = match self.boxes.get_mut(&owner) {
                Some(mailbox) => mailbox.expire(now),
                None => continue,
            };
            for message in expired {
                self.totals.expired += 1;
                self.reply_origin.remove(&message.id);
                for handle in &message.caps {
                    let _ = caps.revoke(owner, aios_abi::Handle(*handle));
                }
                wakes.extend(self.notify_sender(&message, EXPIRED_INTENT));
            }
        }
        for queue in self.pending.values_mut() {
            queue.retain(|pending| {
                if pending.message.is_expired(now) {
                    wakes.push(Wake {
                        agent: pending.message.from,
                        value: i64::from(Error::Expired.code()),
                    });
                    false
                } else {
                    true
                }
            });
        }
        self.pending.retain(|_, queue| !queue.is_empty());
        self.earliest = self.next_deadline();
        wakes
    }

    /// Forgets an agent that stopped: its intents, mailbox, parked sends
    /// and permits. Senders of requests it never took, and requesters it
    /// never answered, get undeliverable notices; senders parked on its
    /// full mailbox resume with `NoAgent`.
    pub(crate) fn remove_agent(&mut self, agent: u64) -> Vec<Wake> {
        let mut wakes = Vec::new();
        self.router.unregister(agent);
        self.receiving.remove(&agent);
        if let Some(mut mailbox) = self.boxes.remove(&agent) {
            while let Some(message) = mailbox.pop(0) {
                self.reply_origin.remove(&message.id);
                if message.reply_to.is_none() {
                    wakes.extend(self.notify_sender(&message, UNDELIVERED_INTENT));
                }
            }
        }
        if let Some(queue) = self.pending.remove(&agent) {
            for pending in queue {
                wakes.push(Wake {
                    agent: pending.message.from,
                    value: i64::from(Error::NoAgent.code()),
                });
            }
        }
        for queue in self.pending.values_mut() {
            queue.retain(|pending| pending.message.from != agent);
        }
        self.pending.retain(|_, queue| !queue.is_empty());
        let owed: Vec<((u64, u64), Permit)> = self
            .permits
            .range((agent, 0)..=(agent, u64::MAX))
            .map(|(key, permit)| (*key, permit.clone()))
            .collect();
        for (key, permit) in owed {
            self.permits.remove(&key);
            wakes.extend(self.notify_requester(&permit, key.1, 0));
        }
        self.permits.retain(|_, permit| permit.requester != agent);
        wakes.retain(|wake| wake.agent != agent);
        wakes
    }
}
