//! Receiving: taking a message that fits the caller's buffer, granting the
//! reply permit, admitting a parked sender, and measuring round trips.

use super::{MAX_PERMITS, Permit, Post, Wake};
use aios_abi::Error;
use aios_abi::payload::LATENCY_BOUNDS_NS;
use aios_cap::CapSpace;
use aios_ipc::Filter;
use alloc::vec::Vec;

/// A message taken from a mailbox.
#[derive(Debug, Clone)]
pub(crate) struct Taken {
    /// The encoded message, as the receiver sees it.
    pub(crate) bytes: Vec<u8>,
    /// Its body length.
    pub(crate) body_len: u64,
    /// Agents to resume: a sender admitted into the freed slot, a
    /// requester whose unanswered permit was dropped.
    pub(crate) wakes: Vec<Wake>,
}

impl Post {
    /// Takes the first message in `me`'s mailbox passing `filter`, if its
    /// encoding fits in `room` bytes; a message that does not fit stays
    /// queued and the caller gets `BufferTooSmall`.
    pub(crate) fn take(
        &mut self,
        me: u64,
        filter: &Filter,
        room: usize,
        caps: &mut CapSpace,
        now: u64,
    ) -> Result<Option<Taken>, Error> {
        let mailbox = self.boxes.get_mut(&me).ok_or(Error::NotFound)?;
        let Some(peeked) = mailbox.peek_matching(filter, now) else {
            return Ok(None);
        };
        let bytes = peeked.encode();
        if bytes.len() > room {
            return Err(Error::BufferTooSmall);
        }
        let Some(message) = mailbox.pop_matching(filter, now) else {
            return Ok(None);
        };
        self.totals.delivered += 1;
        self.mark_received(message.id, now);
        let mut wakes = Vec::new();
        if let Some(sent) = self.reply_origin.remove(&message.id) {
            let latency = now.saturating_sub(sent);
            let bucket = LATENCY_BOUNDS_NS
                .iter()
                .position(|bound| latency <= *bound)
                .unwrap_or(LATENCY_BOUNDS_NS.len());
            if let Some(count) = self.totals.latency.get_mut(bucket) {
                *count += 1;
            }
        }
        if message.reply_to.is_none() && !self.is_notice(&message.intent) {
            self.grant_permit(me, &message, &mut wakes, now);
        }
        wakes.extend(self.admit_pending(me, caps, now));
        Ok(Some(Taken {
            bytes,
            body_len: message.body.len() as u64,
            wakes,
        }))
    }

    fn is_notice(&self, intent: &str) -> bool {
        intent == super::EXPIRED_INTENT || intent == super::UNDELIVERED_INTENT
    }

    /// Lets `me` reply once to `message`. Beyond [`MAX_PERMITS`] open
    /// requests, the oldest is given up and its requester told.
    fn grant_permit(
        &mut self,
        me: u64,
        message: &aios_ipc::Message,
        wakes: &mut Vec<Wake>,
        now: u64,
    ) {
        let mine = self.permits.range((me, 0)..=(me, u64::MAX)).count();
        if mine >= MAX_PERMITS {
            let oldest = self
                .permits
                .range((me, 0)..=(me, u64::MAX))
                .next()
                .map(|(key, _)| *key);
            if let Some((key, permit)) =
                oldest.and_then(|key| self.permits.remove(&key).map(|p| (key, p)))
            {
                wakes.extend(self.notify_requester(&permit, key.1, now));
            }
        }
        let sent_ns = self
            .trace
            .iter()
            .rev()
            .find(|record| record.id == message.id)
            .map_or(now, |record| record.sent_ns);
        self.permits.insert(
            (me, message.id),
            Permit {
                requester: message.from,
                intent: message.intent.clone(),
                conversation: message.context.conversation_id,
                trace: message.context.trace_id,
                sent_ns,
            },
        );
    }

    /// Parks `me` as a receiver: a message arriving for it wakes it.
    pub(crate) fn wait_for_mail(&mut self, me: u64) {
        self.receiving.insert(me);
    }

    /// `me` stopped waiting (took a message, timed out, or finished).
    pub(crate) fn stop_waiting(&mut self, me: u64) {
        self.receiving.remove(&me);
    }
}
