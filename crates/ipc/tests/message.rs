//! Message envelope: round trips, limits, malformed input, stamping.

use aios_ipc::{
    Context, Destination, Error, MAX_BODY, MAX_CAPS, MAX_INTENT, MAX_MESSAGE, Message, stamp,
};
use minicbor::Encoder;
use proptest::prelude::*;

fn full_message() -> Message {
    Message {
        id: 7,
        from: 3,
        to: Destination::Intent("text.summarize".into()),
        intent: "text.summarize".into(),
        schema: Some("summarize-v1".into()),
        body: minicbor::to_vec("hello").unwrap(),
        context: Context {
            trace_id: 11,
            conversation_id: 12,
            causal_parent: Some(5),
            priority: 200,
            deadline_ns: Some(1_000_000),
        },
        caps: vec![1, 0xFFFF_FFFF],
        reply_to: Some(4),
    }
}

/// A map with the three required fields and whatever `extra` adds.
fn envelope(entries: u64, extra: impl FnOnce(&mut Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut e = Encoder::new(&mut bytes);
    e.map(3 + entries).unwrap();
    e.u8(0).unwrap().u64(1).unwrap();
    e.u8(2)
        .unwrap()
        .array(2)
        .unwrap()
        .u8(0)
        .unwrap()
        .u64(9)
        .unwrap();
    e.u8(3).unwrap().str("x").unwrap();
    extra(&mut e);
    bytes
}

#[test]
fn full_and_minimal_messages_round_trip() {
    let message = full_message();
    assert_eq!(Message::decode(&message.encode()), Ok(message));
    let minimal = Message::new(1, Destination::Request("what time is it".into()), "");
    assert_eq!(Message::decode(&minimal.encode()), Ok(minimal));
}

#[test]
fn defaults_fill_absent_optional_fields() {
    let message = Message::decode(&envelope(0, |_| {})).unwrap();
    assert_eq!(message, Message::new(1, Destination::Agent(9), "x"));
    assert_eq!(message.context.priority, aios_ipc::PRIORITY_NORMAL);
}

#[test]
fn stamp_overwrites_the_senders_claim() {
    let mut message = full_message();
    message.from = 999;
    stamp(&mut message, 3);
    assert_eq!(message.from, 3);
}

#[test]
fn null_optionals_and_unknown_keys_are_accepted() {
    let bytes = envelope(3, |e| {
        e.u8(4).unwrap().null().unwrap();
        e.u8(8).unwrap().null().unwrap();
        e.u8(40).unwrap().array(1).unwrap().str("future").unwrap();
    });
    let message = Message::decode(&bytes).unwrap();
    assert_eq!((message.schema, message.reply_to), (None, None));
}

#[test]
fn oversized_fields_are_refused() {
    let body = envelope(1, |e| {
        e.u8(5).unwrap().bytes(&vec![0; MAX_BODY + 1]).unwrap();
    });
    assert_eq!(
        Message::decode(&body),
        Err(Error::TooLarge {
            field: "body",
            limit: MAX_BODY
        })
    );
    let mut message = Message::new(1, Destination::Agent(1), "a".repeat(MAX_INTENT + 1));
    let limit = MAX_INTENT;
    assert_eq!(
        Message::decode(&message.encode()),
        Err(Error::TooLarge {
            field: "intent",
            limit
        })
    );
    message.intent = "a".repeat(MAX_INTENT);
    message.caps = vec![0; MAX_CAPS + 1];
    let limit = MAX_CAPS;
    assert_eq!(
        Message::decode(&message.encode()),
        Err(Error::TooLarge {
            field: "caps",
            limit
        })
    );
    let huge = vec![0; MAX_MESSAGE + 1];
    let limit = MAX_MESSAGE;
    assert_eq!(
        Message::decode(&huge),
        Err(Error::TooLarge {
            field: "message",
            limit
        })
    );
}

#[test]
fn structural_errors_are_named() {
    let mut missing = Vec::new();
    Encoder::new(&mut missing)
        .map(1)
        .unwrap()
        .u8(3)
        .unwrap()
        .str("x")
        .unwrap();
    assert_eq!(Message::decode(&missing), Err(Error::MissingField("id")));
    let twice = envelope(1, |e| {
        e.u8(0).unwrap().u64(2).unwrap();
    });
    assert_eq!(Message::decode(&twice), Err(Error::DuplicateField("id")));
    let loud = envelope(1, |e| {
        e.u8(6)
            .unwrap()
            .map(1)
            .unwrap()
            .u8(3)
            .unwrap()
            .u16(256)
            .unwrap();
    });
    assert_eq!(
        Message::decode(&loud),
        Err(Error::InvalidValue("context.priority"))
    );
    let big_cap = envelope(1, |e| {
        e.u8(7).unwrap().array(1).unwrap().u64(1 << 32).unwrap();
    });
    assert_eq!(Message::decode(&big_cap), Err(Error::InvalidValue("caps")));
    let mut trailing = envelope(0, |_| {});
    trailing.push(0);
    assert_eq!(Message::decode(&trailing), Err(Error::TrailingBytes));
    assert_eq!(Message::decode(&[0xA0]), Err(Error::MissingField("id")));
    assert_eq!(Message::decode(&[0x01]), Err(Error::MalformedCbor));
}

#[test]
fn unknown_destination_kind_is_invalid() {
    let mut bytes = Vec::new();
    let mut e = Encoder::new(&mut bytes);
    e.map(3).unwrap().u8(0).unwrap().u8(1).unwrap();
    e.u8(2)
        .unwrap()
        .array(2)
        .unwrap()
        .u8(3)
        .unwrap()
        .u8(0)
        .unwrap();
    e.u8(3).unwrap().str("x").unwrap();
    assert_eq!(Message::decode(&bytes), Err(Error::InvalidValue("to")));
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = full_message().encode();
    for end in 0..bytes.len() {
        assert!(
            Message::decode(&bytes[..end]).is_err(),
            "prefix of {end} bytes decoded"
        );
    }
}

fn destination() -> impl Strategy<Value = Destination> {
    prop_oneof![
        any::<u64>().prop_map(Destination::Agent),
        "[a-z]{1,10}(\\.[a-z]{1,10}){0,3}".prop_map(Destination::Intent),
        ".{0,200}".prop_map(Destination::Request),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    let context = (
        any::<[u64; 2]>(),
        any::<Option<u64>>(),
        any::<u8>(),
        any::<Option<u64>>(),
    )
        .prop_map(
            |([trace_id, conversation_id], causal_parent, priority, deadline_ns)| Context {
                trace_id,
                conversation_id,
                causal_parent,
                priority,
                deadline_ns,
            },
        );
    let parts = (
        any::<[u64; 2]>(),
        destination(),
        "[a-z.]{0,128}",
        proptest::option::of(".{0,20}"),
    );
    let rest = (
        proptest::collection::vec(any::<u8>(), 0..300),
        context,
        proptest::collection::vec(any::<u32>(), 0..=MAX_CAPS),
        any::<Option<u64>>(),
    );
    (parts, rest).prop_map(
        |(([id, from], to, intent, schema), (body, context, caps, reply_to))| Message {
            id,
            from,
            to,
            intent,
            schema,
            body,
            context,
            caps,
            reply_to,
        },
    )
}

proptest! {
    #[test]
    fn any_message_round_trips(message in message()) {
        prop_assert_eq!(Message::decode(&message.encode()), Ok(message));
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Message::decode(&bytes);
    }

    #[test]
    fn corrupted_messages_never_panic(
        message in message(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
    ) {
        let mut bytes = message.encode();
        for (at, value) in flips {
            let at = at % bytes.len();
            bytes[at] = value;
        }
        if let Ok(decoded) = Message::decode(&bytes) {
            // Whatever decodes re-encodes to something that decodes the same.
            prop_assert_eq!(Message::decode(&decoded.encode()), Ok(decoded));
        }
    }
}

mod fast_codec {
    use aios_ipc::{Context, Destination, Message};
    use proptest::prelude::*;

    fn message() -> impl Strategy<Value = Message> {
        (
            any::<u64>(),
            any::<u64>(),
            prop_oneof![
                any::<u64>().prop_map(Destination::Agent),
                "[a-z]{1,8}(\\.[a-z]{1,8}){0,2}".prop_map(Destination::Intent),
                ".{0,40}".prop_map(Destination::Request),
            ],
            "[a-z]{1,8}\\.[a-z]{1,8}",
            proptest::option::of("[a-z0-9.]{1,20}"),
            proptest::collection::vec(any::<u8>(), 0..300),
            (
                any::<u64>(),
                any::<u64>(),
                proptest::option::of(any::<u64>()),
                any::<u8>(),
                proptest::option::of(any::<u64>()),
            ),
            proptest::collection::vec(any::<u32>(), 0..5),
            proptest::option::of(any::<u64>()),
        )
            .prop_map(
                |(id, from, to, intent, schema, body, c, caps, reply_to)| Message {
                    id,
                    from,
                    to,
                    intent,
                    schema,
                    body,
                    context: Context {
                        trace_id: c.0,
                        conversation_id: c.1,
                        causal_parent: c.2,
                        priority: c.3,
                        deadline_ns: c.4,
                    },
                    caps,
                    reply_to,
                },
            )
    }

    proptest! {
        /// The hand-written encoder writes exactly what minicbor's
        /// `Encode` implementation writes, and decoding gives it back.
        #[test]
        fn fast_encoding_matches_minicbor_and_round_trips(m in message()) {
            let fast = m.encode();
            let reference = minicbor::to_vec(&m).unwrap();
            prop_assert_eq!(&fast, &reference);
            prop_assert_eq!(Message::decode(&fast).unwrap(), m);
        }

        /// Truncations and single-byte corruptions never panic.
        #[test]
        fn damaged_encodings_never_panic(m in message(), cut in any::<usize>(), flip in any::<(usize, u8)>()) {
            let bytes = m.encode();
            let cut = cut % (bytes.len() + 1);
            let _ = Message::decode(&bytes[..cut]);
            let mut damaged = bytes.clone();
            let at = flip.0 % damaged.len();
            damaged[at] ^= flip.1 | 1;
            let _ = Message::decode(&damaged);
        }
    }
}

/// The console's `send demo.echo {"text":"hi"}` encodes to the bytes shown
/// in docs/abi.md.
#[test]
fn the_documented_send_example_matches() {
    let mut m = Message::new(0, Destination::Intent("demo.echo".into()), "demo.echo");
    m.body = vec![0xa1, 0x64, b't', b'e', b'x', b't', 0x62, b'h', b'i'];
    let hex: String = m.encode().iter().map(|b| format!("{b:02x}")).collect();
    let documented = "a7 00 00 01 00 02 82 01 69 64656d6f2e6563686f 03 69 64656d6f2e6563686f \
                      05 49 a16474657874626869 06 a3 00 00 01 00 03 1880 07 80";
    assert_eq!(hex, documented.replace(' ', ""));
}
