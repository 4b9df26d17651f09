//! CBOR payloads of the syscalls that take or return structured data.
//! Fields are numbered (`#[n(..)]`) so they can be added without breaking
//! older agents; encoded as CBOR maps.

mod agents;
mod audit;
mod caps;
mod images;
mod infer;
mod ipc;
mod memory;
mod net;
mod store;
mod system;
mod tokens;

pub use agents::{AgentInfo, AgentList, AgentState, IpcCounters, SpawnRequest};
pub use audit::{AuditEntry, AuditRecords, AuditVerdict};
pub use caps::{CapInfo, CapKind, CapList, GrantRequest, rights};
pub use images::{ImageInfo, ImageList, restart_mode};
pub use infer::{ChatMessage, INFER_TOKEN_INTENT, InferRequest, InferToken, finish};
pub use ipc::{EventFilter, IpcStats, LATENCY_BOUNDS_NS, RecvFilter, TraceEntry, TraceList};
pub use memory::{MemoryHit, MemoryHits, MemoryQueryRequest, MemoryStoreRequest};
pub use net::{Datagram, NetEndpointInfo, NetInfo, PingReply};
pub use store::{
    STORE_CHUNK, SnapshotEntry, SnapshotList, SnapshotRequest, StoreData, StoreGet, StoreKey,
    StoreListRequest, StoreListing, StoreObjectInfo, StorePut, snapshot_action,
};
pub use system::{Measurement, SystemInfo};
pub use tokens::{TokenInfo, TokenList, TokenMinted, TokenOrigin, TokenRequest};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, decode, encode};
    use alloc::string::ToString;
    use alloc::vec::Vec;

    #[test]
    fn payloads_round_trip() {
        let req = SpawnRequest {
            name: "hello".to_string(),
            budget: 7,
            restart_of: Some(3),
        };
        assert_eq!(decode::<SpawnRequest>(&encode(&req)), Ok(req));
        let grant = GrantRequest {
            cap: 1,
            to: 2,
            rights: rights::READ | rights::GRANT,
            quota: Some(5),
            expires_ns: None,
        };
        assert_eq!(decode::<GrantRequest>(&encode(&grant)), Ok(grant));
        let list = TokenList {
            tokens: alloc::vec![TokenInfo {
                name: "grafana".to_string(),
                scopes: alloc::vec!["metrics".to_string()],
                origin: TokenOrigin::Minted,
            }],
        };
        assert_eq!(decode::<TokenList>(&encode(&list)), Ok(list));
    }

    #[test]
    fn malformed_payloads_are_errors() {
        assert_eq!(
            decode::<SpawnRequest>(&[0xFF, 0x00]),
            Err(Error::MalformedPayload)
        );
        assert_eq!(decode::<SpawnRequest>(&[]), Err(Error::MalformedPayload));
        // A map missing the required name field.
        assert_eq!(
            decode::<SpawnRequest>(&[0xA1, 0x01, 0x07]),
            Err(Error::MalformedPayload)
        );
    }

    #[test]
    fn rights_names() {
        let names: Vec<_> = rights::names(rights::READ | rights::KILL).collect();
        assert_eq!(names, ["read", "kill"]);
    }
}

#[cfg(test)]
mod documented_examples {
    use super::*;
    use alloc::string::ToString;

    /// The AgentInfo example in docs/abi.md encodes to the bytes shown there.
    #[test]
    fn agent_info_example_matches_the_docs() {
        let info = AgentInfo {
            id: 42,
            name: "hello".to_string(),
            state: AgentState::Exited,
            exit_code: Some(0),
            reason: None,
            memory_pages: 17,
            fuel_used: 18250,
            cpu_permille: 0,
            parent: Some(7),
            last_cpu: Some(1),
            restarts: 0,
            ipc: IpcCounters::default(),
        };
        let hex: alloc::string::String = crate::encode(&info)
            .iter()
            .map(|b| alloc::format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "ab00182a016568656c6c6f0204030005110619474a0700080709010a000ba500000100020003000400"
        );
    }
}
