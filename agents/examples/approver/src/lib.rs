//! Example agent: the approver a policy names in `require approval from
//! "approver"`. The kernel asks it with `aios.approval` messages
//! `{ agent, name, operation, resource }`; it answers `{ approve: bool }`:
//! yes to everything but switching the machine off, and logs each answer.

use aios_sdk::minicbor::{Decoder, Encoder};
use aios_sdk::{Error, Message, RecvFilter};

/// The intent of the kernel's questions.
const APPROVAL: &str = "aios.approval";
/// Operations this approver never allows.
const REFUSED: &[&str] = &["system_poweroff"];

fn main() -> i32 {
    let filter = RecvFilter {
        intent: Some(APPROVAL.to_string()),
        ..RecvFilter::default()
    };
    loop {
        let question = match aios_sdk::recv(&filter, i64::MAX as u64) {
            Ok(question) => question,
            Err(error) => {
                aios_sdk::error!("approver: {error}");
                return 1;
            }
        };
        if let Err(error) = answer(&question) {
            aios_sdk::warn!("approver: answering {}: {error}", question.id);
        }
    }
}

/// Decides one question and replies.
fn answer(question: &Message) -> Result<(), Error> {
    let asked = Asked::decode(&question.body)?;
    let approve = !REFUSED.contains(&asked.operation.as_str());
    aios_sdk::info!(
        "approver: {} {} (agent {}) {} on `{}`",
        if approve { "approved" } else { "refused" },
        asked.name,
        asked.agent,
        asked.operation,
        asked.resource
    );
    let mut body = Encoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = body
        .map(1)
        .and_then(|e| e.str("approve"))
        .and_then(|e| e.bool(approve));
    aios_sdk::reply(question, body.into_writer()).map(drop)
}

/// What the kernel asks about.
struct Asked {
    agent: u64,
    name: String,
    operation: String,
    resource: String,
}

impl Asked {
    fn decode(body: &[u8]) -> Result<Asked, Error> {
        let bad = |_| Error::MalformedPayload;
        let mut d = Decoder::new(body);
        let entries = d.map().map_err(bad)?.ok_or(Error::MalformedPayload)?;
        let mut asked = Asked {
            agent: 0,
            name: String::new(),
            operation: String::new(),
            resource: String::new(),
        };
        for _ in 0..entries {
            match d.str().map_err(bad)? {
                "agent" => asked.agent = d.u64().map_err(bad)?,
                "name" => asked.name = d.str().map_err(bad)?.to_string(),
                "operation" => asked.operation = d.str().map_err(bad)?.to_string(),
                "resource" => asked.resource = d.str().map_err(bad)?.to_string(),
                _ => d.skip().map_err(bad)?,
            }
        }
        Ok(asked)
    }
}

aios_sdk::entry!(main);
