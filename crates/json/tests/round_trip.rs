//! Property tests: generated JSON values, written with varied whitespace
//! and escapes, convert to the CBOR an independent encoder (minicbor)
//! produces and back to their canonical JSON; arbitrary and damaged
//! inputs are refused without panicking.

use aios_json::{cbor_to_json, json_to_cbor};
use minicbor::Encoder;
use proptest::prelude::*;

/// A JSON value as the tests generate it.
#[derive(Debug, Clone)]
enum Json {
    Null,
    Bool(bool),
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    Text(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// How a value is written as input.
#[derive(Debug, Clone, Copy)]
struct Style {
    spaced: bool,
    escape_everything: bool,
    exponent_floats: bool,
}

fn text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '"', '\\', '/', '\n', '\t', '\0', '\u{1f}', 'é', '😀', '\u{ffff}',
    ]);
    prop::collection::vec(prop_oneof![any::<char>(), tricky], 0..10)
        .prop_map(|chars| chars.into_iter().collect())
}

fn value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<u64>().prop_map(Json::Unsigned),
        (i64::MIN..0).prop_map(Json::Negative),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |x| x.is_finite())
            .prop_map(Json::Float),
        text().prop_map(Json::Text),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((text(), inner), 0..6).prop_map(Json::Object),
        ]
    })
}

fn style() -> impl Strategy<Value = Style> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c)| Style {
        spaced: a,
        escape_everything: b,
        exponent_floats: c,
    })
}

/// Writes `value` as input text in `style`.
fn write(value: &Json, style: Style, out: &mut String) {
    let gap = if style.spaced { " \n\t\r" } else { "" };
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Unsigned(n) => out.push_str(&n.to_string()),
        Json::Negative(n) => out.push_str(&n.to_string()),
        Json::Float(x) if style.exponent_floats => out.push_str(&format!("{x:e}")),
        Json::Float(x) => out.push_str(&format!("{x:?}")),
        Json::Text(s) if style.escape_everything => {
            out.push('"');
            for unit in s.encode_utf16() {
                out.push_str(&format!("\\u{unit:04X}"));
            }
            out.push('"');
        }
        Json::Text(s) => canonical_string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { gap } else { "," });
                out.push_str(gap);
                write(item, style, out);
            }
            out.push_str(gap);
            out.push(']');
        }
        Json::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                out.push_str(if i == 0 { gap } else { "," });
                write(&Json::Text(key.clone()), style, out);
                out.push_str(gap);
                out.push(':');
                out.push_str(gap);
                write(item, style, out);
            }
            out.push_str(gap);
            out.push('}');
        }
    }
}

/// The one spelling `cbor_to_json` produces.
fn canonical(value: &Json) -> String {
    let mut out = String::new();
    let style = Style {
        spaced: false,
        escape_everything: false,
        exponent_floats: false,
    };
    write(value, style, &mut out);
    out
}

fn canonical_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The CBOR minicbor's own encoder writes for `value`.
fn minicbor_encoding(value: &Json) -> Vec<u8> {
    fn encode(value: &Json, e: &mut Encoder<&mut Vec<u8>>) {
        match value {
            Json::Null => e.null().map(drop),
            Json::Bool(b) => e.bool(*b).map(drop),
            Json::Unsigned(n) => e.u64(*n).map(drop),
            Json::Negative(n) => e.i64(*n).map(drop),
            Json::Float(x) => e.f64(*x).map(drop),
            Json::Text(s) => e.str(s).map(drop),
            Json::Array(items) => {
                e.array(items.len() as u64).unwrap();
                items.iter().for_each(|item| encode(item, e));
                Ok(())
            }
            Json::Object(members) => {
                e.map(members.len() as u64).unwrap();
                for (key, item) in members {
                    e.str(key).unwrap();
                    encode(item, e);
                }
                Ok(())
            }
        }
        .unwrap();
    }
    let mut out = Vec::new();
    encode(value, &mut Encoder::new(&mut out));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_converts_to_the_same_cbor_as_minicbor(value in value(), style in style()) {
        let mut text = String::new();
        write(&value, style, &mut text);
        let cbor = json_to_cbor(&text).unwrap();
        prop_assert_eq!(&cbor, &minicbor_encoding(&value));
        prop_assert_eq!(cbor_to_json(&cbor).unwrap(), canonical(&value));
    }

    #[test]
    fn canonical_json_is_a_fixed_point(value in value()) {
        let text = canonical(&value);
        let cbor = json_to_cbor(&text).unwrap();
        let again = cbor_to_json(&cbor).unwrap();
        prop_assert_eq!(&again, &text);
        prop_assert_eq!(json_to_cbor(&again).unwrap(), cbor);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        match cbor_to_json(&bytes) {
            Ok(text) => prop_assert!(json_to_cbor(&text).is_ok()),
            Err(error) => prop_assert!(error.offset <= bytes.len()),
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[\\[\\]{}\",:0-9eE.+\\-tfnrul\\\\ a]{0,40}") {
        if let Err(error) = json_to_cbor(&text) {
            prop_assert!(error.offset <= text.len());
        }
    }

    #[test]
    fn damaged_encodings_never_panic(
        value in value(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        cut in any::<bool>(),
    ) {
        let mut cbor = minicbor_encoding(&value);
        let i = at.index(cbor.len());
        if cut {
            cbor.truncate(i);
        } else {
            cbor[i] = byte;
        }
        if let Err(error) = cbor_to_json(&cbor) {
            prop_assert!(error.offset <= cbor.len());
        }
        let text = canonical(&value);
        let cut_text: String = text.chars().take(at.index(text.chars().count())).collect();
        if let Err(error) = json_to_cbor(&cut_text) {
            prop_assert!(error.offset <= cut_text.len());
        }
    }
}
