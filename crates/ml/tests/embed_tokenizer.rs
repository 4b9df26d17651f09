//! WordPiece tokenization: token ids equal the reference tokenizer's on the golden set,
//! and hand-made vocabularies exercise each rule of the algorithm.

mod embed_support;

use aios_ml::wordpiece::{MAX_TOKENS, WordPiece};

#[test]
fn token_ids_match_the_reference_tokenizer_on_every_golden_sentence() {
    let Some(json) = embed_support::model_file("tokenizer.json") else {
        return;
    };
    let tokenizer = WordPiece::from_json(&json).expect("tokenizer.json loads");
    assert_eq!(tokenizer.vocab_size(), 30522);
    let golden = embed_support::golden();
    assert!(golden.len() >= 20);
    for sentence in &golden {
        assert_eq!(
            tokenizer.encode(&sentence.text),
            sentence.ids,
            "text {:?}",
            sentence.text
        );
    }
    assert!(
        golden.iter().any(|s| s.ids.len() == MAX_TOKENS),
        "golden set has a truncated text"
    );
}

#[test]
fn wordpiece_rules_on_a_tiny_vocabulary() {
    let tokenizer =
        WordPiece::from_json(embed_support::tiny_tokenizer("WordPiece").as_bytes()).expect("loads");
    let encode = |text: &str| tokenizer.encode(text);
    // Lowercasing, punctuation split, whitespace of every kind.
    assert_eq!(encode("Hello,\tWORLD!"), [2, 4, 9, 5, 10, 3]);
    // Greedy longest match with ## continuations; a word with an unmatched part is [UNK].
    assert_eq!(encode("unaffable"), [2, 6, 7, 8, 3]);
    assert_eq!(encode("unaffablex world"), [2, 1, 5, 3]);
    // Accent stripping (é → e), CJK ideographs split into words, control characters dropped.
    assert_eq!(encode("Café\u{7}北北"), [2, 11, 12, 12, 3]);
    // Words longer than max_input_chars_per_word are [UNK] even if they could be split.
    assert_eq!(encode(&"un".repeat(11)), [2, 1, 3]);
    // Special tokens in the raw text are matched verbatim, before normalization.
    assert_eq!(encode("hello[SEP]world"), [2, 4, 3, 5, 3]);
    assert_eq!(encode(""), [2, 3]);
    // Truncation keeps [CLS] … [SEP] and exactly MAX_TOKENS ids.
    let long = encode(&"hello ".repeat(1000));
    assert_eq!(long.len(), MAX_TOKENS);
    assert_eq!(
        (long[0], long[MAX_TOKENS - 2], long[MAX_TOKENS - 1]),
        (2, 4, 3)
    );
    assert_eq!(tokenizer.max_id(), Some(14));
}

#[test]
fn unsupported_or_broken_tokenizers_are_refused() {
    assert!(matches!(
        WordPiece::from_json(embed_support::tiny_tokenizer("BPE").as_bytes()),
        Err(aios_ml::Error::Unsupported { .. })
    ));
    let broken =
        embed_support::tiny_tokenizer("WordPiece").replace("\"hello\": 4", "\"hello\": -4");
    assert!(WordPiece::from_json(broken.as_bytes()).is_err());
    let no_cls = embed_support::tiny_tokenizer("WordPiece").replace("\"[CLS]\": 2", "\"[CLX]\": 2");
    assert!(WordPiece::from_json(no_cls.as_bytes()).is_err());
    let full = embed_support::tiny_tokenizer("WordPiece");
    for cut in [0, 10, full.len() / 2, full.len() - 1] {
        assert!(
            WordPiece::from_json(&full.as_bytes()[..cut]).is_err(),
            "cut at {cut}"
        );
    }
}
