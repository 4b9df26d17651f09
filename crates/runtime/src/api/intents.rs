//! Messages the API sends for a token, and their replies: routed by the
//! intent's name, checked against its input schema, sent from [`API`]
//! with the request's wait as their deadline, and answered into the post
//! office's API inbox, from which the API takes each by its request's id.

use crate::Runtime;
use crate::post::{API, Sent, Target};
use aios_abi::Error;
use aios_events::{EventKind, IpcOutcome};
use aios_ipc::{Destination, Message};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// Most of the API's requests waiting for their replies at once.
pub(crate) const MAX_WAITING: usize = 256;

/// What became of a message the API sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiReply {
    /// Its reply: who sent it, for which intent, and the CBOR body.
    Reply {
        /// The agent that replied.
        from: u64,
        /// The intent it answered.
        intent: String,
        /// The reply's body.
        body: Vec<u8>,
    },
    /// It expired unread in its receiver's mailbox.
    Expired,
    /// Its receiver stopped before it answered.
    Undelivered,
}

/// The API's requests waiting for replies: request id → the reply once
/// it came.
#[derive(Default)]
pub(crate) struct Waiting {
    replies: BTreeMap<u64, Option<ApiReply>>,
}

impl Runtime {
    /// Sends `body` (CBOR) for `intent` from the API, expiring unread after `timeout_ns`. Returns the request's id, which
    /// [`Runtime::api_reply`] takes the reply by. The caller has asked the
    /// policy ([`Runtime::api_request`]); here the message is routed,
    /// schema-checked and queued without waiting: a full mailbox is
    /// `WouldBlock`.
    pub fn api_send(&self, intent: &str, body: Vec<u8>, timeout_ns: u64) -> Result<u64, Error> {
        if self.inner.api.lock().replies.len() >= MAX_WAITING {
            return Err(Error::WouldBlock);
        }
        let now = self.inner.platform.now_ns();
        let mut message = Message::new(0, Destination::Intent(String::from(intent)), intent);
        message.body = body;
        message.context.deadline_ns = Some(now.saturating_add(timeout_ns));
        let (sent, to, intent) = {
            let mut state = self.inner.state.lock();
            let state = &mut *state;
            // The policy has decided on the intent: the API may address any.
            let prepared = state.post.prepare(API, message, Target::Intent("*"))?;
            let (to, intent) = (prepared.to, prepared.message.intent.clone());
            let sent = state.post.deliver(prepared, &mut state.caps, true, now)?;
            if let Sent::Queued {
                wake: Some(receiver),
                ..
            } = sent
            {
                state.wake_receiver(receiver);
            }
            (sent, to, intent)
        };
        let (Sent::Queued { id, .. } | Sent::Parked { id } | Sent::ToKernel { id }) = sent;
        self.inner.api.lock().replies.insert(id, None);
        self.inner.publish(EventKind::Ipc {
            from: API,
            to,
            intent,
            outcome: IpcOutcome::Delivered,
        });
        self.inner.platform.kick();
        Ok(id)
    }

    /// What became of the API's request `request`, once something did;
    /// `Err(NotFound)` for a request the API is not waiting on.
    pub fn api_reply(&self, request: u64) -> Result<Option<ApiReply>, Error> {
        self.collect_api_mail();
        let mut api = self.inner.api.lock();
        match api.replies.get_mut(&request) {
            None => Err(Error::NotFound),
            Some(reply) => Ok(reply.take()),
        }
    }

    /// Stops waiting on request `request` (answered, or given up).
    pub fn api_forget(&self, request: u64) {
        self.inner.api.lock().replies.remove(&request);
    }

    /// Files what reached the API's inbox under the requests waiting for
    /// it; anything else (for a request given up) is dropped.
    fn collect_api_mail(&self) {
        let mail: Vec<Message> = self.inner.state.lock().post.api_inbox.drain(..).collect();
        if mail.is_empty() {
            return;
        }
        let mut api = self.inner.api.lock();
        for message in mail {
            let Some(slot) = message.reply_to.and_then(|r| api.replies.get_mut(&r)) else {
                continue;
            };
            *slot = Some(match message.intent.as_str() {
                crate::post::EXPIRED_INTENT if message.from == crate::post::KERNEL => {
                    ApiReply::Expired
                }
                crate::post::UNDELIVERED_INTENT if message.from == crate::post::KERNEL => {
                    ApiReply::Undelivered
                }
                _ => ApiReply::Reply {
                    from: message.from,
                    intent: message.intent,
                    body: message.body,
                },
            });
        }
    }
}
