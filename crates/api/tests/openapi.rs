//! `docs/api/openapi.json` and the server's route table say the same:
//! every route and method, whether it needs a token, its scope and its
//! policy operation, a success and its refusals; every operation is one
//! the policy compiler knows; and the file is OpenAPI 3.1.

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
    let mut templates: Vec<&str> = ROUTES.iter().map(|r| r.path).collect();
    templates.dedup();
    assert_eq!(
        paths.len(),
        templates.len(),
        "routes in the file: {:?}",
        paths.keys()
    );
    for path in templates {
        let described = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not in openapi.json"))
            .as_object()
            .unwrap();
        let routes: Vec<_> = ROUTES.iter().filter(|r| r.path == path).collect();
        let mut listed: Vec<&String> = described.keys().filter(|k| *k != "parameters").collect();
        listed.sort();
        let mut expected: Vec<String> = routes
            .iter()
            .map(|r| r.method.as_str().to_ascii_lowercase())
            .collect();
        expected.sort();
        assert_eq!(listed, expected.iter().collect::<Vec<_>>(), "{path}");
        for route in routes {
            let method = route.method.as_str().to_ascii_lowercase();
            let operation = &described[&method];
            let security = operation["security"].as_array().unwrap();
            match route.guard {
                None => {
                    assert!(security.is_empty(), "{path} needs no token");
                    assert!(operation["x-aios-scope"].is_null());
                }
                Some(guard) => {
                    assert_eq!(security.len(), 1, "{path} needs a token");
                    assert_eq!(operation["x-aios-scope"], guard.scope, "{path}");
                    assert_eq!(operation["x-aios-operation"], guard.op, "{path}");
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
                    let responses = &operation["responses"];
                    assert!(
                        ["200", "201", "204"]
                            .iter()
                            .any(|s| responses.get(*s).is_some()),
                        "{path} {method} documents no success (200, 201 or 204)"
                    );
                    for status in ["401", "403"] {
                        assert!(
                            responses.get(status).is_some(),
                            "{path} {method} documents no {status}"
                        );
                    }
                }
            }
        }
        // Every `{name}` of the path is a documented path parameter.
        for segment in path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let documented = described["parameters"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{path} documents no parameters"))
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path" && p["required"] == true);
                assert!(
                    documented,
                    "{path}: {{{name}}} is not a documented path parameter"
                );
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
