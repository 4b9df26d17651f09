//! The BERT normalizer and pre-tokenizer: clean text, isolate CJK ideographs, strip accents,
//! lowercase, then split into words on whitespace and punctuation.

use super::tables::{NONSPACING_MARK, OTHER, PUNCTUATION, STRIP_ACCENT};
use alloc::string::String;
use alloc::vec::Vec;

/// Which `BertNormalizer` steps `tokenizer.json` enables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NormalizerOptions {
    /// Drop control characters and map all whitespace to a space.
    pub clean_text: bool,
    /// Put spaces around CJK ideographs so each becomes a word.
    pub handle_chinese_chars: bool,
    /// Decompose and drop nonspacing marks (é → e).
    pub strip_accents: bool,
    /// Lowercase everything.
    pub lowercase: bool,
}

/// Appends the normalized form of `text` to `out`.
pub fn normalize(text: &str, options: NormalizerOptions, out: &mut String) {
    for c in text.chars() {
        if options.clean_text {
            if c == '\0' || c == '\u{fffd}' || is_control(c) {
                continue;
            }
            if is_whitespace(c) {
                out.push(' ');
                continue;
            }
        }
        if options.handle_chinese_chars && is_chinese(c) {
            out.push(' ');
            push_rest(c, options, out);
            out.push(' ');
        } else {
            push_rest(c, options, out);
        }
    }
}

/// Accent stripping and lowercasing of one character.
fn push_rest(c: char, options: NormalizerOptions, out: &mut String) {
    let mut pieces = [c; 3];
    let mut count = 1;
    if options.strip_accents {
        count = strip_accent(c, &mut pieces);
    }
    for &piece in &pieces[..count] {
        if options.lowercase {
            out.extend(piece.to_lowercase());
        } else {
            out.push(piece);
        }
    }
}

/// Canonical decomposition with the nonspacing marks removed; writes 0–3 characters.
/// Hangul syllables decompose algorithmically into jamo; every other precomposed
/// character whose decomposition is one base plus marks maps by table (Latin-1, Latin
/// Extended, Greek, Cyrillic, `≠` → `=`, CJK compatibility ideographs…); standalone marks
/// vanish. Not covered: the 43 characters (Indic two-part vowel signs, some Balinese
/// letters) whose decomposition keeps two non-mark characters; they pass through.
fn strip_accent(c: char, out: &mut [char; 3]) -> usize {
    const HANGUL_BASE: u32 = 0xac00;
    const HANGUL_COUNT: u32 = 11172;
    let code = u32::from(c);
    if c.is_ascii() {
        out[0] = c;
        return 1;
    }
    if in_ranges(NONSPACING_MARK, code) {
        return 0;
    }
    if let Some(index) = code.checked_sub(HANGUL_BASE).filter(|i| *i < HANGUL_COUNT) {
        let lead = char::from_u32(0x1100 + index / 588);
        let vowel = char::from_u32(0x1161 + (index % 588) / 28);
        let tail = char::from_u32(0x11a7 + index % 28).filter(|_| index % 28 != 0);
        let mut count = 0;
        for jamo in [lead, vowel, tail].into_iter().flatten() {
            out[count] = jamo;
            count += 1;
        }
        return count;
    }
    if let Some(base) = accent_base(code) {
        out[0] = base;
        return 1;
    }
    out[0] = c;
    1
}

/// The base letter of a precomposed accented letter, by binary search in [`STRIP_ACCENT`].
fn accent_base(code: u32) -> Option<char> {
    let (mut low, mut high) = (0, STRIP_ACCENT.len() / 2);
    while low < high {
        let mid = (low + high) / 2;
        match STRIP_ACCENT[2 * mid].cmp(&code) {
            core::cmp::Ordering::Less => low = mid + 1,
            core::cmp::Ordering::Greater => high = mid,
            core::cmp::Ordering::Equal => return char::from_u32(STRIP_ACCENT[2 * mid + 1]),
        }
    }
    None
}

/// Splits normalized text into words: whitespace separates, each punctuation character is
/// a word of its own.
pub fn pre_tokenize(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() || is_punctuation(c) {
            if let Some(s) = start.take() {
                words.push(&text[s..i]);
            }
            if !c.is_whitespace() {
                words.push(&text[i..i + c.len_utf8()]);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
    words
}

fn is_whitespace(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || c.is_whitespace()
}

fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && in_ranges(OTHER, u32::from(c))
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || in_ranges(PUNCTUATION, u32::from(c))
}

/// The CJK ideograph blocks BERT isolates (not Hangul, Hiragana or Katakana).
fn is_chinese(c: char) -> bool {
    matches!(u32::from(c),
        0x4e00..=0x9fff | 0x3400..=0x4dbf | 0x20000..=0x2a6df | 0x2a700..=0x2b73f
        | 0x2b740..=0x2b81f | 0x2b920..=0x2ceaf | 0xf900..=0xfaff | 0x2f800..=0x2fa1f)
}

/// Whether `code` lies in a sorted flat `[first, last, ...]` range table.
fn in_ranges(table: &[u32], code: u32) -> bool {
    let count = table.len() / 2;
    // Index of the first range whose last element is >= code.
    let (mut low, mut high) = (0, count);
    while low < high {
        let mid = (low + high) / 2;
        if table[2 * mid + 1] < code {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    low < count && table[2 * low] <= code
}
