//! The routes fed random requests, as a client could write them: any
//! path and query under the API's routes, any body, with and without a
//! token, JSON or CBOR. Whatever comes in, `handle` answers (a status the
//! server knows, or a ticket) and never panics.

use aios_api::http::{Method, Request, reason};
use aios_api::prometheus::Metrics;
use aios_api::routes::handle;
use aios_api::{
    AgentRow, Denied, EventQuery, Health, Node, Outgoing, Polled, Question, Refused, Reply, Tokens,
};
use proptest::prelude::*;

/// A node that takes everything it is asked and has nothing.
struct Accepting;

impl Node for Accepting {
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
        Just(String::from("/v1/ask")),
        Just(String::from("/v1/events")),
        "/v1/intents/[a-z.*%/]{0,24}",
        "/[ -~]{0,40}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        "[ -~]{0,128}".prop_map(String::into_bytes),
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
        let request = Request { method, path, query, headers, body };
        match handle(&request, &tokens, &Accepting, 0) {
            Reply::Now(response) => prop_assert_ne!(reason(response.status), "Unknown"),
            Reply::Later { ticket, deadline_ns } => {
                prop_assert_eq!(ticket, 1);
                prop_assert!(deadline_ns > 0);
            }
            Reply::Stream { ticket } => prop_assert!(ticket == 2 || ticket == 3),
        }
    }
}
