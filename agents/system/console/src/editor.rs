//! The line editor: turns console bytes into echo and finished lines,
//! exactly as the kernel's built-in console does.

use crate::Error;

/// The longest line accepted, in bytes.
pub const MAX_LINE: usize = 256;
/// The prompt printed before each line.
pub const PROMPT: &[u8] = b"aios> ";
/// What erases the last echoed character: back, blank, back.
pub const ERASE: &[u8] = b"\x08 \x08";

/// What one keystroke does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// Nothing visible (a control byte, or backspace on an empty line).
    Ignored,
    /// The byte was added to the line; echo it.
    Echo(u8),
    /// The last byte was removed; print [`ERASE`].
    Erase,
    /// The line ended (CR or LF): the trimmed text, or why it is refused.
    Line(Result<String, Error>),
}

/// A line being typed.
#[derive(Debug)]
pub struct LineEditor {
    line: [u8; MAX_LINE],
    len: usize,
    overflow: bool,
}

impl Default for LineEditor {
    fn default() -> LineEditor {
        LineEditor::new()
    }
}

impl LineEditor {
    /// An empty line.
    pub fn new() -> LineEditor {
        LineEditor {
            line: [0; MAX_LINE],
            len: 0,
            overflow: false,
        }
    }

    /// Takes one byte typed on the console.
    pub fn key(&mut self, byte: u8) -> Key {
        match byte {
            b'\r' | b'\n' => {
                let line = if self.overflow {
                    Err(Error::LineTooLong)
                } else {
                    core::str::from_utf8(&self.line[..self.len])
                        .map(|text| text.trim().to_string())
                        .map_err(|_| Error::NotUtf8)
                };
                self.len = 0;
                self.overflow = false;
                Key::Line(line)
            }
            0x08 | 0x7F if self.len > 0 => {
                self.len -= 1;
                Key::Erase
            }
            0x20..=0x7E | 0x80..=0xFF => {
                if let Some(slot) = self.line.get_mut(self.len) {
                    *slot = byte;
                    self.len += 1;
                    Key::Echo(byte)
                } else {
                    // Keep swallowing until the line ends, then refuse it
                    // whole rather than run a truncated command.
                    self.overflow = true;
                    Key::Ignored
                }
            }
            _ => Key::Ignored,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_all(editor: &mut LineEditor, bytes: &[u8]) -> Vec<Key> {
        bytes.iter().map(|&b| editor.key(b)).collect()
    }

    #[test]
    fn echoes_and_ends_lines_on_cr_or_lf() {
        let mut editor = LineEditor::new();
        let keys = type_all(&mut editor, b"ls\r");
        assert_eq!(
            keys,
            [Key::Echo(b'l'), Key::Echo(b's'), Key::Line(Ok("ls".into()))]
        );
        assert_eq!(editor.key(b'\n'), Key::Line(Ok(String::new())));
        type_all(&mut editor, b"  kill 3  ");
        assert_eq!(editor.key(b'\n'), Key::Line(Ok("kill 3".into())));
    }

    #[test]
    fn backspace_and_delete_erase_only_what_was_typed() {
        let mut editor = LineEditor::new();
        assert_eq!(editor.key(0x08), Key::Ignored);
        assert_eq!(editor.key(0x7F), Key::Ignored);
        type_all(&mut editor, b"infx");
        assert_eq!(editor.key(0x7F), Key::Erase);
        assert_eq!(editor.key(b'o'), Key::Echo(b'o'));
        assert_eq!(editor.key(0x08), Key::Erase);
        assert_eq!(editor.key(0x08), Key::Erase);
        type_all(&mut editor, b"fo");
        assert_eq!(editor.key(b'\r'), Key::Line(Ok("info".into())));
    }

    #[test]
    fn control_bytes_are_ignored() {
        let mut editor = LineEditor::new();
        assert_eq!(editor.key(0x1B), Key::Ignored);
        assert_eq!(editor.key(0x00), Key::Ignored);
        assert_eq!(editor.key(b'\t'), Key::Ignored);
        assert_eq!(editor.key(b'\n'), Key::Line(Ok(String::new())));
    }

    #[test]
    fn overlong_lines_are_refused_whole_and_the_editor_recovers() {
        let mut editor = LineEditor::new();
        let keys = type_all(&mut editor, &[b'a'; MAX_LINE]);
        assert!(keys.iter().all(|k| *k == Key::Echo(b'a')));
        assert_eq!(editor.key(b'b'), Key::Ignored);
        assert_eq!(editor.key(b'\n'), Key::Line(Err(Error::LineTooLong)));
        type_all(&mut editor, b"help");
        assert_eq!(editor.key(b'\n'), Key::Line(Ok("help".into())));
    }

    #[test]
    fn exactly_max_line_bytes_is_accepted() {
        let mut editor = LineEditor::new();
        type_all(&mut editor, &[b'x'; MAX_LINE]);
        let expected = "x".repeat(MAX_LINE);
        assert_eq!(editor.key(b'\r'), Key::Line(Ok(expected)));
    }

    #[test]
    fn invalid_utf8_is_refused() {
        let mut editor = LineEditor::new();
        assert_eq!(editor.key(0xFF), Key::Echo(0xFF));
        assert_eq!(editor.key(b'\n'), Key::Line(Err(Error::NotUtf8)));
        // A multi-byte character typed whole is fine.
        type_all(&mut editor, "é".as_bytes());
        assert_eq!(editor.key(b'\n'), Key::Line(Ok("é".into())));
    }
}
