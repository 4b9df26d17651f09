//! Parsing a typed line into a console command.

use crate::Error;

/// One console command, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<'a> {
    /// An empty line: nothing to do.
    Empty,
    /// `help`: the command list.
    Help,
    /// `info`: the machine and its boot.
    Info,
    /// `agents`: the agent table.
    Agents,
    /// `images`: the bundle's images and whether they loaded.
    Images,
    /// `spawn NAME`: start an image.
    Spawn(&'a str),
    /// `kill ID`: stop an agent (the id as typed; see [`agent_id`]).
    Kill(&'a str),
    /// `caps ID`: an agent's capabilities.
    Caps(&'a str),
    /// `top`: the live agent table.
    Top,
    /// `poweroff`: switch the machine off.
    Poweroff,
    /// `spawn`, `kill` or `caps` without its argument.
    Usage(&'a str),
    /// A word that is no command.
    Unknown(&'a str),
}

/// Parses a line: the first word is the command, the second its argument;
/// further words are ignored, as in the kernel console.
pub fn parse(line: &str) -> Command<'_> {
    let mut words = line.split_ascii_whitespace();
    let Some(command) = words.next() else {
        return Command::Empty;
    };
    match (command, words.next()) {
        ("help", _) => Command::Help,
        ("info", _) => Command::Info,
        ("agents", _) => Command::Agents,
        ("images", _) => Command::Images,
        ("spawn", Some(name)) => Command::Spawn(name),
        ("kill", Some(id)) => Command::Kill(id),
        ("caps", Some(id)) => Command::Caps(id),
        ("top", _) => Command::Top,
        ("poweroff", _) => Command::Poweroff,
        ("spawn" | "kill" | "caps", None) => Command::Usage(command),
        (other, _) => Command::Unknown(other),
    }
}

/// The agent id in a `kill` or `caps` argument.
pub fn agent_id(text: &str) -> Result<u64, Error> {
    text.parse()
        .map_err(|_| Error::NotAnAgentId(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_arguments() {
        assert_eq!(parse(""), Command::Empty);
        assert_eq!(parse("   "), Command::Empty);
        assert_eq!(parse("help"), Command::Help);
        assert_eq!(parse("info extra words"), Command::Info);
        assert_eq!(parse("agents"), Command::Agents);
        assert_eq!(parse("images"), Command::Images);
        assert_eq!(parse("spawn  hello"), Command::Spawn("hello"));
        assert_eq!(parse("kill 12 now"), Command::Kill("12"));
        assert_eq!(parse("caps 3"), Command::Caps("3"));
        assert_eq!(parse("top"), Command::Top);
        assert_eq!(parse("poweroff"), Command::Poweroff);
    }

    #[test]
    fn missing_arguments_and_unknown_words() {
        assert_eq!(parse("spawn"), Command::Usage("spawn"));
        assert_eq!(parse("kill "), Command::Usage("kill"));
        assert_eq!(parse("caps"), Command::Usage("caps"));
        assert_eq!(parse("frobnicate now"), Command::Unknown("frobnicate"));
        assert_eq!(parse("HELP"), Command::Unknown("HELP"));
    }

    #[test]
    fn agent_ids_are_decimal() {
        assert_eq!(agent_id("42"), Ok(42));
        assert_eq!(agent_id("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            agent_id("18446744073709551616"),
            Err(Error::NotAnAgentId("18446744073709551616".into()))
        );
        assert_eq!(agent_id("-1"), Err(Error::NotAnAgentId("-1".into())));
        assert_eq!(agent_id("0x10"), Err(Error::NotAnAgentId("0x10".into())));
    }
}
