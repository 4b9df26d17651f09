//! Sending, second half: capability transfer and queueing, or parking the
//! sender while the receiver's mailbox is full.

use super::send::Prepared;
use super::{API, KERNEL, MAILBOX_BYTES, Pending, Post, Wake};
use aios_abi::payload::rights;
use aios_abi::{Error, Handle};
use aios_cap::CapSpace;
use aios_ipc::Message;
use alloc::vec::Vec;

/// What became of a sent message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    /// In the receiver's mailbox; wake the receiver if it is given.
    Queued { id: u64, wake: Option<u64> },
    /// Waiting for room; park the sender until a [`Wake`] names it.
    Parked { id: u64 },
    /// An answer to the kernel's own request, kept for the runtime.
    ToKernel { id: u64 },
}

impl Post {
    /// Queues a prepared message, or parks it (and its sender) when the
    /// mailbox is full and the sender may block; `nonblock` senders get
    /// `WouldBlock` instead. Messages of one sender keep their order: while
    /// any message waits for room, later ones wait behind it.
    pub(crate) fn deliver(
        &mut self,
        prepared: Prepared,
        caps: &mut CapSpace,
        nonblock: bool,
        now: u64,
    ) -> Result<Sent, Error> {
        let Prepared {
            mut message,
            to,
            request_sent_ns,
        } = prepared;
        let id = message.id;
        if message.is_expired(now) {
            self.totals.expired += 1;
            return Err(Error::Expired);
        }
        if to == KERNEL {
            if !message.caps.is_empty() {
                return Err(Error::InvalidArgument);
            }
            self.permits
                .remove(&(message.from, message.reply_to.unwrap_or(0)));
            self.kernel_inbox.push_back(message);
            return Ok(Sent::ToKernel { id });
        }
        if to == API {
            // A reply to the API: it holds no capabilities.
            if !message.caps.is_empty() {
                return Err(Error::InvalidArgument);
            }
            self.consume_permit(&message);
            self.record_sent(&message, to, now);
            self.totals.sent += 1;
            self.keep_for_api(message);
            return Ok(Sent::ToKernel { id });
        }
        let mailbox = self.boxes.get(&to).ok_or(Error::NoAgent)?;
        let waiting = self.pending.get(&to).is_some_and(|q| !q.is_empty());
        if !has_room(mailbox, message.body.len()) || waiting {
            if nonblock {
                return Err(Error::WouldBlock);
            }
            self.consume_permit(&message);
            if let Some(sent) = request_sent_ns {
                self.reply_origin.insert(id, sent);
            }
            self.note_deadline(&message);
            self.pending
                .entry(to)
                .or_default()
                .push_back(Pending { message });
            return Ok(Sent::Parked { id });
        }
        transfer(caps, &mut message, to, now)?;
        self.consume_permit(&message);
        if let Some(sent) = request_sent_ns {
            self.reply_origin.insert(id, sent);
        }
        self.enqueue(message, to, now);
        let wake = self.receiving.contains(&to).then_some(to);
        Ok(Sent::Queued { id, wake })
    }

    /// A reply uses up the permit it answered.
    fn consume_permit(&mut self, message: &Message) {
        if let Some(request) = message.reply_to {
            self.permits.remove(&(message.from, request));
        }
    }

    /// Puts a message with its capabilities transferred into `to`'s box.
    pub(super) fn enqueue(&mut self, message: Message, to: u64, now: u64) {
        self.record_sent(&message, to, now);
        self.note_deadline(&message);
        self.totals.sent += 1;
        if let Some(mailbox) = self.boxes.get_mut(&to) {
            // Room was checked (or made) by the caller.
            let _ = mailbox.push(message, now);
        }
    }

    /// After a receiver took a message: moves the oldest message waiting
    /// for room into its mailbox and wakes that sender with the message id
    /// (or with the error that stopped its capabilities moving).
    pub(super) fn admit_pending(&mut self, to: u64, caps: &mut CapSpace, now: u64) -> Vec<Wake> {
        let mut wakes = Vec::new();
        while let Some(next) = self
            .pending
            .get(&to)
            .and_then(|q| q.front())
            .map(|pending| pending.message.body.len())
        {
            if !self.boxes.get(&to).is_some_and(|b| has_room(b, next)) {
                break;
            }
            let Some(queue) = self.pending.get_mut(&to) else {
                break;
            };
            let Some(Pending { mut message, .. }) = queue.pop_front() else {
                break;
            };
            let sender = message.from;
            let id = message.id;
            match transfer(caps, &mut message, to, now) {
                Ok(()) => {
                    self.enqueue(message, to, now);
                    wakes.push(Wake {
                        agent: sender,
                        value: id as i64,
                    });
                    if self.receiving.contains(&to) {
                        wakes.push(Wake {
                            agent: to,
                            value: super::RETRY,
                        });
                    }
                }
                Err(error) => {
                    self.reply_origin.remove(&id);
                    wakes.push(Wake {
                        agent: sender,
                        value: i64::from(error.code()),
                    });
                }
            }
        }
        if self.pending.get(&to).is_some_and(|q| q.is_empty()) {
            self.pending.remove(&to);
        }
        wakes
    }
}

/// Whether `mailbox` takes one more message with a body of `body` bytes:
/// fewer than its capacity in messages and at most [`MAILBOX_BYTES`] of
/// bodies (one message larger than that still goes into an empty box).
pub(super) fn has_room(mailbox: &aios_ipc::Mailbox, body: usize) -> bool {
    mailbox.len() < mailbox.capacity()
        && (mailbox.is_empty() || mailbox.bytes().saturating_add(body) <= MAILBOX_BYTES)
}

/// Moves the capabilities a message carries from its sender into `to`:
/// each is derived (the sender needs GRANT on it) with the same rights
/// less GRANT, and the same expiry; capabilities with a quota cannot travel
/// in messages (`cap_grant` carves quotas explicitly). The message then
/// lists the receiver's handles. All or nothing.
fn transfer(caps: &mut CapSpace, message: &mut Message, to: u64, now: u64) -> Result<(), Error> {
    if message.caps.is_empty() {
        return Ok(());
    }
    let from = message.from;
    let held = caps.list(from, now);
    let mut moved: Vec<u32> = Vec::with_capacity(message.caps.len());
    for raw in &message.caps {
        let result = match held.iter().find(|view| view.handle.raw() == *raw) {
            None => Err(Error::StaleHandle),
            Some(view) if view.quota.is_some() => Err(Error::InvalidArgument),
            Some(view) => caps
                .derive(
                    from,
                    view.handle,
                    to,
                    view.rights & !rights::GRANT,
                    None,
                    view.expires_ns,
                    now,
                )
                .map(Handle::raw)
                .map_err(Error::from),
        };
        match result {
            Ok(handle) => moved.push(handle),
            Err(error) => {
                for handle in moved {
                    let _ = caps.revoke(to, Handle(handle));
                }
                return Err(error);
            }
        }
    }
    message.caps = moved;
    Ok(())
}
