//! JSON text to CBOR: exact bytes for each kind of value, and the offset
//! and message of each kind of mistake.

use aios_json::{JsonError, json_to_cbor};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cbor(text: &str) -> String {
    hex(&json_to_cbor(text).unwrap())
}

fn refused(text: &str) -> (usize, &'static str) {
    let JsonError { offset, message } = json_to_cbor(text).unwrap_err();
    (offset, message)
}

#[test]
fn scalars() {
    assert_eq!(cbor("null"), "f6");
    assert_eq!(cbor(" true "), "f5");
    assert_eq!(cbor("\n\tfalse\r"), "f4");
    assert_eq!(cbor("0"), "00");
    assert_eq!(cbor("-0"), "00");
    assert_eq!(cbor("100"), "1864");
    assert_eq!(cbor("-1"), "20");
    assert_eq!(cbor("-1000"), "3903e7");
    assert_eq!(cbor("1.5"), "fb3ff8000000000000");
    assert_eq!(cbor("1e2"), "fb4059000000000000");
    assert_eq!(cbor("-2.5E-1"), "fbbfd0000000000000");
    assert_eq!(cbor("2.0"), "fb4000000000000000");
}

#[test]
fn integer_limits_and_overflow_to_float() {
    assert_eq!(cbor("18446744073709551615"), "1bffffffffffffffff");
    assert_eq!(cbor("-9223372036854775808"), "3b7fffffffffffffff");
    // One past each end becomes the nearest double.
    assert_eq!(cbor("18446744073709551616"), "fb43f0000000000000");
    assert_eq!(cbor("-9223372036854775809"), "fbc3e0000000000000");
    assert_eq!(refused("1e400"), (0, "number out of range"));
    assert_eq!(refused("[-1e999]"), (1, "number out of range"));
}

#[test]
fn strings_and_escapes() {
    assert_eq!(cbor(r#""""#), "60");
    assert_eq!(cbor(r#""hi""#), "626869");
    assert_eq!(cbor(r#""a\"\\\/\b\f\n\r\t""#), "6961225c2f080c0a0d09");
    assert_eq!(cbor(r#""\u00e9""#), "62c3a9");
    assert_eq!(cbor("\"é\""), "62c3a9");
    // U+1F600 as a surrogate pair and as itself.
    assert_eq!(cbor(r#""\uD83D\uDE00""#), "64f09f9880");
    assert_eq!(cbor("\"😀\""), "64f09f9880");
    assert_eq!(cbor(r#""\u0000""#), "6100");
}

#[test]
fn containers() {
    assert_eq!(cbor("[]"), "80");
    assert_eq!(cbor("{}"), "a0");
    assert_eq!(cbor(r#"{"text":"hi"}"#), "a16474657874626869");
    assert_eq!(
        cbor(r#" [ 1 , [ 2 ] , { "a" : null } ] "#),
        "83018102a16161f6"
    );
    // Members keep their order, duplicates included.
    assert_eq!(cbor(r#"{"b":1,"a":2,"b":3}"#), "a3616201616102616203");
    let long = format!("[{}]", vec!["0"; 24].join(","));
    assert_eq!(cbor(&long), format!("9818{}", "00".repeat(24)));
}

#[test]
fn depth_limit_is_64() {
    let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
    assert_eq!(json_to_cbor(&ok).unwrap().len(), 64);
    let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
    assert_eq!(refused(&deep), (64, "nested deeper than 64 levels"));
    let objects = format!("{}1{}", r#"{"a":"#.repeat(65), "}".repeat(65));
    assert_eq!(refused(&objects).1, "nested deeper than 64 levels");
}

#[test]
fn mistakes_name_their_offset() {
    assert_eq!(refused(""), (0, "expected a value"));
    assert_eq!(refused("   "), (3, "expected a value"));
    assert_eq!(refused("1 2"), (2, "trailing characters after the value"));
    assert_eq!(refused("{} x"), (3, "trailing characters after the value"));
    assert_eq!(refused("tru"), (0, "expected a value"));
    assert_eq!(refused("nul1"), (0, "expected a value"));
    assert_eq!(refused("truex"), (4, "trailing characters after the value"));
    assert_eq!(refused("[1,]"), (3, "expected a value"));
    assert_eq!(refused("[1 2]"), (3, "expected `,` or `]`"));
    assert_eq!(refused(r#"{"a":1,}"#), (7, "expected a string key"));
    assert_eq!(refused("{a:1}"), (1, "expected a string key"));
    assert_eq!(refused(r#"{"a" 1}"#), (5, "expected `:`"));
    assert_eq!(refused(r#"{"a":1 "b":2}"#), (7, "expected `,` or `}`"));
    assert_eq!(refused("[1"), (2, "expected `,` or `]`"));
    assert_eq!(refused("01"), (1, "trailing characters after the value"));
    assert_eq!(refused("-"), (1, "invalid number"));
    assert_eq!(refused("1."), (2, "invalid number"));
    assert_eq!(refused("1e+"), (3, "invalid number"));
    assert_eq!(refused(".5"), (0, "expected a value"));
    assert_eq!(refused("+1"), (0, "expected a value"));
    assert_eq!(refused("NaN"), (0, "expected a value"));
}

#[test]
fn string_mistakes() {
    assert_eq!(refused(r#"["abc"#), (1, "unterminated string"));
    assert_eq!(refused("\"a\nb\""), (2, "control character in string"));
    assert_eq!(refused(r#""\x""#), (1, "invalid escape"));
    assert_eq!(refused(r#""\"#), (1, "invalid escape"));
    assert_eq!(refused(r#""\u12""#), (1, "invalid \\u escape"));
    assert_eq!(refused(r#""\u12g4""#), (1, "invalid \\u escape"));
    assert_eq!(refused(r#""ab\uD83D""#), (3, "unpaired surrogate"));
    assert_eq!(refused(r#""\uD83Dx""#), (1, "unpaired surrogate"));
    assert_eq!(refused(r#""\uD83D\u0041""#), (1, "unpaired surrogate"));
    assert_eq!(refused(r#""\uDE00""#), (1, "unpaired surrogate"));
    assert_eq!(refused(r#""\uD83D\uDE0""#), (7, "invalid \\u escape"));
}

#[test]
fn errors_display_the_offset() {
    let error = json_to_cbor(r#"{"text": hi}"#).unwrap_err();
    assert_eq!(error.to_string(), "at byte 9: expected a value");
}
