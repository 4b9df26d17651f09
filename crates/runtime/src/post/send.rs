//! Sending, first half: stamping, routing, capability coverage, schema
//! checks and id assignment. Nothing is queued here.

use super::{KERNEL, Post};
use aios_abi::Error;
use aios_ipc::{Destination, Message, RouteError, pattern_matches, stamp, validate_intent_name};

/// What the sender's capability lets it address.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target<'a> {
    /// A new message, under an Intent capability for this name or pattern.
    Intent(&'a str),
    /// A reply to a request the sender took (`SELF` as the capability).
    Reply,
}

/// A checked message with its id assigned and its receiver resolved.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) message: Message,
    pub(crate) to: u64,
    /// For a reply: when its request was sent.
    pub(crate) request_sent_ns: Option<u64>,
}

pub(crate) fn route_error(error: RouteError) -> Error {
    match error {
        RouteError::NoSuchIntent => Error::NoSuchIntent,
        RouteError::NoAgent => Error::NoAgent,
        RouteError::NoMatch => Error::NoMatch,
    }
}

/// Whether a capability for `pattern` covers the intent `name` (a
/// validated name: a malformed pattern then covers nothing).
pub(crate) fn covers(pattern: &str, name: &str) -> bool {
    pattern_matches(pattern, name)
}

impl Post {
    /// Checks `message` from `from` and decides where it goes. The sender's
    /// `from` and `id` are replaced; a reply's intent, conversation and trace
    /// come from its request.
    pub(crate) fn prepare(
        &mut self,
        from: u64,
        mut message: Message,
        target: Target<'_>,
    ) -> Result<Prepared, Error> {
        stamp(&mut message, from);
        let (to, request_sent_ns) = match (message.reply_to, target) {
            (Some(request), Target::Reply) => {
                let permit = self.permits.get(&(from, request)).ok_or(Error::NotFound)?;
                if message.to != Destination::Agent(permit.requester) {
                    return Err(Error::InvalidArgument);
                }
                message.intent = permit.intent.clone();
                message.context.conversation_id = permit.conversation;
                message.context.trace_id = permit.trace;
                message.context.causal_parent = Some(request);
                if permit.requester != KERNEL {
                    let spec = self
                        .router
                        .spec(&message.intent)
                        .ok_or(Error::NoSuchIntent)?;
                    spec.output
                        .validate(&message.body)
                        .map_err(|_| Error::SchemaMismatch)?;
                }
                (permit.requester, Some(permit.sent_ns))
            }
            (None, Target::Intent(pattern)) => {
                if let Destination::Intent(name) = &message.to {
                    if message.intent.is_empty() {
                        message.intent = name.clone();
                    } else if *name != message.intent {
                        return Err(Error::InvalidArgument);
                    }
                }
                let request = matches!(message.to, Destination::Request(_));
                if !request {
                    validate_intent_name(&message.intent).map_err(|_| Error::InvalidArgument)?;
                    if !covers(pattern, &message.intent) {
                        return Err(Error::PermissionDenied);
                    }
                }
                let route = self
                    .router
                    .resolve(&message.to, &message.intent)
                    .map_err(route_error)?;
                if request {
                    message.intent = route.intent.clone();
                    if !covers(pattern, &message.intent) {
                        return Err(Error::PermissionDenied);
                    }
                }
                let spec = self.router.spec(&route.intent).ok_or(Error::NoSuchIntent)?;
                spec.input
                    .validate(&message.body)
                    .map_err(|_| Error::SchemaMismatch)?;
                (route.agent, None)
            }
            _ => return Err(Error::InvalidArgument),
        };
        let id = self.fresh_id();
        message.id = id;
        if message.context.conversation_id == 0 {
            message.context.conversation_id = id;
        }
        if message.context.trace_id == 0 {
            message.context.trace_id = message.context.conversation_id;
        }
        Ok(Prepared {
            message,
            to,
            request_sent_ns,
        })
    }
}
