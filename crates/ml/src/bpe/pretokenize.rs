//! The pre-tokeniser of SmolLM2 (llama.cpp's `smollm` type): every digit alone,
//! then GPT-2's split `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
//!
//! Written by hand after llama.cpp's `unicode_regex_split_custom_gpt2`. Letters are
//! `char::is_alphabetic() && !is_numeric()`, which equals `\p{L}` except for the
//! few combining marks Unicode also calls alphabetic.

use alloc::vec::Vec;

/// Character classes the split distinguishes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Number,
    Space,
    Other,
}

fn class(c: char) -> Class {
    if c.is_whitespace() {
        Class::Space
    } else if c.is_numeric() {
        Class::Number
    } else if c.is_alphabetic() {
        Class::Letter
    } else {
        Class::Other
    }
}

/// Splits `text` into pre-tokens, returned as byte ranges `(start, end)`.
pub fn split(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // First pass: each digit is its own fragment.
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c.is_numeric() {
            if start < i {
                split_gpt2(text, start, i, &mut out);
            }
            out.push((i, i + c.len_utf8()));
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        split_gpt2(text, start, text.len(), &mut out);
    }
    out
}

/// GPT-2's split of `text[begin..end]`, appending byte ranges to `out`.
fn split_gpt2(text: &str, begin: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let chars: Vec<(usize, char)> = text[begin..end].char_indices().collect();
    let offset = |i: usize| chars.get(i).map_or(end, |&(o, _)| begin + o);
    let class_at = |i: usize| chars.get(i).map(|&(_, c)| class(c));
    let mut pos = 0;
    while pos < chars.len() {
        let start = pos;
        let c = chars[pos].1;
        let next = chars.get(pos + 1).map(|&(_, c)| c);
        pos = if let Some(len) = contraction(c, next, chars.get(pos + 2).map(|&(_, c)| c)) {
            pos + len
        } else {
            let here = class(c);
            let looked = if c == ' ' {
                class_at(pos + 1)
            } else {
                Some(here)
            };
            match looked {
                Some(k @ (Class::Letter | Class::Number | Class::Other)) => {
                    let mut p = pos + usize::from(c == ' ');
                    while class_at(p) == Some(k) {
                        p += 1;
                    }
                    p
                }
                _ => {
                    let mut spaces = 0;
                    while class_at(pos + spaces) == Some(Class::Space) {
                        spaces += 1;
                    }
                    if spaces > 1 && pos + spaces < chars.len() {
                        pos + spaces - 1
                    } else {
                        pos + spaces.max(1)
                    }
                }
            }
        };
        out.push((offset(start), offset(pos)));
    }
}

/// Length in characters of an English contraction (`'s`, `'re`, …) starting here.
fn contraction(c: char, next: Option<char>, after: Option<char>) -> Option<usize> {
    if c != '\'' {
        return None;
    }
    match (next?, after) {
        ('r', Some('e')) | ('v', Some('e')) | ('l', Some('l')) => Some(3),
        ('s' | 't' | 'm' | 'd', _) => Some(2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn splits_like_gpt2_with_single_digits() {
        assert_eq!(pieces("Hello world"), ["Hello", " world"]);
        assert_eq!(
            pieces("I'm here, they're 42!"),
            ["I", "'m", " here", ",", " they", "'re", " ", "4", "2", "!"]
        );
        assert_eq!(
            pieces("a  b\n\nc  "),
            ["a", " ", " b", "\n", "\n", "c", "  "]
        );
        assert_eq!(pieces("x := y?!"), ["x", " :=", " y", "?!"]);
        assert_eq!(pieces("café ünï"), ["café", " ünï"]);
        assert_eq!(pieces(""), Vec::<&str>::new());
    }
}
