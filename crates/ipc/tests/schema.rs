//! Schema language: parsing, errors with positions, printing, validation.

use aios_ipc::{Field, IntentSpec, MAX_DEPTH, Schema, SchemaError, ValidationError};
use minicbor::Encoder;
use proptest::prelude::*;

const SPEAK: &str = r#"{ text: text, times?: uint, mode: "loud" | "quiet", tags: [text] }"#;

fn error_at(text: &str) -> (usize, usize, String) {
    let SchemaError {
        line,
        column,
        message,
    } = Schema::parse(text).unwrap_err();
    (line, column, message)
}

fn failure(path: &str, expected: &str, found: &str) -> Result<(), ValidationError> {
    Err(ValidationError {
        path: path.into(),
        expected: expected.into(),
        found: found.into(),
    })
}

/// Encodes a body with the given map entries written by `fill`.
fn body(entries: u64, fill: impl FnOnce(&mut Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut e = Encoder::new(&mut bytes);
    e.map(entries).unwrap();
    fill(&mut e);
    bytes
}

#[test]
fn parses_the_example() {
    let schema = Schema::parse(SPEAK).unwrap();
    let field = |name: &str, optional, schema| Field {
        name: name.into(),
        optional,
        schema,
    };
    let expected = Schema::Map(vec![
        field("text", false, Schema::Text),
        field("times", true, Schema::Uint),
        field(
            "mode",
            false,
            Schema::Enum(vec!["loud".into(), "quiet".into()]),
        ),
        field("tags", false, Schema::List(Box::new(Schema::Text))),
    ]);
    assert_eq!(schema, expected);
    assert_eq!(schema.to_string(), SPEAK);
}

#[test]
fn comments_newlines_quoted_names_and_trailing_commas() {
    let text = "# a request\n{\n  \"content-type\": text, # the type\n  n: [[int]],\n}\n";
    let schema = Schema::parse(text).unwrap();
    assert_eq!(
        schema.to_string(),
        r#"{ "content-type": text, n: [[int]] }"#
    );
    assert_eq!(Schema::parse("{}"), Ok(Schema::Map(vec![])));
}

#[test]
fn errors_give_line_and_column() {
    assert_eq!(
        error_at("{\n  a: tex\n}"),
        (2, 6, "unknown type `tex`".into())
    );
    assert_eq!(
        error_at("{ a text }"),
        (
            1,
            5,
            "expected `:` after the field name, found `text`".into()
        )
    );
    assert_eq!(
        error_at("{ a: int, a: int }"),
        (1, 11, "duplicate field `a`".into())
    );
    assert_eq!(
        error_at("[int"),
        (
            1,
            5,
            "expected `]` to close the list, found end of input".into()
        )
    );
    assert_eq!(
        error_at("\"a\" | \"b\" | \"a\""),
        (1, 13, "duplicate value \"a\"".into())
    );
    assert_eq!(
        error_at("\n\n   \"open"),
        (3, 4, "unterminated string".into())
    );
    assert_eq!(
        error_at("int int"),
        (1, 5, "unexpected `int` after the schema".into())
    );
    assert_eq!(
        error_at("{ a: 5 }"),
        (1, 6, "unexpected character `5`".into())
    );
    assert_eq!(
        error_at(""),
        (1, 1, "expected a type, found end of input".into())
    );
}

#[test]
fn nesting_is_limited() {
    let ok = format!("{}int{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(Schema::parse(&ok).is_ok());
    let deep = format!(
        "{}int{}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(
        error_at(&deep),
        (1, MAX_DEPTH + 1, format!("nesting deeper than {MAX_DEPTH}"))
    );
}

#[test]
fn valid_bodies_pass() {
    let schema = Schema::parse(SPEAK).unwrap();
    let full = body(4, |e| {
        e.str("text").unwrap().str("hi").unwrap();
        e.str("times").unwrap().u8(3).unwrap();
        e.str("mode").unwrap().str("loud").unwrap();
        e.str("tags")
            .unwrap()
            .array(2)
            .unwrap()
            .str("a")
            .unwrap()
            .str("b")
            .unwrap();
    });
    assert_eq!(schema.validate(&full), Ok(()));
    let minimal = body(3, |e| {
        e.str("mode").unwrap().str("quiet").unwrap();
        e.str("tags").unwrap().begin_array().unwrap().end().unwrap();
        e.str("text")
            .unwrap()
            .begin_str()
            .unwrap()
            .str("h")
            .unwrap()
            .str("i")
            .unwrap()
            .end()
            .unwrap();
    });
    assert_eq!(schema.validate(&minimal), Ok(()));
    let null_optional = body(4, |e| {
        e.str("text").unwrap().str("hi").unwrap();
        e.str("times").unwrap().null().unwrap();
        e.str("mode").unwrap().str("loud").unwrap();
        e.str("tags").unwrap().array(0).unwrap();
    });
    assert_eq!(schema.validate(&null_optional), Ok(()));
    let numbers = Schema::parse("[int]").unwrap();
    assert_eq!(
        numbers.validate(&minicbor::to_vec([-5i64, 7, i64::MIN]).unwrap()),
        Ok(())
    );
    assert_eq!(
        Schema::Float.validate(&minicbor::to_vec(1.5f32).unwrap()),
        Ok(())
    );
    assert_eq!(
        Schema::Bytes
            .validate(&minicbor::to_vec(minicbor::bytes::ByteVec::from(vec![1u8])).unwrap()),
        Ok(())
    );
}

#[test]
fn invalid_bodies_name_the_path() {
    let schema = Schema::parse(SPEAK).unwrap();
    let wrong_type = body(3, |e| {
        e.str("text").unwrap().u8(1).unwrap();
        e.str("mode").unwrap().str("loud").unwrap();
        e.str("tags").unwrap().array(0).unwrap();
    });
    assert_eq!(
        schema.validate(&wrong_type),
        failure("$.text", "text", "uint")
    );
    let missing = body(2, |e| {
        e.str("text").unwrap().str("hi").unwrap();
        e.str("mode").unwrap().str("loud").unwrap();
    });
    assert_eq!(
        schema.validate(&missing),
        failure("$.tags", "list", "nothing")
    );
    let unknown = body(4, |e| {
        e.str("text").unwrap().str("hi").unwrap();
        e.str("colour").unwrap().str("red").unwrap();
        e.str("mode").unwrap().str("loud").unwrap();
        e.str("tags").unwrap().array(0).unwrap();
    });
    assert_eq!(
        schema.validate(&unknown),
        failure("$.colour", "a declared field", "unknown field")
    );
    let shout = body(3, |e| {
        e.str("text").unwrap().str("hi").unwrap();
        e.str("mode").unwrap().str("shout").unwrap();
        e.str("tags").unwrap().array(0).unwrap();
    });
    assert_eq!(
        schema.validate(&shout),
        failure("$.mode", r#""loud" | "quiet""#, r#""shout""#)
    );
    let bad_tag = body(3, |e| {
        e.str("text").unwrap().str("hi").unwrap();
        e.str("mode").unwrap().str("loud").unwrap();
        e.str("tags")
            .unwrap()
            .array(3)
            .unwrap()
            .str("a")
            .unwrap()
            .str("b")
            .unwrap()
            .i8(-1)
            .unwrap();
    });
    assert_eq!(
        schema.validate(&bad_tag),
        failure("$.tags[2]", "text", "negative int")
    );
    let negative_times = body(1, |e| {
        e.str("times").unwrap().i8(-2).unwrap();
    });
    assert_eq!(
        schema.validate(&negative_times),
        failure("$.times", "uint", "negative int")
    );
    let twice = body(2, |e| {
        e.str("text").unwrap().str("a").unwrap();
        e.str("text").unwrap().str("b").unwrap();
    });
    assert_eq!(
        schema.validate(&twice),
        failure("$.text", "one value", "duplicate field")
    );
}

#[test]
fn whole_body_errors() {
    let schema = Schema::parse(SPEAK).unwrap();
    assert_eq!(schema.validate(&[]), failure("$", "map", "end of body"));
    assert_eq!(schema.validate(&[0x80]), failure("$", "map", "list"));
    assert_eq!(
        Schema::Uint.validate(&[0x01, 0x02]),
        failure("$", "end of body", "trailing bytes")
    );
    assert_eq!(
        Schema::Text.validate(&[0x62, 0xFF, 0xFE]),
        failure("$", "text", "malformed CBOR")
    );
    assert_eq!(
        Schema::Bool.validate(&[0xC1, 0xF5]),
        failure("$", "bool", "tag")
    );
    let odd_key = Schema::parse(r#"{ "a b": int }"#).unwrap();
    let bad = body(1, |e| {
        e.str("a b").unwrap().str("x").unwrap();
    });
    assert_eq!(
        odd_key.validate(&bad),
        failure(r#"$["a b"]"#, "int", "text")
    );
}

#[test]
fn validation_depth_is_limited_for_built_schemas() {
    let mut schema = Schema::Int;
    let mut value = vec![0x00];
    for _ in 0..=MAX_DEPTH {
        schema = Schema::List(Box::new(schema));
        value.insert(0, 0x81);
    }
    let error = schema.validate(&value).unwrap_err();
    assert_eq!(error.expected, format!("nesting at most {MAX_DEPTH} deep"));
    assert_eq!(error.path, format!("${}", "[0]".repeat(MAX_DEPTH)));
}

#[test]
fn intent_specs_check_their_parts() {
    let spec = IntentSpec::new("text.speak", "Say a text aloud", SPEAK, "{ ok: bool }").unwrap();
    assert_eq!(spec.output, Schema::parse("{ok: bool}").unwrap());
    assert!(matches!(
        IntentSpec::new("Text", "x", "int", "int"),
        Err(aios_ipc::Error::InvalidName)
    ));
    assert!(matches!(
        IntentSpec::new("a", "x", "{", "int"),
        Err(aios_ipc::Error::Schema(_))
    ));
}

fn schema() -> impl Strategy<Value = Schema> {
    let leaf = prop_oneof![
        Just(Schema::Bool),
        Just(Schema::Int),
        Just(Schema::Uint),
        Just(Schema::Float),
        Just(Schema::Text),
        Just(Schema::Bytes),
        proptest::collection::btree_set("[a-z \"\\\\]{0,5}", 1..4)
            .prop_map(|values| Schema::Enum(values.into_iter().collect())),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|s| Schema::List(Box::new(s))),
            proptest::collection::btree_map("[a-z_][a-z0-9_ -]{0,6}", (any::<bool>(), inner), 0..4)
                .prop_map(|fields| Schema::Map(
                    fields
                        .into_iter()
                        .map(|(name, (optional, schema))| Field {
                            name,
                            optional,
                            schema
                        })
                        .collect()
                )),
        ]
    })
}

proptest! {
    #[test]
    fn printed_schemas_parse_back(schema in schema()) {
        prop_assert_eq!(Schema::parse(&schema.to_string()), Ok(schema));
    }

    #[test]
    fn random_text_never_panics(text in "[\\[\\]{}:,?|\"a-z \n#]{0,64}") {
        let _ = Schema::parse(&text);
    }

    #[test]
    fn random_bodies_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = Schema::parse(SPEAK).unwrap().validate(&bytes);
        let _ = Schema::parse("[[{a?: [int], b: float}]]").unwrap().validate(&bytes);
    }
}
