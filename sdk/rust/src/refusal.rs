//! Why `policy_set` refused a policy: the error, and the compiler's
//! `line L, column C: message` when the text does not compile; why
//! `token_new` or `token_revoke` refused, with the kernel's reason.

use aios_abi::Error;
use core::fmt;
use std::string::String;

/// A refused `policy_set`: the previous policy stays in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRefusal {
    /// Why: [`Error::PolicyInvalid`] for a text that does not compile,
    /// otherwise a capability or argument error.
    pub error: Error,
    /// The compiler's `line L, column C: message` for
    /// [`Error::PolicyInvalid`]; empty for other errors.
    pub message: String,
}

impl PolicyRefusal {
    /// The refusal for `error`, reading the kernel's message from `buffer`
    /// (zero-filled before the call) when the error is
    /// [`Error::PolicyInvalid`]: the text up to the first NUL, cut back to
    /// whole UTF-8 characters where the kernel truncated it.
    pub fn new(error: Error, buffer: &[u8]) -> PolicyRefusal {
        let message = if error == Error::PolicyInvalid {
            text_before_nul(buffer)
        } else {
            String::new()
        };
        PolicyRefusal { error, message }
    }
}

impl fmt::Display for PolicyRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.error)
        } else {
            write!(f, "{}: {}", self.error, self.message)
        }
    }
}

/// The text in `buffer` (zero-filled before the call) up to the first
/// NUL, cut back to whole UTF-8 characters where the kernel truncated it.
fn text_before_nul(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    let text = buffer.get(..end).unwrap_or_default();
    let valid = match core::str::from_utf8(text) {
        Ok(valid) => valid,
        Err(broken) => {
            let cut = text.get(..broken.valid_up_to()).unwrap_or_default();
            core::str::from_utf8(cut).unwrap_or_default()
        }
    };
    String::from(valid)
}

/// A refused `token_new` or `token_revoke`: nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRefusal {
    /// Why, as an error code.
    pub error: Error,
    /// The kernel's reason (`unknown scope ...`, `token admin comes from
    /// the signed bundle ...`); empty when the call itself was refused (a
    /// capability, the policy, a bad buffer).
    pub message: String,
}

impl TokenRefusal {
    /// The refusal for `error`, reading the kernel's reason from `buffer`
    /// (zero-filled before the call).
    pub fn new(error: Error, buffer: &[u8]) -> TokenRefusal {
        TokenRefusal {
            error,
            message: text_before_nul(buffer),
        }
    }
}

impl fmt::Display for TokenRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.error)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl From<Error> for TokenRefusal {
    fn from(error: Error) -> TokenRefusal {
        TokenRefusal {
            error,
            message: String::new(),
        }
    }
}

impl From<PolicyRefusal> for Error {
    fn from(refusal: PolicyRefusal) -> Error {
        refusal.error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn compile_errors_carry_the_compilers_message() {
        let mut buffer = [0u8; 64];
        let text = b"line 3, column 7: unknown verb `alow`";
        buffer[..text.len()].copy_from_slice(text);
        let refusal = PolicyRefusal::new(Error::PolicyInvalid, &buffer);
        assert_eq!(refusal.message, "line 3, column 7: unknown verb `alow`");
        assert_eq!(
            refusal.to_string(),
            "policy does not compile: line 3, column 7: unknown verb `alow`"
        );
        assert_eq!(Error::from(refusal), Error::PolicyInvalid);
    }

    #[test]
    fn a_full_buffer_and_a_cut_character_are_handled() {
        let full = PolicyRefusal::new(Error::PolicyInvalid, b"line 1, column 1: x");
        assert_eq!(full.message, "line 1, column 1: x");
        // "é" is two bytes; the kernel kept only the first.
        let cut = PolicyRefusal::new(Error::PolicyInvalid, &[b'a', 0xC3]);
        assert_eq!(cut.message, "a");
    }

    #[test]
    fn token_refusals_carry_the_kernels_reason_or_just_the_error() {
        let mut buffer = [0u8; 64];
        let text = b"no token named ci";
        buffer[..text.len()].copy_from_slice(text);
        let refusal = TokenRefusal::new(Error::NotFound, &buffer);
        assert_eq!(refusal.message, "no token named ci");
        assert_eq!(refusal.to_string(), "no token named ci");
        let bare = TokenRefusal::new(Error::PermissionDenied, &[0; 8]);
        assert_eq!(bare.message, "");
        assert_eq!(bare.to_string(), "the capability lacks a needed right");
    }

    #[test]
    fn other_errors_have_no_message() {
        let refusal = PolicyRefusal::new(Error::PermissionDenied, b"stale text");
        assert_eq!(refusal.message, "");
        assert_eq!(refusal.to_string(), "the capability lacks a needed right");
    }
}
