//! Requests to the node's HTTPS API, decided and audited here: the
//! policy sees the token as a subject named `api:NAME` with the label
//! `api`, doing one of the API's operations (`aios_abi::API_OPERATIONS`)
//! on a resource, so the same rules that govern agents govern tokens
//! (`deny label "api" op "api_agents_list";`). What a request then does
//! is done here too: messages sent and their replies ([`intents`]),
//! questions for the model ([`ask`]), event streams ([`events`]), agents
//! started and stopped ([`agents`]), store objects ([`store`]), the
//! audit log's export and check ([`audit`]), and the token's memories
//! ([`memory`]).

mod agents;
mod ask;
mod audit;
mod events;
mod intents;
mod memory;
mod store;

pub use audit::{AuditCheck, AuditSlice};
pub use intents::ApiReply;
pub(crate) use intents::Waiting;
pub use memory::memory_region;

use crate::Runtime;
use crate::guard::{Operation, Subject, describe};
use aios_abi::Error;
use aios_audit::Kind;
use aios_policy::Effect;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;

/// Why an API request the policy allowed failed: the error's kind (the
/// HTTP status follows from it) and words for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What kind of failure.
    pub kind: Error,
    /// What went wrong, in words.
    pub why: String,
}

impl ApiError {
    /// A failure of `kind`, explained by `why`.
    pub fn new(kind: Error, why: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            why: why.into(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(kind: Error) -> ApiError {
        ApiError {
            kind,
            why: kind.to_string(),
        }
    }
}

impl From<aios_store::Error> for ApiError {
    fn from(error: aios_store::Error) -> ApiError {
        ApiError {
            kind: crate::storage::to_abi(&error),
            why: error.to_string(),
        }
    }
}

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
