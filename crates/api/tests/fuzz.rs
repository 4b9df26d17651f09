//! The routes fed random requests, as a client could write them: any
//! path and query under the API's routes, any body, with and without a
//! token, JSON or CBOR. Whatever comes in, `handle` answers (a status the
//! server knows, or a ticket) and never panics.

use aios_api::http::{Method, Request, reason};
use aios_api::prometheus::Metrics;
use aios_api::routes::handle;
use aios_api::tokens::AuthError;
use aios_api::{
    AgentRow, AuditCheck, AuditPage, Denied, Deployed, EventQuery, Grant, Health, ImageRow,
    MAX_AUDIT_LIMIT, MAX_LIST, MAX_RECALL, Memo, Node, Outgoing, Polled, Put, Question, Recalled,
    Refused, Reply, Spawned, StoreListing, StoreQuery, StoredObject, Tokens,
};
use proptest::prelude::*;

/// A node that takes everything it is asked and has nothing.
struct Accepting {
    tokens: Tokens,
}

impl Node for Accepting {
    fn authenticate(&self, authorization: Option<&str>) -> Result<Grant, AuthError> {
        self.tokens.verify(authorization).cloned()
    }
    fn health(&self) -> Health {
        Health {
            version: "0",
            uptime_ns: 0,
            agents: 0,
        }
    }
    fn metrics(&self, _: &mut Metrics) {}
    fn agents(&self) -> Vec<AgentRow> {
        Vec::new()
    }
    fn permit(&self, _: &str, _: &'static str, _: &str, _: &str) -> Result<(), Denied> {
        Ok(())
    }
    fn refused(&self, _: &str, _: &str) {}
    fn send(&self, _: &str, message: Outgoing) -> Result<u64, Refused> {
        // What reaches the node is one CBOR item, within the limits.
        assert!(aios_json::cbor_to_json(&message.body).is_ok());
        assert!(message.timeout_ns >= 1_000_000 && message.timeout_ns <= 60_000_000_000);
        Ok(1)
    }
    fn ask(&self, _: &str, question: Question) -> Result<u64, Refused> {
        assert!(!question.prompt.trim().is_empty());
        assert!(question.max_tokens <= 2048 && question.temperature_milli <= 2000);
        Ok(2)
    }
    fn watch(&self, _: &str, _: EventQuery) -> Result<u64, Refused> {
        Ok(3)
    }
    fn poll(&self, _: u64, _: u64) -> Polled {
        Polled::Waiting
    }
    fn release(&self, _: u64) {}
    fn spawn(&self, _: &str, image: &str) -> Result<Spawned, Refused> {
        assert!(!image.is_empty());
        Ok(Spawned {
            id: 9,
            name: image.into(),
        })
    }
    fn kill(&self, _: &str, _: u64) -> Result<(), Refused> {
        Ok(())
    }
    fn images(&self) -> Vec<ImageRow> {
        vec![ImageRow {
            name: "a\"b\r\nX-Injected: 1".into(),
            deployed: true,
            start_at_boot: false,
            refused: Some("\u{0}\\".into()),
        }]
    }
    fn deploy(&self, token: &str, what: &str, image: &[u8]) -> Result<Deployed, Refused> {
        // Only an admitted token's non-empty body gets here.
        assert!(!token.is_empty() && what == "POST /v1/images" && !image.is_empty());
        Ok(Deployed {
            name: String::from_utf8_lossy(&image[..image.len().min(8)]).into_owned(),
            publisher: "00".into(),
            size: image.len(),
            stored: false,
        })
    }
    fn store_get(&self, _: &str, namespace: &str, key: &str) -> Result<StoredObject, Refused> {
        // Path values arrive decoded: no escape is left whole.
        assert!(!namespace.is_empty() && !key.is_empty());
        Ok(StoredObject {
            content_type: "text/plain\r\nX-Injected: 1".into(),
            version: 1,
            body: Vec::new(),
        })
    }
    fn store_put(
        &self,
        _: &str,
        namespace: &str,
        key: &str,
        put: Put<'_>,
    ) -> Result<bool, Refused> {
        assert!(!namespace.is_empty() && !key.is_empty() && !put.content_type.is_empty());
        Ok(true)
    }
    fn store_list(&self, _: &str, ns: &str, query: StoreQuery) -> Result<StoreListing, Refused> {
        assert!(!ns.is_empty() && (1..=MAX_LIST).contains(&u64::from(query.limit)));
        Ok(StoreListing {
            objects: Vec::new(),
            more: false,
        })
    }
    fn audit_export(&self, _: u64, limit: usize) -> AuditPage {
        assert!((1..=MAX_AUDIT_LIMIT as usize).contains(&limit));
        AuditPage {
            first_seq: 0,
            next_seq: 0,
            public_key: Vec::new(),
            records: Vec::new(),
            checkpoints: Vec::new(),
        }
    }
    fn audit_verify(&self) -> AuditCheck {
        AuditCheck {
            ok: true,
            records: 0,
            checked_from: 0,
            signed_through: None,
            problem: None,
        }
    }
    fn remember(&self, _: &str, memo: Memo) -> Result<String, Refused> {
        assert!(!memo.text.trim().is_empty());
        Ok("m1".into())
    }
    fn recall(&self, _: &str, query: &str, k: usize) -> Result<Vec<Recalled>, Refused> {
        assert!(!query.trim().is_empty() && (1..=MAX_RECALL as usize).contains(&k));
        Ok(Vec::new())
    }
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Get),
        Just(Method::Post),
        Just(Method::Put),
        Just(Method::Delete),
        Just(Method::Head),
        Just(Method::Options),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::from("/health")),
        Just(String::from("/metrics")),
        Just(String::from("/v1/agents")),
        Just(String::from("/v1/images")),
        Just(String::from("/v1/ask")),
        Just(String::from("/v1/events")),
        "/v1/intents/[a-z.*%/]{0,24}",
        "/v1/agents/[0-9a-z%+-]{0,24}",
        "/v1/store/[a-z.%0-9A-F]{0,12}(/[ -~&&[^?]]{0,24})?",
        Just(String::from("/v1/audit")),
        Just(String::from("/v1/audit/verify")),
        Just(String::from("/v1/memory")),
        "/[ -~]{0,40}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        proptest::collection::vec(any::<u8>(), 0..64).prop_map(|tail| [
            b"AIOSAGNT".as_slice(),
            &tail
        ]
        .concat()),
        "[ -~]{0,128}".prop_map(String::into_bytes),
        "\\{\"(image|text|tags)\":(\"[ -~&&[^\"\\\\]]{0,16}\"|\\[\\]|[0-9]{1,3}|null)\\}"
            .prop_map(String::into_bytes),
        (
            "[ -~]{0,40}",
            proptest::option::of(0u64..5000),
            proptest::option::of("-?[0-9]{1,3}(\\.[0-9]{1,3})?"),
        )
            .prop_map(|(prompt, max, temperature)| {
                let mut json = format!("{{\"prompt\":{prompt:?}");
                if let Some(max) = max {
                    json.push_str(&format!(",\"max_tokens\":{max}"));
                }
                if let Some(t) = temperature {
                    json.push_str(&format!(",\"temperature\":{t}"));
                }
                json.push('}');
                json.into_bytes()
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn random_requests_get_an_answer_and_never_a_panic(
        method in method(),
        path in path(),
        query in proptest::option::of("[ -~]{0,40}"),
        body in body(),
        cbor in any::<bool>(),
        with_token in any::<bool>(),
    ) {
        let mut tokens = Tokens::default();
        let secret = tokens.mint("admin", vec!["*".into()], [7; 32]).unwrap();
        let mut headers = Vec::new();
        if with_token {
            headers.push(("authorization".to_string(), format!("Bearer {secret}")));
        }
        if cbor {
            headers.push(("content-type".to_string(), "application/cbor".to_string()));
        }
        let request = Request {
            method,
            path,
            query,
            headers,
            body,
            keep_alive: true,
        };
        match handle(&request, &Accepting { tokens }, 0) {
            Reply::Now(response) => {
                prop_assert_ne!(reason(response.status), "Unknown");
                // What a node stored is never a header of its own.
                let bytes = response.to_bytes();
                prop_assert!(!String::from_utf8_lossy(&bytes).contains("\r\nX-Injected"));
            }
            Reply::Later { ticket, deadline_ns } => {
                prop_assert_eq!(ticket, 1);
                prop_assert!(deadline_ns > 0);
            }
            Reply::Stream { ticket } => prop_assert!(ticket == 2 || ticket == 3),
        }
    }
}
