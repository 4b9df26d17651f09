//! Requests parsed from untrusted bytes, token files and headers, and the
//! Prometheus writer's checks; then random bytes, which must never panic.

use aios_api::Tokens;
use aios_api::http::{HttpError, MAX_BODY, MAX_HEAD, Method, parse_head};
use aios_api::prometheus::{Kind, Metrics};
use aios_api::routes::max_body;
use aios_api::tokens::{AuthError, hash, hex};
use proptest::prelude::*;

/// Parses with the route table's body limits, as the server does.
fn parse_request(bytes: &[u8]) -> Result<Option<(aios_api::http::Request, usize)>, HttpError> {
    aios_api::http::parse_request(bytes, max_body)
}

#[test]
fn a_request_is_parsed_once_whole_and_not_before() {
    let bytes = b"POST /v1/agents?x=1 HTTP/1.1\r\nHost: n\r\nContent-Length: 5\r\nX-A:  b \r\n\r\nhelloNEXT";
    for cut in 0..bytes.len() - 4 {
        assert_eq!(parse_request(&bytes[..cut]), Ok(None), "cut at {cut}");
    }
    let (request, used) = parse_request(bytes).unwrap().unwrap();
    assert_eq!(used, bytes.len() - 4);
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.path, "/v1/agents");
    assert_eq!(request.query.as_deref(), Some("x=1"));
    assert_eq!(request.header("x-a"), Some("b"));
    assert_eq!(request.body, b"hello");
}

#[test]
fn malformed_requests_say_what_is_wrong() {
    let cases: [(&[u8], HttpError); 10] = [
        (
            b"GET / HTTP/1.1 x\r\n\r\n",
            HttpError::Malformed("the request line is not METHOD TARGET VERSION"),
        ),
        (
            b"GET http://x/ HTTP/1.1\r\n\r\n",
            HttpError::Malformed("the target is not an absolute path"),
        ),
        (
            b"get / HTTP/1.1\r\n\r\n",
            HttpError::Malformed("bad method"),
        ),
        (b"PATCH / HTTP/1.1\r\n\r\n", HttpError::UnknownMethod),
        (
            b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
            HttpError::Malformed("a header without a colon"),
        ),
        (
            b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            HttpError::Malformed("a bad header name"),
        ),
        (
            b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            HttpError::Malformed("a bad Content-Length"),
        ),
        (
            b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
            HttpError::Malformed("two Content-Lengths"),
        ),
        (
            b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
            HttpError::LengthRequired,
        ),
        (
            b"GET / HTTP/1.1\r\nX: \x01\r\n\r\n",
            HttpError::Malformed("control characters in a header value"),
        ),
    ];
    for (bytes, error) in cases {
        assert_eq!(
            parse_request(bytes),
            Err(error),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
    let huge = format!("GET / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", MAX_BODY + 1);
    assert_eq!(parse_request(huge.as_bytes()), Err(HttpError::BodyTooLarge));
    let long_head = vec![b'a'; MAX_HEAD + 1];
    assert_eq!(parse_request(&long_head), Err(HttpError::HeadTooLarge));
    let many = format!("GET / HTTP/1.1\r\n{}\r\n", "A: b\r\n".repeat(65));
    assert_eq!(parse_request(many.as_bytes()), Err(HttpError::HeadTooLarge));
}

#[test]
fn an_image_s_deploy_alone_takes_a_body_past_a_mebibyte() {
    let head = |method: &str, path: &str, length: usize| {
        format!("{method} {path} HTTP/1.1\r\nContent-Length: {length}\r\n\r\n")
    };
    assert_eq!(max_body(Method::Post, "/v1/images"), aios_api::MAX_IMAGE);
    assert_eq!(max_body(Method::Get, "/v1/images"), MAX_BODY);
    assert_eq!(max_body(Method::Put, "/v1/store/a/b"), MAX_BODY);
    assert_eq!(max_body(Method::Post, "/nowhere"), MAX_BODY);
    // The head alone says whether the body may come: 413 before it does.
    let upload = head("POST", "/v1/images", aios_api::MAX_IMAGE);
    let parsed = parse_head(upload.as_bytes(), max_body).unwrap().unwrap();
    assert_eq!(parsed.length, aios_api::MAX_IMAGE);
    assert_eq!(parsed.total(), upload.len() + aios_api::MAX_IMAGE);
    assert_eq!(parse_request(upload.as_bytes()), Ok(None));
    for (method, path, length) in [
        ("POST", "/v1/images", aios_api::MAX_IMAGE + 1),
        ("PUT", "/v1/store/a/b", MAX_BODY + 1),
        ("POST", "/v1/agents", MAX_BODY + 1),
        ("GET", "/v1/images", MAX_BODY + 1),
    ] {
        let text = head(method, path, length);
        assert_eq!(
            parse_head(text.as_bytes(), max_body),
            Err(HttpError::BodyTooLarge),
            "{method} {path} {length}"
        );
    }
}

#[test]
fn token_files_and_bearer_headers() {
    let secret = "aios_".to_string() + &"ab".repeat(32);
    let file = format!(
        "# name hash scopes\nadmin {} *\nscraper {} metrics agents:read # comment\n",
        hex(&hash(&secret)),
        hex(&hash("aios_other"))
    );
    let tokens = Tokens::parse(&file).unwrap();
    assert_eq!(tokens.len(), 2);
    let grant = tokens.verify(Some(&format!("Bearer {secret}"))).unwrap();
    assert_eq!(grant.name, "admin");
    assert!(grant.allows("anything:at-all"));
    let scraper = tokens.verify(Some("bearer aios_other")).unwrap();
    assert!(scraper.allows("metrics") && scraper.allows("agents:read"));
    assert!(!scraper.allows("agents:write"));
    assert_eq!(tokens.verify(None), Err(AuthError::Missing));
    assert_eq!(tokens.verify(Some("Basic abc")), Err(AuthError::Malformed));
    assert_eq!(
        tokens.verify(Some("Bearer aios_nope")),
        Err(AuthError::Unknown)
    );

    for (bad, line) in [
        ("x\n", 1),
        ("\nname zz *\n", 2),
        (
            "n@me 0000000000000000000000000000000000000000000000000000000000000000 *\n",
            1,
        ),
        (
            "name 0000000000000000000000000000000000000000000000000000000000000000\n",
            1,
        ),
        (
            "name 0000000000000000000000000000000000000000000000000000000000000000 Bad!\n",
            1,
        ),
    ] {
        assert_eq!(
            Tokens::parse(bad).err().map(|e| e.line),
            Some(line),
            "{bad}"
        );
    }
    let mut tokens = Tokens::default();
    let one = tokens
        .mint("ops", vec!["agents:*".into()], [7; 32])
        .unwrap();
    assert!(one.starts_with("aios_") && one.len() == 69);
    assert!(tokens.mint("ops", vec!["metrics".into()], [8; 32]).is_err());
    let ops = tokens.verify(Some(&format!("Bearer {one}"))).unwrap();
    assert!(ops.allows("agents:read") && ops.allows("agents:write") && !ops.allows("metrics"));
}

#[test]
fn metrics_refuse_bad_names_and_escape_values() {
    let mut metrics = Metrics::default();
    metrics.single("ok_gauge", "Help with \\ and\nnewline.", Kind::Gauge, 1);
    metrics.single("bad name", "x", Kind::Gauge, 1);
    metrics.single("counter_without_suffix", "x", Kind::Counter, 1);
    metrics.family("labels_total", "x", Kind::Counter);
    metrics.sample(&[("__reserved", "x")], 1);
    metrics.sample(&[("path", "a\\b\"c\nd")], 2);
    let text = metrics.finish();
    assert_eq!(
        text,
        "# HELP ok_gauge Help with \\\\ and\\nnewline.\n# TYPE ok_gauge gauge\nok_gauge 1\n\
         # HELP labels_total x\n# TYPE labels_total counter\nlabels_total{path=\"a\\\\b\\\"c\\nd\"} 2\n\
         # HELP aios_metrics_refused_total Metric families or samples the node refused to expose for a bad name.\n\
         # TYPE aios_metrics_refused_total counter\naios_metrics_refused_total 3\n"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_request(&bytes);
    }

    #[test]
    fn random_heads_after_a_good_request_line_never_panic(
        head in "[ -~\r\n\t]{0,512}",
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = format!("GET /health HTTP/1.1\r\n{head}\r\n\r\n").into_bytes();
        bytes.extend_from_slice(&body);
        if let Ok(Some((request, used))) = parse_request(&bytes) {
            prop_assert!(used <= bytes.len());
            prop_assert_eq!(request.path, "/health");
        }
    }

    #[test]
    fn random_authorization_headers_never_panic(header in "\\PC{0,200}") {
        let tokens = Tokens::default();
        prop_assert!(tokens.verify(Some(&header)).is_err());
    }
}
