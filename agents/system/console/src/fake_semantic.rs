//! The messaging, policy and audit half of the fake host: declared
//! intents served by echoing agents, a policy "compiler" that wants a final
//! `;`, canned audit records, verdict, export, trace and statistics, and
//! a scripted event subscription.

use crate::Error;
use aios_abi::Error as Abi;
use aios_abi::payload::{AuditEntry, AuditRecords, AuditVerdict, IpcStats, TraceList};
use aios_events::Event;
use aios_ipc::{Destination, Message};
use std::collections::VecDeque;

/// The fake's messaging and audit state.
pub struct Semantic {
    /// Declared intents and the agent serving each (none: nobody does).
    pub intents: Vec<(String, Option<u64>)>,
    /// Every request sent: intent, body, timeout.
    pub requests: Vec<(String, Vec<u8>, u64)>,
    /// What replies carry instead of the request's body, when set.
    pub reply_body: Option<Vec<u8>>,
    /// Whether the console holds a Policy capability.
    pub policy_cap: bool,
    /// The policy installed last.
    pub policy: Option<String>,
    /// The whole audit log.
    pub audit: Vec<AuditEntry>,
    /// What `audit_verify` reports.
    pub verdict: AuditVerdict,
    /// What `audit_export` returns.
    pub export: Vec<u8>,
    /// What `ipc_trace` reports for any id it contains.
    pub trace: TraceList,
    /// What `ipc_stats` reports; `None` makes it fail.
    pub stats: Option<IpcStats>,
    /// Whether the console holds an event-topic capability.
    pub event_topic: bool,
    /// Subscriptions made; the live one is numbered this plus 2.
    pub subscriptions: u32,
    /// What successive `event_next` calls return; then `WouldBlock`.
    pub events: VecDeque<Result<Event, Error>>,
    /// The subscription number of every `event_next` call.
    pub polls: Vec<u32>,
}

impl Semantic {
    /// Intent `demo.echo` served by agent 2; nothing else.
    pub fn new() -> Semantic {
        Semantic {
            intents: vec![("demo.echo".into(), Some(2))],
            requests: Vec::new(),
            reply_body: None,
            policy_cap: true,
            policy: None,
            audit: Vec::new(),
            verdict: AuditVerdict {
                ok: true,
                records: 0,
                checkpoints: 0,
                first_bad: None,
                message: String::new(),
                node_key: Vec::new(),
            },
            export: Vec::new(),
            trace: TraceList::default(),
            stats: None,
            event_topic: true,
            subscriptions: 0,
            events: VecDeque::new(),
            polls: Vec::new(),
        }
    }

    pub fn request(&mut self, intent: &str, body: Vec<u8>, timeout: u64) -> Result<Message, Error> {
        self.requests.push((intent.into(), body.clone(), timeout));
        let declared = self.intents.iter().find(|(name, _)| name == intent);
        let (_, server) = declared.ok_or(Error::Syscall(Abi::NoSuchIntent))?;
        let server = server.ok_or(Error::Syscall(Abi::NoAgent))?;
        let mut reply = Message::new(7, Destination::Agent(1), intent);
        reply.from = server;
        reply.reply_to = Some(6);
        reply.body = self.reply_body.clone().unwrap_or(body);
        Ok(reply)
    }

    pub fn policy_set(&mut self, text: &str) -> Result<(), Error> {
        if !self.policy_cap {
            return Err(Error::MissingCapability("policy"));
        }
        if !text.ends_with(';') {
            let column = text.chars().count() + 1;
            return Err(Error::PolicyRefused(format!(
                "line 1, column {column}: expected `;`"
            )));
        }
        self.policy = Some(text.into());
        Ok(())
    }

    pub fn audit_tail(&self, n: u32) -> Result<AuditRecords, Error> {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        let skip = self.audit.len().saturating_sub(n);
        Ok(AuditRecords {
            records: self.audit[skip..].to_vec(),
        })
    }

    pub fn ipc_trace(&self, id: u64) -> Result<TraceList, Error> {
        if self.trace.entries.iter().any(|entry| entry.id == id) {
            Ok(self.trace.clone())
        } else {
            Ok(TraceList::default())
        }
    }

    pub fn ipc_stats(&self) -> Result<IpcStats, Error> {
        self.stats.clone().ok_or(Error::Syscall(Abi::NotSupported))
    }

    pub fn event_subscribe(&mut self) -> Result<u32, Error> {
        if !self.event_topic {
            return Err(Error::MissingCapability("event-topic"));
        }
        self.subscriptions += 1;
        Ok(self.subscriptions + 2)
    }

    pub fn event_next(&mut self, sub: u32) -> Result<Event, Error> {
        self.polls.push(sub);
        if self.subscriptions == 0 || sub != self.subscriptions + 2 {
            return Err(Abi::StaleHandle.into());
        }
        let next = self.events.pop_front();
        next.unwrap_or(Err(Abi::WouldBlock.into()))
    }
}

/// An audit record with a placeholder hash.
pub fn record(seq: u64, time_ns: u64, kind: &str, subject: u64, detail: &str) -> AuditEntry {
    AuditEntry {
        seq,
        time_ns,
        kind: kind.into(),
        subject,
        detail: detail.into(),
        hash: vec![0; 32],
    }
}
