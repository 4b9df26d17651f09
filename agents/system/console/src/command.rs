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
    /// `send INTENT JSON`: a request to an intent; the JSON is the rest of
    /// the line, spaces included.
    Send {
        /// The intent name.
        intent: &'a str,
        /// The body, as JSON text.
        json: &'a str,
    },
    /// `send "REQUEST" JSON`: a request addressed by meaning: the kernel
    /// routes it to the intent whose description matches REQUEST best.
    SendRequest {
        /// The request in words (between the quotes).
        text: &'a str,
        /// The body, as JSON text.
        json: &'a str,
    },
    /// `audit tail [N]`: the last N audit records (the count as typed).
    AuditTail(Option<&'a str>),
    /// `audit verify`: check the audit chain.
    AuditVerify,
    /// `audit export`: the whole log, hex encoded.
    AuditExport,
    /// `trace ID`: a conversation's messages (the id as typed).
    Trace(&'a str),
    /// `ipc`: messaging totals and the latency histogram.
    Ipc,
    /// `events [N]`: the next N queued bus events (the count as typed).
    Events(Option<&'a str>),
    /// `policy set TEXT`: replace the policy; the text is the rest of the
    /// line.
    PolicySet(&'a str),
    /// `store ls NS`: the objects of a namespace.
    StoreLs(&'a str),
    /// `store put NS KEY TEXT`: stores TEXT (the rest of the line).
    StorePut {
        /// Namespace.
        ns: &'a str,
        /// Object key.
        key: &'a str,
        /// The value, as typed.
        text: &'a str,
    },
    /// `store get NS KEY`: prints an object.
    StoreGet {
        /// Namespace.
        ns: &'a str,
        /// Object key.
        key: &'a str,
    },
    /// `store rm NS KEY`: deletes an object.
    StoreRm {
        /// Namespace.
        ns: &'a str,
        /// Object key.
        key: &'a str,
    },
    /// `snapshot NS NAME`: takes a snapshot (`NS` = `*`: the volume).
    Snapshot {
        /// Namespace.
        ns: &'a str,
        /// Snapshot name.
        name: &'a str,
    },
    /// `snapshots NS`: lists a namespace's snapshots.
    Snapshots(&'a str),
    /// `rollback NS NAME`: rolls a namespace back to a snapshot.
    Rollback {
        /// Namespace.
        ns: &'a str,
        /// Snapshot name.
        name: &'a str,
    },
    /// `embed TEXT`: the kernel model's embedding of the rest of the line.
    Embed(&'a str),
    /// `remember TEXT`: keeps the rest of the line in the console's memory
    /// region, embedded.
    Remember(&'a str),
    /// `recall QUERY`: the remembered lines closest in meaning.
    Recall(&'a str),
    /// `ask PROMPT`: the kernel language model's answer, streamed.
    Ask(&'a str),
    /// `net`: the node's interface, addresses, routes and counters.
    Net,
    /// `ping HOST [COUNT]`: echo probes (the count as typed).
    Ping {
        /// An address or a name.
        host: &'a str,
        /// How many echoes, as typed.
        count: Option<&'a str>,
    },
    /// `fetch URL`: a web page through the fetch agent.
    Fetch(&'a str),
    /// `token new NAME SCOPE...`: mints an API token.
    TokenNew {
        /// The token's name.
        name: &'a str,
        /// Its scopes, space-separated as typed (the rest of the line).
        scopes: &'a str,
    },
    /// `token list`: the API tokens, without secrets.
    TokenList,
    /// `token revoke NAME`: revokes a minted API token.
    TokenRevoke(&'a str),
    /// `poweroff`: switch the machine off.
    Poweroff,
    /// `spawn`, `kill` or `caps` without its argument.
    Usage(&'a str),
    /// A newer command typed without what it needs: its full syntax.
    Syntax(&'static str),
    /// A word that is no command.
    Unknown(&'a str),
}

/// Parses a line: the first word is the command, the second its argument;
/// further words are ignored, as in the kernel console, except by `send`
/// and `policy set`, whose last argument runs to the end of the line.
pub fn parse(line: &str) -> Command<'_> {
    let (command, rest) = split_word(line);
    let (argument, after) = split_word(rest);
    let argument = (!argument.is_empty()).then_some(argument);
    match (command, argument) {
        ("", _) => Command::Empty,
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
        ("send", Some(_)) if rest.starts_with('"') => match rest[1..].split_once('"') {
            Some((text, json)) if !text.trim().is_empty() && !json.trim().is_empty() => {
                Command::SendRequest {
                    text,
                    json: json.trim(),
                }
            }
            _ => Command::Syntax("send INTENT JSON | send \"REQUEST\" JSON"),
        },
        ("send", Some(intent)) if !after.is_empty() => Command::Send {
            intent,
            json: after,
        },
        ("send", _) => Command::Syntax("send INTENT JSON"),
        ("audit", Some("tail")) => match split_word(after).0 {
            "" => Command::AuditTail(None),
            count => Command::AuditTail(Some(count)),
        },
        ("audit", Some("verify")) => Command::AuditVerify,
        ("audit", Some("export")) => Command::AuditExport,
        ("audit", _) => Command::Syntax("audit tail [N] | audit verify | audit export"),
        ("trace", Some(id)) => Command::Trace(id),
        ("trace", None) => Command::Syntax("trace ID"),
        ("ipc", _) => Command::Ipc,
        ("events", count) => Command::Events(count),
        ("policy", Some("set")) if !after.is_empty() => Command::PolicySet(after),
        ("policy", _) => Command::Syntax("policy set TEXT"),
        ("store", Some(verb)) => store(verb, after),
        ("store", None) => Command::Syntax(STORE_SYNTAX),
        ("snapshot" | "rollback", Some(ns)) => match split_word(after).0 {
            "" => Command::Syntax(if command == "snapshot" {
                "snapshot NS NAME"
            } else {
                "rollback NS NAME"
            }),
            name if command == "snapshot" => Command::Snapshot { ns, name },
            name => Command::Rollback { ns, name },
        },
        ("snapshot", None) => Command::Syntax("snapshot NS NAME"),
        ("rollback", None) => Command::Syntax("rollback NS NAME"),
        ("embed", Some(_)) => Command::Embed(rest),
        ("embed", None) => Command::Syntax("embed TEXT"),
        ("remember", Some(_)) => Command::Remember(rest),
        ("remember", None) => Command::Syntax("remember TEXT"),
        ("recall", Some(_)) => Command::Recall(rest),
        ("recall", None) => Command::Syntax("recall QUERY"),
        ("ask", Some(_)) => Command::Ask(rest),
        ("ask", None) => Command::Syntax("ask PROMPT"),
        ("net", _) => Command::Net,
        ("ping", Some(host)) => Command::Ping {
            host,
            count: (!split_word(after).0.is_empty()).then_some(split_word(after).0),
        },
        ("ping", None) => Command::Syntax("ping HOST [COUNT]"),
        ("fetch", Some(url)) => Command::Fetch(url),
        ("fetch", None) => Command::Syntax("fetch URL"),
        ("token", Some(verb)) => token(verb, after),
        ("token", None) => Command::Syntax(TOKEN_SYNTAX),
        ("snapshots", Some(ns)) => Command::Snapshots(ns),
        ("snapshots", None) => Command::Syntax("snapshots NS"),
        (other, _) => Command::Unknown(other),
    }
}

const STORE_SYNTAX: &str =
    "store ls NS | store put NS KEY TEXT | store get NS KEY | store rm NS KEY";

/// The `store` subcommands; `put`'s text runs to the end of the line.
fn store<'a>(verb: &str, rest: &'a str) -> Command<'a> {
    let (ns, rest) = split_word(rest);
    let (key, text) = split_word(rest);
    match (verb, ns, key) {
        ("ls", "", _) | (_, "", _) => Command::Syntax(STORE_SYNTAX),
        ("ls", ns, _) => Command::StoreLs(ns),
        (_, _, "") => Command::Syntax(STORE_SYNTAX),
        ("put", ns, key) if !text.is_empty() => Command::StorePut { ns, key, text },
        ("get", ns, key) => Command::StoreGet { ns, key },
        ("rm", ns, key) => Command::StoreRm { ns, key },
        _ => Command::Syntax(STORE_SYNTAX),
    }
}

const TOKEN_SYNTAX: &str = "token new NAME SCOPE... | token list | token revoke NAME";

/// The `token` subcommands; `new`'s scopes run to the end of the line.
fn token<'a>(verb: &str, rest: &'a str) -> Command<'a> {
    let (name, scopes) = split_word(rest);
    match (verb, name) {
        ("list", "") => Command::TokenList,
        ("new", name) if !name.is_empty() && !scopes.is_empty() => {
            Command::TokenNew { name, scopes }
        }
        ("revoke", name) if !name.is_empty() && scopes.is_empty() => Command::TokenRevoke(name),
        _ => Command::Syntax(TOKEN_SYNTAX),
    }
}

/// The first word of `text` (after leading blanks) and the rest, with the
/// blanks around it trimmed.
fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start_matches(|c: char| c.is_ascii_whitespace());
    let end = text
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    (word, rest.trim_matches(|c: char| c.is_ascii_whitespace()))
}

/// The agent id in a `kill` or `caps` argument.
pub fn agent_id(text: &str) -> Result<u64, Error> {
    text.parse()
        .map_err(|_| Error::NotAnAgentId(text.to_string()))
}

/// A decimal number argument (`audit tail N`, `trace ID`, `events N`).
pub fn number<T: core::str::FromStr>(text: &str) -> Result<T, Error> {
    text.parse()
        .map_err(|_| Error::NotANumber(text.to_string()))
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
        assert_eq!(parse("ipc"), Command::Ipc);
        assert_eq!(parse("events"), Command::Events(None));
        assert_eq!(parse("events 5 more"), Command::Events(Some("5")));
    }

    #[test]
    fn store_and_snapshot_commands() {
        assert_eq!(parse("store ls notes"), Command::StoreLs("notes"));
        assert_eq!(
            parse("store put notes todo buy  milk "),
            Command::StorePut {
                ns: "notes",
                key: "todo",
                text: "buy  milk"
            }
        );
        assert_eq!(
            parse("store get notes todo"),
            Command::StoreGet {
                ns: "notes",
                key: "todo"
            }
        );
        assert_eq!(
            parse("store rm notes todo"),
            Command::StoreRm {
                ns: "notes",
                key: "todo"
            }
        );
        assert_eq!(
            parse("snapshot notes before"),
            Command::Snapshot {
                ns: "notes",
                name: "before"
            }
        );
        assert_eq!(
            parse("rollback notes before"),
            Command::Rollback {
                ns: "notes",
                name: "before"
            }
        );
        assert_eq!(parse("snapshots notes"), Command::Snapshots("notes"));
        assert_eq!(
            parse(r#"send "say it back to me" {"text":"hi"}"#),
            Command::SendRequest {
                text: "say it back to me",
                json: r#"{"text":"hi"}"#
            }
        );
        assert_eq!(
            parse(r#"send "a request without a body""#),
            Command::Syntax("send INTENT JSON | send \"REQUEST\" JSON")
        );
        assert_eq!(parse("embed hello  world"), Command::Embed("hello  world"));
        assert_eq!(parse("embed"), Command::Syntax("embed TEXT"));
        assert_eq!(
            parse("remember the code  is 4"),
            Command::Remember("the code  is 4")
        );
        assert_eq!(parse("recall where"), Command::Recall("where"));
        assert_eq!(
            parse("ask Name three colors."),
            Command::Ask("Name three colors.")
        );
        assert_eq!(parse("ask"), Command::Syntax("ask PROMPT"));
        assert_eq!(parse("recall"), Command::Syntax("recall QUERY"));
        assert_eq!(parse("store put notes todo"), Command::Syntax(STORE_SYNTAX));
        assert_eq!(parse("store get notes"), Command::Syntax(STORE_SYNTAX));
        assert_eq!(parse("store frob a b"), Command::Syntax(STORE_SYNTAX));
        assert_eq!(parse("store"), Command::Syntax(STORE_SYNTAX));
        assert_eq!(parse("snapshot notes"), Command::Syntax("snapshot NS NAME"));
        assert_eq!(parse("rollback"), Command::Syntax("rollback NS NAME"));
    }

    #[test]
    fn messaging_audit_and_policy_commands() {
        assert_eq!(
            parse(r#"send demo.echo {"text": "hi there"} "#),
            Command::Send {
                intent: "demo.echo",
                json: r#"{"text": "hi there"}"#
            }
        );
        assert_eq!(parse("send demo.echo"), Command::Syntax("send INTENT JSON"));
        assert_eq!(parse("send"), Command::Syntax("send INTENT JSON"));
        assert_eq!(parse("audit tail"), Command::AuditTail(None));
        assert_eq!(parse("audit  tail 25 more"), Command::AuditTail(Some("25")));
        assert_eq!(parse("audit verify"), Command::AuditVerify);
        assert_eq!(parse("audit export"), Command::AuditExport);
        let audit_syntax = Command::Syntax("audit tail [N] | audit verify | audit export");
        assert_eq!(parse("audit"), audit_syntax);
        assert_eq!(parse("audit erase"), audit_syntax);
        assert_eq!(parse("trace 17"), Command::Trace("17"));
        assert_eq!(parse("trace"), Command::Syntax("trace ID"));
        assert_eq!(
            parse("policy set  allow agent * op *; default deny; "),
            Command::PolicySet("allow agent * op *; default deny;")
        );
        assert_eq!(parse("policy set"), Command::Syntax("policy set TEXT"));
        assert_eq!(parse("policy show"), Command::Syntax("policy set TEXT"));
    }

    #[test]
    fn token_commands() {
        assert_eq!(
            parse("token new grafana metrics  agents:read "),
            Command::TokenNew {
                name: "grafana",
                scopes: "metrics  agents:read"
            }
        );
        assert_eq!(parse("token list"), Command::TokenList);
        assert_eq!(
            parse("token revoke grafana"),
            Command::TokenRevoke("grafana")
        );
        for bad in [
            "token",
            "token new",
            "token new grafana",
            "token list all",
            "token revoke",
            "token revoke a b",
            "token show",
        ] {
            assert_eq!(parse(bad), Command::Syntax(TOKEN_SYNTAX), "{bad}");
        }
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
    fn agent_ids_and_numbers_are_decimal() {
        assert_eq!(agent_id("42"), Ok(42));
        assert_eq!(agent_id("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            agent_id("18446744073709551616"),
            Err(Error::NotAnAgentId("18446744073709551616".into()))
        );
        assert_eq!(agent_id("-1"), Err(Error::NotAnAgentId("-1".into())));
        assert_eq!(agent_id("0x10"), Err(Error::NotAnAgentId("0x10".into())));
        assert_eq!(number::<u32>("10"), Ok(10));
        assert_eq!(
            number::<u32>("4294967296"),
            Err(Error::NotANumber("4294967296".into()))
        );
        assert_eq!(number::<u64>("x"), Err(Error::NotANumber("x".into())));
    }
}
