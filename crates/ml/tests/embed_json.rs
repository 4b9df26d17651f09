//! The JSON reader: values, escapes, and refusal of malformed or hostile input.

use aios_ml::Error;
use aios_ml::json::Value;
use proptest::prelude::*;

#[test]
fn parses_all_value_kinds_and_escapes() {
    let text =
        br#" {"a": [1, -2.5e2, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude80", "o": {}} "#;
    let value = Value::parse(text).expect("valid");
    let items = value.get("a").and_then(Value::as_array).expect("array");
    assert_eq!(
        items,
        [
            Value::Number(1.0),
            Value::Number(-250.0),
            Value::Bool(true),
            Value::Bool(false),
            Value::Null
        ]
    );
    assert_eq!(value.get("s").and_then(Value::as_str), Some("x\"\\/\né🚀"));
    assert_eq!(value.get("o"), Some(&Value::Object(Vec::new())));
    assert_eq!(items[0].as_u64(), Some(1));
    assert_eq!(items[1].as_u64(), None);
}

#[test]
fn malformed_documents_are_errors() {
    let cases: [&[u8]; 14] = [
        b"",
        b"{",
        b"[1,",
        b"[1 2]",
        b"{\"a\" 1}",
        b"{1: 2}",
        b"tru",
        b"nul",
        b"\"abc",
        b"\"\\x\"",
        b"\"\\ud800\"",
        b"01x",
        b"-",
        b"\"\x01\"",
    ];
    for case in cases {
        assert!(
            Value::parse(case).is_err(),
            "{:?} accepted",
            String::from_utf8_lossy(case)
        );
    }
    assert!(matches!(Value::parse(b"[1"), Err(Error::Truncated { .. })));
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = "[".repeat(100_000);
    assert!(matches!(
        Value::parse(deep.as_bytes()),
        Err(Error::TooLarge { .. })
    ));
    let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
    assert!(Value::parse(ok.as_bytes()).is_ok());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Value::parse(&bytes);
    }
}
