//! Helpers shared by the integration tests: building requests.

use aios_policy::{Request, Subject};

/// A request from `name` (publisher all zero, no labels) for `operation`
/// on `resource`, at time 0, hour 12, size 0, no schema.
pub fn request<'a>(name: &'a str, operation: &'a str, resource: Option<&'a str>) -> Request<'a> {
    Request {
        subject: Subject {
            name,
            publisher: [0; 32],
            labels: &[],
        },
        operation,
        resource,
        size: 0,
        schema: None,
        now_ns: 0,
        hour_utc: 12,
    }
}
