//! `docs/api/openapi.json` and the server's route table say the same:
//! every route and method, whether it needs a token, its scope and its
//! policy operation; every operation is one the policy compiler knows;
//! and the file is OpenAPI 3.1.

use aios_api::ROUTES;
use serde_json::Value;

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_openapi_file_and_the_route_table_agree() {
    let spec = spec();
    assert_eq!(spec["openapi"], "3.1.0");
    let paths = spec["paths"].as_object().unwrap();
    assert_eq!(
        paths.len(),
        ROUTES.len(),
        "routes in the file: {:?}",
        paths.keys()
    );
    for route in ROUTES {
        let described = paths
            .get(route.path)
            .unwrap_or_else(|| panic!("{} is not in openapi.json", route.path))
            .as_object()
            .unwrap();
        let methods: Vec<String> = route
            .methods
            .iter()
            .map(|m| m.as_str().to_ascii_lowercase())
            .collect();
        let mut listed: Vec<&String> = described.keys().collect();
        listed.sort();
        let mut expected: Vec<&String> = methods.iter().collect();
        expected.sort();
        assert_eq!(listed, expected, "{}", route.path);
        for method in &methods {
            let operation = &described[method];
            let security = operation["security"].as_array().unwrap();
            match route.guard {
                None => {
                    assert!(security.is_empty(), "{} needs no token", route.path);
                    assert!(operation["x-aios-scope"].is_null());
                }
                Some(guard) => {
                    assert_eq!(security.len(), 1, "{} needs a token", route.path);
                    assert_eq!(operation["x-aios-scope"], guard.scope, "{}", route.path);
                    assert_eq!(operation["x-aios-operation"], guard.op, "{}", route.path);
                    assert!(
                        aios_abi::API_OPERATIONS.contains(&guard.op),
                        "{} is not an API operation the policy knows",
                        guard.op
                    );
                    assert!(
                        aios_api::tokens::SCOPES.contains(&guard.scope),
                        "{} is not a scope a token can be given",
                        guard.scope
                    );
                    for status in ["200", "401", "403"] {
                        assert!(
                            operation["responses"].get(status).is_some(),
                            "{} {method} documents no {status}",
                            route.path
                        );
                    }
                }
            }
        }
    }
    let operations: Vec<&str> = ROUTES
        .iter()
        .filter_map(|r| r.guard.map(|g| g.op))
        .collect();
    assert_eq!(
        operations,
        aios_abi::API_OPERATIONS,
        "every API operation has a route"
    );
}
