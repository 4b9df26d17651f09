//! WordPiece tokenizer for BERT models, configured from a Hugging Face `tokenizer.json`:
//! added-token splitting, `BertNormalizer`, `BertPreTokenizer`, greedy longest-match
//! WordPiece with `##` continuations, `[CLS] … [SEP]` framing and truncation.

mod normalize;
mod tables;

pub use normalize::NormalizerOptions;

use crate::error::{Error, Result};
use crate::json::Value;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// Longest sequence [`WordPiece::encode`] returns, `[CLS]` and `[SEP]` included
/// (sentence-transformers' `max_seq_length` for all-MiniLM-L6-v2).
pub const MAX_TOKENS: usize = 256;

/// A WordPiece tokenizer loaded from `tokenizer.json`.
#[derive(Debug, Clone)]
pub struct WordPiece {
    vocab: BTreeMap<String, u32>,
    /// Special tokens matched verbatim in the raw text, longest first.
    added: Vec<(String, u32)>,
    options: NormalizerOptions,
    prefix: String,
    max_word_chars: usize,
    unk: u32,
    cls: u32,
    sep: u32,
}

impl WordPiece {
    /// Reads the vocabulary and settings from a `tokenizer.json` document.
    pub fn from_json(json: &[u8]) -> Result<WordPiece> {
        let root = Value::parse(json)?;
        let model = root.get("model").ok_or(Error::Malformed {
            what: "tokenizer.json: no model",
        })?;
        if model.get("type").and_then(Value::as_str) != Some("WordPiece") {
            return Err(Error::Unsupported {
                what: "tokenizer model other than WordPiece",
            });
        }
        let entries = model
            .get("vocab")
            .and_then(Value::as_object)
            .ok_or(Error::Malformed {
                what: "tokenizer.json: model.vocab",
            })?;
        let mut vocab = BTreeMap::new();
        for (token, id) in entries {
            vocab.insert(token.clone(), token_id(id)?);
        }
        let mut added = Vec::new();
        for entry in root
            .get("added_tokens")
            .and_then(Value::as_array)
            .unwrap_or(&[])
        {
            let content = entry.get("content").and_then(Value::as_str);
            let content = content.filter(|c| !c.is_empty());
            let content = content.ok_or(Error::Malformed {
                what: "tokenizer.json: added token",
            })?;
            let id = token_id(entry.get("id").unwrap_or(&Value::Null))?;
            added.push((String::from(content), id));
        }
        added.sort_by_key(|(content, _)| core::cmp::Reverse(content.len()));
        let lookup = |name: &str| -> Result<u32> {
            vocab.get(name).copied().ok_or(Error::Malformed {
                what: "tokenizer.json: special token missing from vocab",
            })
        };
        let unk_name = model
            .get("unk_token")
            .and_then(Value::as_str)
            .unwrap_or("[UNK]");
        Ok(WordPiece {
            unk: lookup(unk_name)?,
            cls: lookup("[CLS]")?,
            sep: lookup("[SEP]")?,
            options: normalizer_options(root.get("normalizer"))?,
            prefix: model
                .get("continuing_subword_prefix")
                .and_then(Value::as_str)
                .unwrap_or("##")
                .into(),
            max_word_chars: model
                .get("max_input_chars_per_word")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(100),
            vocab,
            added,
        })
    }

    /// Token ids for `text`: `[CLS]`, the word pieces (cut to fit), `[SEP]`; at most
    /// [`MAX_TOKENS`] ids.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::from([self.cls]);
        let limit = MAX_TOKENS - 1;
        let mut rest = text;
        while !rest.is_empty() && ids.len() < limit {
            let (before, special, after) = self.split_added(rest);
            self.encode_plain(before, &mut ids, limit);
            if let Some(id) = special.filter(|_| ids.len() < limit) {
                ids.push(id);
            }
            rest = after;
        }
        ids.truncate(limit);
        ids.push(self.sep);
        ids
    }

    /// Number of tokens in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.vocab.len()
    }

    /// The largest id the tokenizer can produce (`None` for an empty vocabulary).
    pub fn max_id(&self) -> Option<u32> {
        let added = self.added.iter().map(|(_, id)| *id);
        self.vocab
            .values()
            .copied()
            .chain(added)
            .chain([self.unk, self.cls, self.sep])
            .max()
    }

    /// The id of `token`, if it is in the vocabulary.
    pub fn token_id(&self, token: &str) -> Option<u32> {
        self.vocab.get(token).copied()
    }

    /// Splits at the first added (special) token: text before it, its id, text after it.
    fn split_added<'t>(&self, text: &'t str) -> (&'t str, Option<u32>, &'t str) {
        for (start, _) in text.char_indices() {
            let tail = &text[start..];
            if let Some((content, id)) = self
                .added
                .iter()
                .find(|(c, _)| tail.starts_with(c.as_str()))
            {
                return (&text[..start], Some(*id), &tail[content.len()..]);
            }
        }
        (text, None, "")
    }

    /// Normalizes, pre-tokenizes and WordPiece-splits `text`, appending until `limit` ids.
    fn encode_plain(&self, text: &str, ids: &mut Vec<u32>, limit: usize) {
        let mut normalized = String::with_capacity(text.len());
        normalize::normalize(text, self.options, &mut normalized);
        let mut candidate = String::new();
        for word in normalize::pre_tokenize(&normalized) {
            if ids.len() >= limit {
                return;
            }
            let word_start = ids.len();
            if word.chars().count() > self.max_word_chars
                || !self.word_pieces(word, &mut candidate, ids)
            {
                ids.truncate(word_start);
                ids.push(self.unk);
            }
        }
    }

    /// Greedy longest-match-first split of one word; false when some part has no match.
    fn word_pieces(&self, word: &str, candidate: &mut String, ids: &mut Vec<u32>) -> bool {
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let found = loop {
                candidate.clear();
                if start > 0 {
                    candidate.push_str(&self.prefix);
                }
                candidate.push_str(&word[start..end]);
                if let Some(id) = self.vocab.get(candidate.as_str()) {
                    break Some(*id);
                }
                match word[start..end].char_indices().next_back() {
                    Some((last, _)) if last > 0 => end = start + last,
                    _ => break None,
                }
            };
            let Some(id) = found else { return false };
            ids.push(id);
            start = end;
        }
        true
    }
}

fn token_id(value: &Value) -> Result<u32> {
    value
        .as_u64()
        .and_then(|id| u32::try_from(id).ok())
        .ok_or(Error::Malformed {
            what: "tokenizer.json: token id",
        })
}

/// Reads the `BertNormalizer` options; a missing normalizer means none of the steps.
fn normalizer_options(normalizer: Option<&Value>) -> Result<NormalizerOptions> {
    let Some(normalizer) = normalizer.filter(|n| **n != Value::Null) else {
        return Ok(NormalizerOptions {
            clean_text: false,
            handle_chinese_chars: false,
            strip_accents: false,
            lowercase: false,
        });
    };
    if normalizer.get("type").and_then(Value::as_str) != Some("BertNormalizer") {
        return Err(Error::Unsupported {
            what: "tokenizer normalizer other than BertNormalizer",
        });
    }
    let flag = |name: &str, default: bool| match normalizer.get(name) {
        Some(Value::Bool(b)) => *b,
        _ => default,
    };
    let lowercase = flag("lowercase", true);
    Ok(NormalizerOptions {
        clean_text: flag("clean_text", true),
        handle_chinese_chars: flag("handle_chinese_chars", true),
        // `strip_accents: null` means "follow lowercase", as in BERT's original tokenizer.
        strip_accents: flag("strip_accents", lowercase),
        lowercase,
    })
}
