//! Semantic messaging: sending, receiving, requests and replies.

use crate::agent::SELF;
use crate::cap::cap_list;
use crate::envelope::{self, FIRST_RECV_BUFFER};
use crate::reply::read_into;
use crate::status::{check_wide, clamp_ns};
use aios_abi::Error;
use aios_abi::payload::RecvFilter;
use aios_ipc::{Destination, MAX_MESSAGE, Message};
use std::cell::RefCell;
use std::string::ToString;
use std::vec::Vec;

/// Sends `message` using the Intent capability `cap` (write right, covering
/// the intent), or [`aios_abi::SELF`] for a reply; returns the id the
/// kernel gave it. `flags` are [`aios_abi::send_flags`]: with `NONBLOCK` a
/// full mailbox is [`Error::WouldBlock`], without it the call waits for
/// room. The kernel sets `from` and the id itself. When the policy
/// requires an approver's consent ([`Error::ApprovalRequired`]), the call
/// is repeated every millisecond for up to [`APPROVAL_WAIT_NS`] while the
/// approver decides.
pub fn send(cap: u32, message: &Message, flags: i32) -> Result<u64, Error> {
    let bytes = message.encode();
    let give_up = crate::system::clock_ns().saturating_add(APPROVAL_WAIT_NS);
    loop {
        // SAFETY: `bytes` is a live buffer of `bytes.len()` bytes for the
        // whole call; the kernel only reads it.
        let ret = unsafe { crate::sys::semantic_send(cap, bytes.as_ptr(), bytes.len(), flags) };
        match check_wide(ret) {
            Err(Error::ApprovalRequired) if crate::system::clock_ns() < give_up => {
                crate::system::sleep_ns(APPROVAL_RETRY_NS)?;
            }
            result => return result,
        }
    }
}

/// How long [`send`] waits for an approver before returning
/// [`Error::ApprovalRequired`].
pub const APPROVAL_WAIT_NS: u64 = 5_000_000_000;
/// How often [`send`] asks again while an approver decides.
const APPROVAL_RETRY_NS: u64 = 1_000_000;

/// Takes the first message in the caller's mailbox that passes `filter`
/// (the default filter accepts any), waiting up to `timeout_ns`: 0 polls
/// ([`Error::WouldBlock`] if none), `i64::MAX` waits forever, anything
/// else ends in [`Error::TimedOut`]. Messages of any size up to
/// `aios_ipc::MAX_MESSAGE` are received.
pub fn recv(filter: &RecvFilter, timeout_ns: u64) -> Result<Message, Error> {
    thread_local! {
        /// Receive buffer kept between calls (agents are single-threaded).
        static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let filter = envelope::filter_bytes(filter);
    let timeout_ns = clamp_ns(timeout_ns);
    BUFFER.with_borrow_mut(|buffer| {
        let n = read_into(buffer, FIRST_RECV_BUFFER, MAX_MESSAGE, |out| {
            // SAFETY: `filter` is a live buffer of `filter.len()` bytes the
            // kernel only reads; `out` a live, writable one of `out.len()`
            // bytes it writes at most that many of.
            unsafe {
                crate::sys::semantic_recv(
                    filter.as_ptr(),
                    filter.len(),
                    out.as_mut_ptr(),
                    out.len(),
                    timeout_ns,
                )
            }
        })?;
        envelope::decode_message(&buffer[..n])
    })
}

/// The handle of one of the caller's Intent capabilities with the write
/// right whose resource covers `intent` (`*`, a `prefix.*` pattern or the
/// name itself). [`Error::PermissionDenied`] if it holds none.
pub fn intent_cap(intent: &str) -> Result<u32, Error> {
    let caps = cap_list(SELF)?;
    envelope::intent_cap_in(&caps, intent).ok_or(Error::PermissionDenied)
}

/// Sends `body` to whichever agent serves `intent` and waits up to
/// `timeout_ns` for its reply (see [`request_with`]).
pub fn request(intent: &str, body: Vec<u8>, timeout_ns: u64) -> Result<Message, Error> {
    let cap = intent_cap(intent)?;
    let mut message = Message::new(0, Destination::Intent(intent.to_string()), intent);
    message.body = body;
    request_with(cap, message, timeout_ns)
}

/// Sends `message` with `cap`, then waits up to `timeout_ns` for the first
/// message of its conversation (the one it names, or the new one the
/// kernel opens when it names none). A kernel notice that the request
/// expired undelivered is [`Error::Expired`]; one that it will not be
/// answered (its receiver, or the receiver's node, went away),
/// [`Error::Undelivered`].
pub fn request_with(cap: u32, message: Message, timeout_ns: u64) -> Result<Message, Error> {
    let id = send(cap, &message, 0)?;
    let filter = RecvFilter {
        conversation: Some(envelope::conversation_of(&message, id)),
        ..RecvFilter::default()
    };
    envelope::answer(recv(&filter, timeout_ns)?)
}

/// Answers `request` with `body`: sent back to the request's sender in the
/// request's conversation; returns the reply's id.
pub fn reply(request: &Message, body: Vec<u8>) -> Result<u64, Error> {
    send(aios_abi::SELF, &envelope::reply_for(request, body), 0)
}
