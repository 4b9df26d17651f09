//! The pure side of messaging: which capability covers an intent, the
//! receive filter's encoding, replies, and what a request's answer means.

use aios_abi::Error;
use aios_abi::payload::{CapInfo, CapKind, RecvFilter, rights};
use aios_ipc::{Destination, Message, Pattern};
use std::vec::Vec;

/// The intent of the notice the kernel sends back for a message that
/// expired undelivered (`from` 0, `reply_to` the expired message's id).
pub const EXPIRED_INTENT: &str = "aios.expired";
/// The intent of the notice the kernel sends back for a request that will
/// not be answered: its receiver stopped, or the receiver's node went
/// away, first.
pub const UNDELIVERED_INTENT: &str = "aios.undelivered";

/// The first receive buffer: enough for a message with a small body; the
/// SDK doubles it on `BufferTooSmall`, up to `aios_ipc::MAX_MESSAGE`.
pub const FIRST_RECV_BUFFER: usize = 1024;

/// Whether a capability resource as `cap_list` reports it (`intent demo.*`,
/// or the bare pattern) covers the intent name `intent`: `*` covers every
/// name, `a.*` covers `a.x` and `a.x.y` but not `a`, anything else only
/// itself.
pub fn covers(resource: &str, intent: &str) -> bool {
    let pattern = resource.strip_prefix("intent ").unwrap_or(resource);
    Pattern::parse(pattern).is_ok_and(|pattern| pattern.matches(intent))
}

/// The handle of the first capability in `caps` that lets its holder send
/// `intent`: kind intent, the write right, a resource that [`covers`] it.
pub fn intent_cap_in(caps: &[CapInfo], intent: &str) -> Option<u32> {
    caps.iter()
        .find(|cap| {
            cap.kind == CapKind::Intent
                && cap.rights & rights::WRITE != 0
                && covers(&cap.resource, intent)
        })
        .map(|cap| cap.handle)
}

/// The bytes `semantic_recv` takes for `filter`: none for the filter that
/// accepts everything (the kernel's fast path), CBOR otherwise.
pub fn filter_bytes(filter: &RecvFilter) -> Vec<u8> {
    if *filter == RecvFilter::default() {
        Vec::new()
    } else {
        aios_abi::encode(filter)
    }
}

/// The reply to `request` carrying `body`: addressed to the request's
/// sender; the kernel fills in intent, conversation and trace from the
/// request, so they are copied here only to keep the message readable.
pub fn reply_for(request: &Message, body: Vec<u8>) -> Message {
    let mut reply = Message::new(0, Destination::Agent(request.from), request.intent.clone());
    reply.body = body;
    reply.reply_to = Some(request.id);
    reply.context.conversation_id = request.context.conversation_id;
    reply.context.trace_id = request.context.trace_id;
    reply.context.causal_parent = Some(request.id);
    reply
}

/// The conversation the answer to a sent message arrives in: the one the
/// sender chose, or (when it left it 0) the id the kernel assigned, which
/// the kernel also made the conversation id.
pub fn conversation_of(sent: &Message, id: u64) -> u64 {
    match sent.context.conversation_id {
        0 => id,
        chosen => chosen,
    }
}

/// The answer to a request: the kernel's expiry notice becomes
/// [`Error::Expired`], any other message is the reply.
pub fn answer(message: Message) -> Result<Message, Error> {
    match message.intent.as_str() {
        EXPIRED_INTENT if message.from == 0 => Err(Error::Expired),
        UNDELIVERED_INTENT if message.from == 0 => Err(Error::Undelivered),
        _ => Ok(message),
    }
}

/// Decodes a received message; bytes the kernel should never write are
/// [`Error::MalformedPayload`].
pub fn decode_message(bytes: &[u8]) -> Result<Message, Error> {
    Message::decode(bytes).map_err(|_| Error::MalformedPayload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;

    fn cap(handle: u32, kind: CapKind, rights: u32, resource: &str) -> CapInfo {
        CapInfo {
            handle,
            kind,
            rights,
            resource: String::from(resource),
            quota: None,
            expires_ns: None,
        }
    }

    #[test]
    fn patterns_cover_names_as_documented() {
        assert!(covers("intent *", "demo.echo"));
        assert!(covers("*", "a"));
        assert!(covers("intent demo.*", "demo.echo"));
        assert!(covers("demo.*", "demo.echo.loud"));
        assert!(!covers("demo.*", "demo"));
        assert!(!covers("demo.*", "demos.echo"));
        assert!(covers("intent demo.echo", "demo.echo"));
        assert!(!covers("intent demo.echo", "demo.echoes"));
        assert!(!covers("intent demo.echo", "demo"));
        // Not intent patterns at all.
        assert!(!covers("", "demo.echo"));
        assert!(!covers("intent ", "demo.echo"));
        assert!(!covers("agent 7", "demo.echo"));
    }

    #[test]
    fn the_sending_cap_needs_kind_write_and_coverage() {
        let caps = [
            cap(1, CapKind::Console, rights::WRITE, "intent *"),
            cap(2, CapKind::Intent, rights::READ, "intent demo.echo"),
            cap(3, CapKind::Intent, rights::WRITE, "intent other.*"),
            cap(
                4,
                CapKind::Intent,
                rights::READ | rights::WRITE,
                "intent demo.*",
            ),
            cap(5, CapKind::Intent, rights::WRITE, "intent demo.echo"),
        ];
        assert_eq!(intent_cap_in(&caps, "demo.echo"), Some(4));
        assert_eq!(intent_cap_in(&caps, "other.x"), Some(3));
        assert_eq!(intent_cap_in(&caps, "demo"), None);
        assert_eq!(intent_cap_in(&caps[..3], "demo.echo"), None);
        assert_eq!(intent_cap_in(&[], "demo.echo"), None);
    }

    #[test]
    fn the_accept_all_filter_is_empty() {
        assert!(filter_bytes(&RecvFilter::default()).is_empty());
        let filter = RecvFilter {
            conversation: Some(9),
            ..RecvFilter::default()
        };
        let bytes = filter_bytes(&filter);
        assert_eq!(aios_abi::decode::<RecvFilter>(&bytes), Ok(filter));
    }

    fn request() -> Message {
        let mut request = Message::new(41, Destination::Intent("demo.echo".into()), "demo.echo");
        request.from = 7;
        request.body = std::vec![0xA0];
        request.context.conversation_id = 41;
        request.context.trace_id = 40;
        request
    }

    #[test]
    fn replies_go_back_to_the_sender_in_its_conversation() {
        let reply = reply_for(&request(), std::vec![1, 2]);
        assert_eq!(reply.to, Destination::Agent(7));
        assert_eq!(reply.reply_to, Some(41));
        assert_eq!(reply.intent, "demo.echo");
        assert_eq!(reply.body, [1, 2]);
        assert_eq!(reply.context.conversation_id, 41);
        assert_eq!(reply.context.trace_id, 40);
        assert_eq!(decode_message(&reply.encode()), Ok(reply));
    }

    #[test]
    fn answers_arrive_in_the_chosen_or_assigned_conversation() {
        let mut sent = request();
        assert_eq!(conversation_of(&sent, 99), 41);
        sent.context.conversation_id = 0;
        assert_eq!(conversation_of(&sent, 99), 99);
    }

    #[test]
    fn expiry_notices_become_errors() {
        let mut notice = Message::new(5, Destination::Agent(7), EXPIRED_INTENT);
        notice.reply_to = Some(41);
        assert_eq!(answer(notice.clone()), Err(Error::Expired));
        // Only the kernel (from 0) speaks for expiry.
        notice.from = 3;
        assert_eq!(answer(notice.clone()), Ok(notice));
        assert_eq!(answer(request()), Ok(request()));
        let mut gone = Message::new(6, Destination::Agent(7), UNDELIVERED_INTENT);
        gone.reply_to = Some(41);
        assert_eq!(answer(gone), Err(Error::Undelivered));
    }

    #[test]
    fn garbage_is_a_malformed_payload() {
        assert_eq!(decode_message(&[0xFF]), Err(Error::MalformedPayload));
        assert_eq!(decode_message(&[]), Err(Error::MalformedPayload));
    }
}
