//! Byte-level BPE on a small synthetic vocabulary: merge order, special tokens, round trips.

mod llm_support;

use aios_ml::bpe::Tokenizer;
use aios_ml::bpe::byte_map::byte_to_char;
use aios_ml::gguf::Gguf;
use llm_support::{Meta, write_gguf};
use proptest::prelude::*;

const MERGES: [&str; 7] = ["h e", "l l", "he ll", "hell o", "Ġ w", "Ġw o", "o r"];

fn vocabulary() -> Vec<u8> {
    // Ids 0..256 are the single bytes (in byte order); then merges; then specials.
    let mut tokens: Vec<String> = (0..=255u8).map(|b| byte_to_char(b).to_string()).collect();
    let mut types = vec![1i32; 256];
    for merged in ["he", "ll", "hell", "hello", "Ġw", "Ġwo", "or"] {
        tokens.push(merged.into());
        types.push(1);
    }
    for special in ["<|im_start|>", "<|im_end|>"] {
        tokens.push(special.into());
        types.push(3);
    }
    let meta = vec![
        ("tokenizer.ggml.model", Meta::Str("gpt2".into())),
        (
            "tokenizer.ggml.tokens",
            Meta::Array(8, tokens.into_iter().map(Meta::Str).collect()),
        ),
        (
            "tokenizer.ggml.token_type",
            Meta::Array(5, types.into_iter().map(Meta::I32).collect()),
        ),
        (
            "tokenizer.ggml.merges",
            Meta::Array(8, MERGES.iter().map(|m| Meta::Str(m.to_string())).collect()),
        ),
        ("tokenizer.ggml.bos_token_id", Meta::U32(263)),
        ("tokenizer.ggml.eos_token_id", Meta::U32(264)),
    ];
    write_gguf(&meta, &[])
}

fn with_tokenizer(f: impl FnOnce(&Tokenizer<'_>)) {
    let bytes = vocabulary();
    let gguf = Gguf::parse(&bytes).unwrap();
    f(&Tokenizer::from_gguf(&gguf).unwrap());
}

#[test]
fn merges_apply_in_rank_order() {
    with_tokenizer(|t| {
        let id = |s: &str| t.token_id(s).unwrap();
        assert_eq!(t.encode("hello", false), [id("hello")]);
        // " world": "Ġ w" (rank 4) before "o r" (rank 6); then "Ġw o" (rank 5) wins over "o r".
        assert_eq!(
            t.encode("hello world", false),
            [id("hello"), id("Ġwo"), id("r"), id("l"), id("d")]
        );
        // "hel": "h e" then no "he l" merge exists.
        assert_eq!(t.encode("hel", false), [id("he"), id("l")]);
        assert_eq!(t.encode("", false), Vec::<u32>::new());
    });
}

#[test]
fn special_tokens_are_whole_units_only_when_asked() {
    with_tokenizer(|t| {
        let (start, end) = (
            t.token_id("<|im_start|>").unwrap(),
            t.token_id("<|im_end|>").unwrap(),
        );
        let hello = t.token_id("hello").unwrap();
        assert_eq!(
            t.encode("<|im_start|>hello<|im_end|>", true),
            [start, hello, end]
        );
        let plain = t.encode("<|im_start|>hello<|im_end|>", false);
        assert!(!plain.contains(&start) && plain.len() > 3);
        assert_eq!(t.decode(&[start, hello, end]).unwrap(), "hello");
        let mut bytes = Vec::new();
        t.token_bytes(start, true, &mut bytes).unwrap();
        assert_eq!(bytes, b"<|im_start|>");
        assert!(t.decode(&[9999]).is_err());
        assert_eq!((t.bos, t.eos), (263, 264));
    });
}

#[test]
fn refuses_inconsistent_metadata() {
    let meta = vec![
        ("tokenizer.ggml.model", Meta::Str("llama".into())),
        (
            "tokenizer.ggml.tokens",
            Meta::Array(8, vec![Meta::Str("a".into())]),
        ),
    ];
    let bytes = write_gguf(&meta, &[]);
    assert!(Tokenizer::from_gguf(&Gguf::parse(&bytes).unwrap()).is_err());
    let meta = vec![
        ("tokenizer.ggml.model", Meta::Str("gpt2".into())),
        (
            "tokenizer.ggml.tokens",
            Meta::Array(8, vec![Meta::Str("a".into())]),
        ),
        (
            "tokenizer.ggml.merges",
            Meta::Array(8, vec![Meta::Str("nospace".into())]),
        ),
        ("tokenizer.ggml.bos_token_id", Meta::U32(0)),
        ("tokenizer.ggml.eos_token_id", Meta::U32(0)),
    ];
    let bytes = write_gguf(&meta, &[]);
    assert!(Tokenizer::from_gguf(&Gguf::parse(&bytes).unwrap()).is_err());
}

proptest! {
    #[test]
    fn decode_inverts_encode(text in "\\PC{0,40}") {
        with_tokenizer(|t| {
            let ids = t.encode(&text, false);
            assert_eq!(t.decode(&ids).unwrap(), text);
        });
    }
}
