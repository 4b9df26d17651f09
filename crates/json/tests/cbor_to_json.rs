//! CBOR to JSON text: each kind of item, indefinite lengths, tags, and the
//! offset and message of each kind of malformed input.

use aios_json::{JsonError, cbor_to_json};

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn json(hex: &str) -> String {
    cbor_to_json(&unhex(hex)).unwrap()
}

fn refused(hex: &str) -> (usize, &'static str) {
    let JsonError { offset, message } = cbor_to_json(&unhex(hex)).unwrap_err();
    (offset, message)
}

#[test]
fn scalars() {
    assert_eq!(json("f6"), "null");
    assert_eq!(json("f7"), "null");
    assert_eq!(json("f5"), "true");
    assert_eq!(json("f4"), "false");
    assert_eq!(json("17"), "23");
    assert_eq!(json("1bffffffffffffffff"), "18446744073709551615");
    assert_eq!(json("20"), "-1");
    assert_eq!(json("3b7fffffffffffffff"), "-9223372036854775808");
    // Below i64: CBOR's most negative integer.
    assert_eq!(json("3bffffffffffffffff"), "-18446744073709551616");
    assert_eq!(json("fb3ff8000000000000"), "1.5");
    assert_eq!(json("fb4000000000000000"), "2.0");
    assert_eq!(json("fa3dcccccd"), "0.1");
    assert_eq!(json("f93c00"), "1.0");
    assert_eq!(json("f97c00"), "null");
    assert_eq!(json("fb7ff8000000000000"), "null");
}

#[test]
fn text_and_bytes() {
    assert_eq!(json("626869"), r#""hi""#);
    assert_eq!(
        json("69225c0a01c3a92f7f41"),
        "\"\\\"\\\\\\n\\u0001é/\u{7f}A\""
    );
    assert_eq!(json("40"), r#""h''""#);
    assert_eq!(json("4300ff10"), r#""h'00ff10'""#);
    // Indefinite: chunks are joined.
    assert_eq!(json("5f4101420203ff"), r#""h'010203'""#);
    assert_eq!(
        json("7f61616262 63ff".replace(' ', "").as_str()),
        r#""abc""#
    );
    assert_eq!(json("7fff"), r#""""#);
}

#[test]
fn containers_keys_and_tags() {
    assert_eq!(json("80"), "[]");
    assert_eq!(json("a0"), "{}");
    assert_eq!(json("83010203"), "[1,2,3]");
    assert_eq!(json("9f01820203ff"), "[1,[2,3]]");
    assert_eq!(
        json("a2616101 6162f6".replace(' ', "").as_str()),
        r#"{"a":1,"b":null}"#
    );
    // Integer keys, as the ABI's payloads use, print as strings.
    assert_eq!(json("a200182a0120"), r#"{"0":42,"1":-1}"#);
    assert_eq!(json("bf0001ff"), r#"{"0":1}"#);
    assert_eq!(json("bf7f6161ff02ff"), r#"{"a":2}"#);
    // Tags (a date string, a bignum, nested tags) show the tagged value.
    assert_eq!(
        json("c074323031332d30332d32315432303a30343a30305a"),
        r#""2013-03-21T20:04:00Z""#
    );
    assert_eq!(json("c249010000000000000000"), r#""h'010000000000000000'""#);
    assert_eq!(json("d818d81901"), "1");
    assert_eq!(json("81c101"), "[1]");
}

#[test]
fn depth_limit_is_64() {
    let ok = format!("{}80", "81".repeat(63));
    assert_eq!(
        cbor_to_json(&unhex(&ok)).unwrap(),
        format!("{}{}", "[".repeat(64), "]".repeat(64))
    );
    let deep = format!("{}80", "81".repeat(64));
    assert_eq!(refused(&deep), (64, "nested deeper than 64 levels"));
    let maps = format!("{}00", "a100".repeat(65));
    assert_eq!(refused(&maps), (128, "nested deeper than 64 levels"));
    // Tags do not nest containers: a long chain is fine.
    let tags = format!("{}01", "c1".repeat(10_000));
    assert_eq!(cbor_to_json(&unhex(&tags)).unwrap(), "1");
}

#[test]
fn malformed_input_names_its_offset() {
    assert_eq!(refused(""), (0, "unexpected end of input"));
    assert_eq!(refused("0000"), (1, "trailing bytes after the item"));
    assert_eq!(refused("18"), (1, "unexpected end of input"));
    assert_eq!(refused("6368"), (2, "unexpected end of input"));
    assert_eq!(refused("8301"), (2, "unexpected end of input"));
    assert_eq!(refused("9f01"), (2, "unexpected end of input"));
    assert_eq!(refused("ff"), (0, "unexpected break"));
    assert_eq!(refused("8201ff"), (2, "unexpected break"));
    assert_eq!(refused("f0"), (0, "unsupported simple value"));
    assert_eq!(refused("f820"), (0, "unsupported simple value"));
    assert_eq!(refused("1c"), (0, "invalid item"));
    assert_eq!(refused("fc"), (0, "invalid item"));
    assert_eq!(refused("62c328"), (0, "malformed text"));
    assert_eq!(refused("7f4161ff"), (1, "malformed text"));
    assert_eq!(refused("5f6161ff"), (1, "malformed byte string"));
    assert_eq!(refused("a18001"), (1, "map key is not text or an integer"));
    assert_eq!(refused("a1f601"), (1, "map key is not text or an integer"));
    assert_eq!(refused("a101"), (2, "unexpected end of input"));
    assert_eq!(refused("c1"), (1, "unexpected end of input"));
    // A huge declared length runs into the end, not out of memory.
    assert_eq!(
        refused("9bffffffffffffffff00"),
        (10, "unexpected end of input")
    );
    assert_eq!(
        refused("5bffffffffffffffff00"),
        (10, "unexpected end of input")
    );
}

#[test]
fn errors_display_the_offset() {
    let error = cbor_to_json(&[0x82, 0x01]).unwrap_err();
    assert_eq!(error.to_string(), "at byte 2: unexpected end of input");
}
