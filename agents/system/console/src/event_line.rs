//! One console line per bus event: `#<seq> <s>.<ms> <category> <details>`,
//! with the manifest's and `docs/events.md`'s names for every enum.

use aios_abi::payload::CapKind;
use aios_events::{
    CapAction, DeviceState, Event, EventKind, IpcOutcome, PolicyEffect, SecurityAlert,
};

/// `#<seq> <s>.<ms> <category> <details>`.
pub fn line(event: &Event) -> String {
    let details = match &event.kind {
        EventKind::AgentLifecycle { agent, state } => format!("agent {agent} {}", state.name()),
        EventKind::Ipc {
            from,
            to,
            intent,
            outcome,
        } => format!(
            "ipc {from} -> {to} {} {}",
            clean(intent),
            outcome_name(*outcome)
        ),
        EventKind::Capability {
            agent,
            kind,
            action,
            peer,
        } => {
            let peer = peer.map_or(String::new(), |peer| match action {
                CapAction::Transferred => format!(" to {peer}"),
                _ => format!(" by {peer}"),
            });
            let (action, kind) = (action_name(*action), kind_name(*kind));
            format!("capability agent {agent} {action} {kind}{peer}")
        }
        EventKind::PolicyDecision {
            agent,
            operation,
            resource,
            effect,
        } => {
            let on = if resource.is_empty() {
                String::new()
            } else {
                format!(" on {}", clean(resource))
            };
            let effect = effect_name(*effect);
            format!("policy agent {agent} {}{on} {effect}", clean(operation))
        }
        EventKind::Device { device, state } => {
            format!("device {} {}", clean(device), device_name(*state))
        }
        EventKind::Security {
            agent,
            alert,
            detail,
        } => {
            let agent = agent.map_or(String::new(), |agent| format!(" agent {agent}"));
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(": {}", clean(detail))
            };
            format!("security{agent} {}{detail}", alert_name(*alert))
        }
    };
    let (seconds, millis) = (
        event.time_ns / 1_000_000_000,
        (event.time_ns / 1_000_000) % 1000,
    );
    format!("#{} {seconds}.{millis:03} {details}", event.seq)
}

/// `text` with control characters shown as `?`, so that names an agent
/// chose cannot drive the terminal.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn outcome_name(outcome: IpcOutcome) -> &'static str {
    match outcome {
        IpcOutcome::Delivered => "delivered",
        IpcOutcome::Refused => "refused",
        IpcOutcome::PushedBack => "pushed-back",
        IpcOutcome::Expired => "expired",
    }
}

fn action_name(action: CapAction) -> &'static str {
    match action {
        CapAction::Granted => "granted",
        CapAction::Transferred => "transferred",
        CapAction::Revoked => "revoked",
        CapAction::Expired => "expired",
    }
}

/// The manifest's name for a capability kind.
fn kind_name(kind: CapKind) -> &'static str {
    match kind {
        CapKind::Agent => "agent",
        CapKind::SpawnBudget => "spawn-budget",
        CapKind::Intent => "intent",
        CapKind::MemoryRegion => "memory-region",
        CapKind::StoreNamespace => "store-namespace",
        CapKind::NetEndpoint => "net-endpoint",
        CapKind::Model => "model",
        CapKind::EventTopic => "event-topic",
        CapKind::Console => "console",
        CapKind::System => "system",
        CapKind::Policy => "policy",
    }
}

fn effect_name(effect: PolicyEffect) -> &'static str {
    match effect {
        PolicyEffect::Allow => "allow",
        PolicyEffect::Deny => "deny",
        PolicyEffect::Audit => "audit",
        PolicyEffect::ApprovalRequired => "approval-required",
    }
}

fn device_name(state: DeviceState) -> &'static str {
    match state {
        DeviceState::Attached => "attached",
        DeviceState::Ready => "ready",
        DeviceState::Failed => "failed",
        DeviceState::Removed => "removed",
    }
}

fn alert_name(alert: SecurityAlert) -> &'static str {
    match alert {
        SecurityAlert::ImageRefused => "image-refused",
        SecurityAlert::ForgedHandle => "forged-handle",
        SecurityAlert::QuotaExceeded => "quota-exceeded",
        SecurityAlert::AuditTampered => "audit-tampered",
        SecurityAlert::AgentFault => "agent-fault",
        SecurityAlert::ImageDeployed => "image-deployed",
    }
}
