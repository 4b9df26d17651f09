//! The console agent's one error enum; its `Display` is what follows
//! `error: ` on the console.

/// Why a console command (or a typed line) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A syscall refused; the ABI error says why.
    Syscall(aios_abi::Error),
    /// The console was not granted a capability of this kind (`system`,
    /// `spawn-budget`), so the commands needing it cannot run.
    MissingCapability(&'static str),
    /// The argument of `kill` or `caps` is not a decimal agent id.
    NotAnAgentId(String),
    /// The argument of `audit tail` or `trace` is not a decimal number.
    NotANumber(String),
    /// The count of `ping` is not a number from 1 to
    /// [`crate::network::MAX_COUNT`].
    BadCount(String),
    /// `policy_set` refused the text: the compiler's `line L, column C:
    /// message`, or why the call itself failed.
    PolicyRefused(String),
    /// `token_new` or `token_revoke` refused: the kernel's reason.
    TokenRefused(String),
    /// No agent has this id.
    NoAgent(u64),
    /// `system_poweroff` returned success, yet the machine is still on.
    StillOn,
    /// The typed line was longer than [`crate::editor::MAX_LINE`] bytes.
    LineTooLong,
    /// The typed line is not valid UTF-8.
    NotUtf8,
}

impl From<aios_abi::Error> for Error {
    fn from(error: aios_abi::Error) -> Error {
        Error::Syscall(error)
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Syscall(error) => write!(f, "{error}"),
            Error::MissingCapability(kind) => {
                write!(f, "the console holds no {kind} capability")
            }
            Error::NotAnAgentId(text) => write!(f, "`{text}` is not an agent id"),
            Error::NotANumber(text) => write!(f, "`{text}` is not a number"),
            Error::BadCount(text) => write!(
                f,
                "`{text}` is not a count from 1 to {}",
                crate::network::MAX_COUNT
            ),
            Error::PolicyRefused(message) | Error::TokenRefused(message) => f.write_str(message),
            Error::NoAgent(id) => write!(f, "no agent {id}"),
            Error::StillOn => f.write_str("the machine is still on"),
            Error::LineTooLong => write!(
                f,
                "line longer than {} bytes, ignored",
                crate::editor::MAX_LINE
            ),
            Error::NotUtf8 => f.write_str("input is not UTF-8"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_the_kernel_console() {
        assert_eq!(
            Error::LineTooLong.to_string(),
            "line longer than 256 bytes, ignored"
        );
        assert_eq!(Error::NotUtf8.to_string(), "input is not UTF-8");
        assert_eq!(
            Error::NotAnAgentId("x1".into()).to_string(),
            "`x1` is not an agent id"
        );
        assert_eq!(Error::StillOn.to_string(), "the machine is still on");
        assert_eq!(
            Error::NotANumber("ten".into()).to_string(),
            "`ten` is not a number"
        );
        assert_eq!(
            Error::PolicyRefused("line 1, column 7: expected `;`".into()).to_string(),
            "line 1, column 7: expected `;`"
        );
        assert_eq!(Error::NoAgent(9).to_string(), "no agent 9");
        assert_eq!(
            Error::BadCount("0".into()).to_string(),
            "`0` is not a count from 1 to 100"
        );
        assert_eq!(
            Error::from(aios_abi::Error::QuotaExceeded).to_string(),
            "quota exceeded"
        );
        assert_eq!(
            Error::MissingCapability("system").to_string(),
            "the console holds no system capability"
        );
    }
}
