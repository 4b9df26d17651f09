//! Byte-level BPE tokeniser (GPT-2 style) built from a GGUF file's `tokenizer.ggml.*` metadata.
//!
//! Text is cut at special tokens (`<|im_start|>` …, matched whole), pre-tokenised
//! (see [`pretokenize`]), each piece's bytes mapped to GPT-2's printable characters
//! and merged pairwise by merge rank, lowest first, exactly as llama.cpp does.

pub mod byte_map;
pub mod pretokenize;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::gguf::{Gguf, Value};

/// llama.cpp's token type for control tokens (`<|im_start|>` …).
const TOKEN_TYPE_CONTROL: i32 = 3;
/// llama.cpp's token type for user-defined tokens, also matched whole.
const TOKEN_TYPE_USER_DEFINED: i32 = 4;

/// A byte-level BPE vocabulary with its merge ranks.
#[derive(Debug)]
pub struct Tokenizer<'a> {
    tokens: Vec<&'a str>,
    ids: BTreeMap<&'a str, u32>,
    ranks: BTreeMap<(&'a str, &'a str), u32>,
    /// Special tokens, longest first, matched as whole units in the input.
    specials: Vec<(&'a str, u32)>,
    control: Vec<bool>,
    byte_chars: [char; 256],
    /// Beginning-of-sequence token.
    pub bos: u32,
    /// End-of-sequence token.
    pub eos: u32,
}

impl<'a> Tokenizer<'a> {
    /// Builds the tokeniser from GGUF metadata; only the `gpt2` model is supported.
    pub fn from_gguf(gguf: &Gguf<'a>) -> Result<Self> {
        if gguf.get_str("tokenizer.ggml.model")? != "gpt2" {
            return Err(Error::Unsupported {
                what: "tokenizer model other than gpt2 (BPE)",
            });
        }
        let tokens = string_array(gguf, "tokenizer.ggml.tokens")?;
        let types: Vec<i32> = match gguf.get("tokenizer.ggml.token_type") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| match v? {
                    Value::I32(t) => Ok(t),
                    _ => Err(Error::Malformed {
                        what: "tokenizer.ggml.token_type",
                    }),
                })
                .collect::<Result<_>>()?,
            _ => Vec::new(),
        };
        if !types.is_empty() && types.len() != tokens.len() {
            return Err(Error::Malformed {
                what: "token_type length differs from tokens",
            });
        }
        let mut ids = BTreeMap::new();
        for (id, &t) in tokens.iter().enumerate() {
            ids.entry(t).or_insert(id as u32);
        }
        let mut ranks = BTreeMap::new();
        for (rank, merge) in string_array(gguf, "tokenizer.ggml.merges")?
            .into_iter()
            .enumerate()
        {
            // The separator is the first space after the first character (which may be a space).
            let first = merge.chars().next().map_or(0, char::len_utf8);
            let split = merge[first..].find(' ').ok_or(Error::Malformed {
                what: "BPE merge without a space",
            })?;
            let (left, right) = (&merge[..first + split], &merge[first + split + 1..]);
            ranks.entry((left, right)).or_insert(rank as u32);
        }
        let kind = |i: usize| types.get(i).copied().unwrap_or(1);
        let mut specials: Vec<(&str, u32)> = (0..tokens.len())
            .filter(|&i| matches!(kind(i), TOKEN_TYPE_CONTROL | TOKEN_TYPE_USER_DEFINED))
            .filter(|&i| !tokens[i].is_empty())
            .map(|i| (tokens[i], i as u32))
            .collect();
        specials.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)));
        let control = (0..tokens.len())
            .map(|i| kind(i) == TOKEN_TYPE_CONTROL)
            .collect();
        let count = tokens.len() as u64;
        let token_id = |key: &'static str| -> Result<u32> {
            let id = gguf.get_u64(key)?;
            if id >= count {
                return Err(Error::Malformed { what: key });
            }
            Ok(id as u32)
        };
        Ok(Tokenizer {
            bos: token_id("tokenizer.ggml.bos_token_id")?,
            eos: token_id("tokenizer.ggml.eos_token_id")?,
            tokens,
            ids,
            ranks,
            specials,
            control,
            byte_chars: byte_map::byte_table(),
        })
    }

    /// Number of tokens in the vocabulary.
    pub fn vocab_size(&self) -> usize {
        self.tokens.len()
    }

    /// The id of a token given by its exact vocabulary text (e.g. `<|im_end|>`).
    pub fn token_id(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    /// Encodes `text`; control tokens written in it (`<|im_start|>` …) are recognised
    /// when `parse_special` is set, otherwise encoded as plain text.
    pub fn encode(&self, text: &str, parse_special: bool) -> Vec<u32> {
        let mut out = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let found = self.find_special(rest, parse_special);
            let (plain, special) = match found {
                Some((at, len, id)) => (&rest[..at], Some((len, id))),
                None => (rest, None),
            };
            for (start, end) in pretokenize::split(plain) {
                self.encode_piece(&plain[start..end], &mut out);
            }
            match special {
                Some((len, id)) => {
                    out.push(id);
                    rest = &rest[plain.len() + len..];
                }
                None => rest = "",
            }
        }
        out
    }

    /// The earliest special token in `text` (longest at equal position): (offset, length,
    /// id). User-defined tokens always count; control tokens only with `with_control`,
    /// as in llama.cpp.
    fn find_special(&self, text: &str, with_control: bool) -> Option<(usize, usize, u32)> {
        let mut best: Option<(usize, usize, u32)> = None;
        for &(special, id) in &self.specials {
            if !with_control && self.control.get(id as usize).copied().unwrap_or(false) {
                continue;
            }
            if let Some(at) = text.find(special)
                && best.is_none_or(|(b, len, _)| at < b || (at == b && special.len() > len))
            {
                best = Some((at, special.len(), id));
            }
        }
        best
    }

    /// Merges one pre-token and appends its ids.
    fn encode_piece(&self, piece: &str, out: &mut Vec<u32>) {
        let mapped: String = piece
            .bytes()
            .map(|b| self.byte_chars[usize::from(b)])
            .collect();
        let mut symbols: Vec<&str> = mapped
            .char_indices()
            .map(|(i, c)| &mapped[i..i + c.len_utf8()])
            .collect();
        loop {
            let best = symbols
                .windows(2)
                .enumerate()
                .filter_map(|(i, w)| self.ranks.get(&(w[0], w[1])).map(|&r| (r, i)))
                .min();
            let Some((_, i)) = best else { break };
            let start = symbols[i].as_ptr() as usize - mapped.as_ptr() as usize;
            let len = symbols[i].len() + symbols[i + 1].len();
            symbols[i] = &mapped[start..start + len];
            symbols.remove(i + 1);
        }
        for symbol in symbols {
            match self.ids.get(symbol) {
                Some(&id) => out.push(id),
                // Like llama.cpp: an unknown merged symbol falls back to its single characters.
                None => out.extend(symbol.chars().filter_map(|c| {
                    let mut buf = [0u8; 4];
                    self.ids.get(&*c.encode_utf8(&mut buf)).copied()
                })),
            }
        }
    }

    /// The bytes token `id` stands for; control tokens give their text only when
    /// `include_control` is set. Unknown ids are an error.
    pub fn token_bytes(&self, id: u32, include_control: bool, out: &mut Vec<u8>) -> Result<()> {
        let index = id as usize;
        let text = self.tokens.get(index).ok_or(Error::Malformed {
            what: "token id out of range",
        })?;
        if self.control.get(index).copied().unwrap_or(false) {
            if include_control {
                out.extend_from_slice(text.as_bytes());
            }
            return Ok(());
        }
        for c in text.chars() {
            match byte_map::char_to_byte(c) {
                Some(b) => out.push(b),
                None => {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        Ok(())
    }

    /// Decodes ids to text (invalid UTF-8 replaced), without control tokens.
    pub fn decode(&self, ids: &[u32]) -> Result<String> {
        let mut bytes = Vec::new();
        for &id in ids {
            self.token_bytes(id, false, &mut bytes)?;
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Reads a metadata array of strings.
fn string_array<'a>(gguf: &Gguf<'a>, key: &'static str) -> Result<Vec<&'a str>> {
    let array = gguf
        .require(key)?
        .as_array()
        .ok_or(Error::Malformed { what: key })?;
    array
        .iter()
        .map(|v| match v? {
            Value::String(s) => Ok(s),
            _ => Err(Error::Malformed { what: key }),
        })
        .collect()
}
