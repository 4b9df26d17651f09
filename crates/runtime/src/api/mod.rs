//! Requests to the node's HTTPS API, decided and audited here: the
//! policy sees the token as a subject named `api:NAME` with the label
//! `api`, doing one of the API's operations (`aios_abi::API_OPERATIONS`)
//! on a resource, so the same rules that govern agents govern tokens
//! (`deny label "api" op "api_agents_list";`). What a request then does
//! is done here too: messages sent and their replies ([`intents`]),
//! questions for the model ([`ask`]), and event streams ([`events`]).

mod ask;
mod events;
mod intents;

pub use intents::ApiReply;
pub(crate) use intents::Waiting;

use crate::Runtime;
use crate::guard::{Operation, Subject, describe};
use aios_abi::Error;
use aios_audit::Kind;
use aios_policy::Effect;
use alloc::format;
use alloc::string::String;
use alloc::vec;

impl Runtime {
    /// Decides whether token `token` may do `op` (one of
    /// `aios_abi::API_OPERATIONS`) on `resource`, and audits the request
    /// as `what` ("GET /metrics"). A rule that wants an approver denies:
    /// nobody can approve an HTTP request while it waits.
    pub fn api_request(
        &self,
        token: &str,
        op: &'static str,
        resource: &str,
        what: &str,
    ) -> Result<(), Error> {
        let subject = Subject {
            name: format!("api:{token}"),
            publisher: [0; 32],
            labels: vec![String::from("api")],
        };
        let operation = Operation::on(op, resource);
        let (decision, _, _) = self.inner.evaluate(&subject, operation);
        let record = |kind, detail: &str| self.inner.audit(kind, 0, detail);
        match decision.effect {
            Effect::Allow => {
                record(Kind::Api, &format!("token {token}: {what}"));
                Ok(())
            }
            Effect::Audit => {
                record(
                    Kind::PolicyAudit,
                    &describe(&subject, operation, decision.line),
                );
                record(Kind::Api, &format!("token {token}: {what}"));
                Ok(())
            }
            Effect::Deny => {
                record(Kind::Denial, &describe(&subject, operation, decision.line));
                Err(Error::PolicyDenied)
            }
            Effect::RequireApproval(_) => {
                record(
                    Kind::Denial,
                    &format!(
                        "{} (needs an approver, which an API request cannot wait for)",
                        describe(&subject, operation, decision.line)
                    ),
                );
                Err(Error::PolicyDenied)
            }
        }
    }

    /// Audits an API request refused before the policy saw it (no token,
    /// an unknown one, a scope it lacks).
    pub fn api_refused(&self, what: &str, why: &str) {
        self.inner
            .audit(Kind::Api, 0, &format!("refused {what}: {why}"));
    }
}
