//! Requests to the node's API decided by the runtime's policy as the
//! subject `api:NAME` with the label `api`, and audited: allowed ones as
//! `api` records, denied ones as denials naming the rule, a rule that
//! wants an approver denying, and refusals before the policy recorded.

mod support;

use aios_abi::Error;
use support::runtime;

fn records(rt: &aios_runtime::Runtime) -> Vec<(String, String)> {
    rt.audit_tail(64)
        .into_iter()
        .map(|(_, kind, _, detail)| (kind.to_string(), detail))
        .collect()
}

#[test]
fn api_requests_go_through_the_policy_and_the_audit_log() {
    let (rt, _) = runtime(&[], 1);
    assert_eq!(
        rt.api_request("admin", "api_metrics", "/metrics", "GET /metrics"),
        Ok(())
    );
    rt.install_policy(
        "deny label \"api\" op \"api_agents_list\";\n\
         require approval from \"admin\" for agent \"api:ops\" op \"api_metrics\";\n\
         default allow;",
    )
    .unwrap();
    assert_eq!(
        rt.api_request("admin", "api_agents_list", "/v1/agents", "GET /v1/agents"),
        Err(Error::PolicyDenied)
    );
    assert_eq!(
        rt.api_request("ops", "api_metrics", "/metrics", "GET /metrics"),
        Err(Error::PolicyDenied)
    );
    assert_eq!(
        rt.api_request("grafana", "api_metrics", "/metrics", "GET /metrics"),
        Ok(())
    );
    rt.api_refused("GET /metrics", "unknown token");
    let records = records(&rt);
    let has = |kind: &str, text: &str| records.iter().any(|(k, d)| k == kind && d.contains(text));
    assert!(has("api", "token admin: GET /metrics"), "{records:?}");
    assert!(has("denial", "api:admin"), "{records:?}");
    assert!(has("denial", "api_agents_list"), "{records:?}");
    assert!(has("denial", "needs an approver"), "{records:?}");
    assert!(has("api", "token grafana: GET /metrics"), "{records:?}");
    assert!(
        has("api", "refused GET /metrics: unknown token"),
        "{records:?}"
    );
    assert!(rt.audit_verifies());
}
