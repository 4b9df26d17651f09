//! What the API waits on for its clients: a message's reply, a question's
//! answer, an event stream. Each is a ticket the server polls and
//! releases; the runtime holds the thing itself.

use aios_abi::Error;
use aios_abi::payload::{InferRequest, InferToken, finish};
use aios_api::{EventQuery, Outgoing, Polled, Question, Refused};
use aios_runtime::{ApiReply, Runtime};
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;
use spin::Mutex;

enum Ticket {
    /// A message's reply, by its request's id.
    Reply(u64),
    /// A question's answer: its request, the events ready to go, and
    /// whether its last piece came.
    Answer {
        request: u64,
        ready: VecDeque<(&'static str, String)>,
        done: bool,
    },
    /// An event subscription.
    Events(u64),
}

struct Table {
    next: u64,
    tickets: BTreeMap<u64, Ticket>,
}

static TABLE: Mutex<Table> = Mutex::new(Table {
    next: 1,
    tickets: BTreeMap::new(),
});

fn issue(ticket: Ticket) -> u64 {
    let mut table = TABLE.lock();
    let id = table.next;
    table.next += 1;
    table.tickets.insert(id, ticket);
    id
}

/// The HTTP status a runtime error earns.
pub(super) fn status(error: Error) -> u16 {
    match error {
        Error::NoSuchIntent | Error::NoAgent | Error::NoMatch | Error::NotFound => 404,
        Error::SchemaMismatch | Error::BufferTooSmall => 422,
        Error::InvalidArgument | Error::BadLength | Error::MalformedPayload => 400,
        Error::PolicyDenied | Error::PermissionDenied => 403,
        Error::ImageRefused | Error::Closed | Error::Exists => 409,
        Error::WouldBlock | Error::QuotaExceeded | Error::Unavailable => 503,
        Error::NoSpace => 507,
        Error::Expired => 504,
        _ => 500,
    }
}

/// The status and words a runtime error earns.
fn refused(error: Error, doing: &str) -> Refused {
    Refused::new(status(error), alloc::format!("{doing}: {error}"))
}

pub(super) fn send(runtime: &Runtime, message: Outgoing) -> Result<u64, Refused> {
    let intent = message.intent.clone();
    runtime
        .api_send(&message.intent, message.body, message.timeout_ns)
        .map(|request| issue(Ticket::Reply(request)))
        .map_err(|e| refused(e, &alloc::format!("sending {intent}")))
}

pub(super) fn ask(runtime: &Runtime, token: &str, question: Question) -> Result<u64, Refused> {
    let request = InferRequest {
        messages: alloc::vec![aios_abi::payload::ChatMessage {
            role: String::from("user"),
            content: question.prompt,
        }],
        max_tokens: question.max_tokens,
        temperature_milli: question.temperature_milli,
        seed: aios_hal::clock::now_ns(),
        conversation: question.conversation,
        ..InferRequest::default()
    };
    runtime
        .api_ask(token, request)
        .map(|request| {
            issue(Ticket::Answer {
                request,
                ready: VecDeque::new(),
                done: false,
            })
        })
        .map_err(|e| refused(e, "asking the model"))
}

pub(super) fn watch(runtime: &Runtime, query: &EventQuery) -> Result<u64, Refused> {
    let categories: Vec<&str> = query.categories.iter().map(String::as_str).collect();
    runtime
        .api_watch(&categories, query.agent)
        .map(|sub| issue(Ticket::Events(sub)))
        .map_err(|e| match e {
            Error::InvalidArgument => Refused::new(
                400,
                "categories are agent, ipc, capability, policy, device, security",
            ),
            e => refused(e, "watching events"),
        })
}

pub(super) fn poll(runtime: &Runtime, id: u64) -> Polled {
    let mut table = TABLE.lock();
    let Some(ticket) = table.tickets.get_mut(&id) else {
        return Polled::Failed(Refused::new(500, "no such ticket"));
    };
    match ticket {
        Ticket::Reply(request) => match runtime.api_reply(*request) {
            Ok(None) => Polled::Waiting,
            Ok(Some(ApiReply::Reply { from, intent, body })) => {
                Polled::Reply { from, intent, body }
            }
            Ok(Some(ApiReply::Expired)) => Polled::Failed(Refused::new(
                504,
                "the message expired unread in its receiver's mailbox",
            )),
            Ok(Some(ApiReply::Undelivered)) => {
                Polled::Failed(Refused::new(502, "its receiver stopped before it replied"))
            }
            Err(e) => Polled::Failed(refused(e, "waiting for the reply")),
        },
        Ticket::Answer {
            request,
            ready,
            done,
        } => {
            while ready.is_empty() && !*done {
                match runtime.api_ask_next(*request) {
                    Ok(Some(piece)) => {
                        *done = piece.finish.is_some();
                        answer_events(&piece, ready);
                    }
                    Ok(None) => break,
                    Err(e) => return Polled::Failed(refused(e, "the answer")),
                }
            }
            match ready.pop_front() {
                Some((name, data)) => Polled::Event {
                    name: name.to_string(),
                    data,
                },
                None if *done => Polled::Ended,
                None => Polled::Waiting,
            }
        }
        Ticket::Events(sub) => match runtime.api_next_event(*sub) {
            Ok(Some(event)) => Polled::Event {
                name: event.kind.category().name().to_string(),
                data: event.to_json(),
            },
            Ok(None) => Polled::Waiting,
            Err(e) => Polled::Failed(refused(e, "the event stream")),
        },
    }
}

/// The events a piece of an answer makes: `token` with its text, and
/// after the last piece `done` (or `error`).
fn answer_events(piece: &InferToken, ready: &mut VecDeque<(&'static str, String)>) {
    if !piece.text.is_empty() {
        let mut data = String::from("{\"text\":");
        aios_json::write_string(&mut data, &piece.text);
        data.push('}');
        ready.push_back(("token", data));
    }
    let Some(code) = piece.finish else {
        return;
    };
    let mut data = String::from("{\"finish\":");
    aios_json::write_string(&mut data, finish::name(code));
    let _ = write!(
        data,
        ",\"generated\":{},\"prompt_tokens\":{}",
        piece.generated, piece.prompt_tokens
    );
    if let Some(error) = &piece.error {
        data.push_str(",\"error\":");
        aios_json::write_string(&mut data, error);
    }
    data.push('}');
    ready.push_back(("done", data));
}

pub(super) fn release(runtime: &Runtime, id: u64) {
    let Some(ticket) = TABLE.lock().tickets.remove(&id) else {
        return;
    };
    match ticket {
        Ticket::Reply(request) => runtime.api_forget(request),
        Ticket::Answer { request, done, .. } => {
            if !done {
                runtime.api_ask_cancel(request);
            }
        }
        Ticket::Events(sub) => runtime.api_unwatch(sub),
    }
}
