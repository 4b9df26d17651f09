//! `require approval from "agent"`: the kernel asks the approver with an
//! `aios.approval` message; its reply `{ approve: bool }` grants the
//! requester one use of the operation within a minute, which the
//! requester claims by calling again.

use super::decide::{Operation, Subject, describe};
use crate::Inner;
use aios_abi::Error;
use aios_audit::Kind;
use aios_events::PolicyEffect;
use aios_ipc::Message;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};

/// Intent of the kernel's request to an approver.
pub(crate) const APPROVAL_INTENT: &str = "aios.approval";
/// How long an approval waits to be used, and a question to be answered.
const APPROVAL_TTL_NS: u64 = 60_000_000_000;
/// Most approval requests outstanding at once.
const MAX_ASKED: usize = 64;

/// (agent, operation, resource).
type Key = (u64, String, String);

/// Approval requests in flight and approvals not yet used.
#[derive(Default)]
pub(crate) struct Approvals {
    /// Question id → (what, approver, when asked).
    asked: BTreeMap<u64, (Key, String, u64)>,
    granted: BTreeMap<Key, u64>,
}

impl Inner {
    pub(crate) fn ask_approval(
        &self,
        me: u64,
        subject: &Subject,
        op: Operation<'_>,
        approver: &str,
    ) -> Result<(), Error> {
        let now = self.platform.now_ns();
        let key: Key = (
            me,
            op.name.to_string(),
            op.resource.unwrap_or("").to_string(),
        );
        {
            let mut approvals = self.guard.approvals.lock();
            // Questions an approver left unanswered for a minute lapse, so
            // they can be asked again and never fill the table for good.
            approvals
                .asked
                .retain(|_, (_, _, at)| now.saturating_sub(*at) < APPROVAL_TTL_NS);
            approvals.granted.retain(|_, expiry| *expiry > now);
            if approvals
                .granted
                .remove(&key)
                .is_some_and(|expiry| expiry > now)
            {
                drop(approvals);
                self.audit(
                    Kind::Approval,
                    me,
                    &alloc::format!("used: {}", describe(subject, op, 0)),
                );
                return Ok(());
            }
            if approvals.asked.values().any(|(k, _, _)| *k == key) {
                return Err(Error::ApprovalRequired);
            }
            if approvals.asked.len() >= MAX_ASKED {
                drop(approvals);
                self.audit(Kind::Denial, me, "too many approval requests outstanding");
                self.count_denial(me);
                return Err(Error::PolicyDenied);
            }
        }
        let body = approval_body(me, subject, op);
        let sent = {
            let mut state = self.state.lock();
            let approver_id = state
                .agents
                .iter()
                .find(|(_, r)| r.name == approver && !r.state.is_final())
                .map(|(id, _)| *id);
            approver_id.and_then(|id| {
                let (msg, wake) = state.post.kernel_request(id, APPROVAL_INTENT, body, now)?;
                if let Some(agent) = wake {
                    state.wake_receiver(agent);
                }
                Some(msg)
            })
        };
        let Some(msg) = sent else {
            self.audit(
                Kind::Denial,
                me,
                &alloc::format!(
                    "{}: approver `{approver}` is not running",
                    describe(subject, op, 0)
                ),
            );
            self.count_denial(me);
            return Err(Error::PolicyDenied);
        };
        self.guard
            .approvals
            .lock()
            .asked
            .insert(msg, (key, approver.to_string(), now));
        self.audit(
            Kind::Approval,
            me,
            &alloc::format!("requested from {approver}: {}", describe(subject, op, 0)),
        );
        self.policy_event(me, op, PolicyEffect::ApprovalRequired);
        Err(Error::ApprovalRequired)
    }

    /// Handles approvers' answers that reached the kernel.
    pub(crate) fn process_approvals(&self) {
        let replies: alloc::vec::Vec<Message> =
            self.state.lock().post.kernel_inbox.drain(..).collect();
        let now = self.platform.now_ns();
        for reply in replies {
            let Some(request) = reply.reply_to else {
                continue;
            };
            let Some((key, approver, _)) = self.guard.approvals.lock().asked.remove(&request)
            else {
                continue;
            };
            let approved = decode_answer(&reply.body);
            let detail = alloc::format!(
                "{} by {approver}: agent {} {} on `{}`",
                if approved { "approved" } else { "refused" },
                key.0,
                key.1,
                key.2
            );
            if approved {
                self.guard
                    .approvals
                    .lock()
                    .granted
                    .insert(key.clone(), now.saturating_add(APPROVAL_TTL_NS));
            }
            self.audit(Kind::Approval, key.0, &detail);
        }
    }
}

/// `{ agent: uint, name: text, operation: text, resource: text }`.
fn approval_body(me: u64, subject: &Subject, op: Operation<'_>) -> alloc::vec::Vec<u8> {
    let mut e = minicbor::Encoder::new(alloc::vec::Vec::new());
    // Writing into a Vec cannot fail.
    let _ = e
        .map(4)
        .and_then(|e| e.str("agent")?.u64(me)?.str("name")?.str(&subject.name))
        .and_then(|e| e.str("operation")?.str(op.name))
        .and_then(|e| e.str("resource")?.str(op.resource.unwrap_or("")));
    e.into_writer()
}

/// Whether an answer says `{ approve: true }`; anything else refuses.
fn decode_answer(body: &[u8]) -> bool {
    let mut d = minicbor::Decoder::new(body);
    let Ok(Some(entries)) = d.map() else {
        return false;
    };
    for _ in 0..entries {
        match d.str() {
            Ok("approve") => return d.bool().unwrap_or(false),
            Ok(_) => {
                if d.skip().is_err() {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    false
}
