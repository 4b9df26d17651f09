//! Events as JSON, for the node's API: one object per event with its
//! `seq`, `time_ns`, `category` and the fields of its kind, enum values in
//! snake case (`pushed_back`).

use crate::{Event, EventKind};
use alloc::string::String;
use core::fmt::{Debug, Write};

impl Event {
    /// The event as one compact JSON object.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "{{\"seq\":{},\"time_ns\":{},\"category\":\"{}\"",
            self.seq,
            self.time_ns,
            self.kind.category().name()
        );
        match &self.kind {
            EventKind::AgentLifecycle { agent, state } => {
                let _ = write!(out, ",\"agent\":{agent},\"state\":");
                word(&mut out, state);
            }
            EventKind::Ipc {
                from,
                to,
                intent,
                outcome,
            } => {
                let _ = write!(out, ",\"from\":{from},\"to\":{to},\"intent\":");
                aios_json::write_string(&mut out, intent);
                out.push_str(",\"outcome\":");
                word(&mut out, outcome);
            }
            EventKind::Capability {
                agent,
                kind,
                action,
                peer,
            } => {
                let _ = write!(out, ",\"agent\":{agent},\"kind\":");
                word(&mut out, kind);
                out.push_str(",\"action\":");
                word(&mut out, action);
                if let Some(peer) = peer {
                    let _ = write!(out, ",\"peer\":{peer}");
                }
            }
            EventKind::PolicyDecision {
                agent,
                operation,
                resource,
                effect,
            } => {
                let _ = write!(out, ",\"agent\":{agent},\"operation\":");
                aios_json::write_string(&mut out, operation);
                out.push_str(",\"resource\":");
                aios_json::write_string(&mut out, resource);
                out.push_str(",\"effect\":");
                word(&mut out, effect);
            }
            EventKind::Device { device, state } => {
                out.push_str(",\"device\":");
                aios_json::write_string(&mut out, device);
                out.push_str(",\"state\":");
                word(&mut out, state);
            }
            EventKind::Security {
                agent,
                alert,
                detail,
            } => {
                if let Some(agent) = agent {
                    let _ = write!(out, ",\"agent\":{agent}");
                }
                out.push_str(",\"alert\":");
                word(&mut out, alert);
                out.push_str(",\"detail\":");
                aios_json::write_string(&mut out, detail);
            }
        }
        out.push('}');
        out
    }
}

/// A field-less enum value as a JSON string in snake case
/// (`PushedBack` → `"pushed_back"`).
fn word(out: &mut String, value: &impl Debug) {
    let mut name = String::new();
    let _ = write!(name, "{value:?}");
    out.push('"');
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IpcOutcome, SecurityAlert};
    use aios_abi::payload::AgentState;

    #[test]
    fn each_kind_is_one_object_with_its_fields() {
        let event = |kind| Event {
            seq: 7,
            time_ns: 1_500,
            kind,
        };
        assert_eq!(
            event(EventKind::Ipc {
                from: 3,
                to: 4,
                intent: String::from("demo.\"echo\""),
                outcome: IpcOutcome::PushedBack,
            })
            .to_json(),
            r#"{"seq":7,"time_ns":1500,"category":"ipc","from":3,"to":4,"intent":"demo.\"echo\"","outcome":"pushed_back"}"#
        );
        assert_eq!(
            event(EventKind::AgentLifecycle {
                agent: 9,
                state: AgentState::Running,
            })
            .to_json(),
            r#"{"seq":7,"time_ns":1500,"category":"agent","agent":9,"state":"running"}"#
        );
        assert_eq!(
            event(EventKind::Security {
                agent: None,
                alert: SecurityAlert::AuditTampered,
                detail: String::from("segment 3"),
            })
            .to_json(),
            r#"{"seq":7,"time_ns":1500,"category":"security","alert":"audit_tampered","detail":"segment 3"}"#
        );
    }
}
