//! What a record is about: the security-relevant event kinds.

/// The kind of a security-relevant event. The numeric codes are part of the
/// hashed record format and never change; new kinds get new codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The node booted and the log started.
    Boot,
    /// An agent was spawned.
    Spawn,
    /// An agent exited (returned, called exit, or trapped).
    Exit,
    /// An agent was killed by another.
    Kill,
    /// A capability was minted or derived for an agent.
    Grant,
    /// A capability was revoked.
    Revoke,
    /// A capability or policy check refused an operation.
    Denial,
    /// A policy rule with the `audit` effect allowed an operation.
    PolicyAudit,
    /// An operation waits for, or received, an approver's decision.
    Approval,
    /// The policy in force was replaced.
    PolicyChange,
    /// An agent image was refused (bad signature, manifest or module).
    ImageRefused,
    /// A signed checkpoint covers the log up to and including this record.
    Checkpoint,
    /// An agent opened a network endpoint: connected, listened, accepted
    /// or bound.
    Net,
    /// A request to the node's API: the token, what it asked, the answer.
    Api,
    /// Another node of the cluster: linked or unlinked, and each message
    /// that came from it.
    Cluster,
    /// An agent image was deployed at run time (through the API) and
    /// verified, or restored from the store at boot.
    ImageDeployed,
}

impl Kind {
    /// Every kind, in code order.
    pub const ALL: [Kind; 16] = [
        Kind::Boot,
        Kind::Spawn,
        Kind::Exit,
        Kind::Kill,
        Kind::Grant,
        Kind::Revoke,
        Kind::Denial,
        Kind::PolicyAudit,
        Kind::Approval,
        Kind::PolicyChange,
        Kind::ImageRefused,
        Kind::Checkpoint,
        Kind::Net,
        Kind::Api,
        Kind::Cluster,
        Kind::ImageDeployed,
    ];

    /// The kind's code in the record format.
    pub fn code(self) -> u8 {
        match self {
            Kind::Boot => 0,
            Kind::Spawn => 1,
            Kind::Exit => 2,
            Kind::Kill => 3,
            Kind::Grant => 4,
            Kind::Revoke => 5,
            Kind::Denial => 6,
            Kind::PolicyAudit => 7,
            Kind::Approval => 8,
            Kind::PolicyChange => 9,
            Kind::ImageRefused => 10,
            Kind::Checkpoint => 11,
            Kind::Net => 12,
            Kind::Api => 13,
            Kind::Cluster => 14,
            Kind::ImageDeployed => 15,
        }
    }

    /// The kind with `code`, if there is one.
    pub fn from_code(code: u64) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| u64::from(k.code()) == code)
    }

    /// Lower-case name, for the console.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Boot => "boot",
            Kind::Spawn => "spawn",
            Kind::Exit => "exit",
            Kind::Kill => "kill",
            Kind::Grant => "grant",
            Kind::Revoke => "revoke",
            Kind::Denial => "denial",
            Kind::PolicyAudit => "policy-audit",
            Kind::Approval => "approval",
            Kind::PolicyChange => "policy-change",
            Kind::ImageRefused => "image-refused",
            Kind::Checkpoint => "checkpoint",
            Kind::Net => "net",
            Kind::Api => "api",
            Kind::Cluster => "cluster",
            Kind::ImageDeployed => "image-deployed",
        }
    }
}
