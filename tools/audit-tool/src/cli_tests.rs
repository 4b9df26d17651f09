//! Command-line parsing: accepted forms and usage errors.

use super::*;

fn parse_strs(args: &[&str]) -> Result<Command, ToolError> {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    parse(&args)
}

fn is_usage_error(result: Result<Command, ToolError>) -> bool {
    matches!(result, Err(ToolError::Usage(text)) if text.contains("usage: aios-audit verify"))
}

#[test]
fn verify_takes_a_file_and_an_optional_key() {
    assert_eq!(
        parse_strs(&["verify", "log.bin"]),
        Ok(Command::Verify {
            file: PathBuf::from("log.bin"),
            key: None
        })
    );
    let key = "0f".repeat(32);
    let expected = Ok(Command::Verify {
        file: PathBuf::from("log.txt"),
        key: Some([0x0f; 32]),
    });
    assert_eq!(parse_strs(&["verify", "--key", &key, "log.txt"]), expected);
    let joined = format!("--key={key}");
    assert_eq!(parse_strs(&["verify", "log.txt", &joined]), expected);
}

#[test]
fn show_and_tamper_take_their_options() {
    assert_eq!(
        parse_strs(&["show", "f", "--tail", "5"]),
        Ok(Command::Show {
            file: PathBuf::from("f"),
            tail: Some(5)
        })
    );
    assert_eq!(
        parse_strs(&["tamper", "in", "out", "--record", "12"]),
        Ok(Command::Tamper {
            file: PathBuf::from("in"),
            out: PathBuf::from("out"),
            record: 12
        })
    );
    assert_eq!(parse_strs(&["help"]), Ok(Command::Help));
}

#[test]
fn mistakes_are_usage_errors() {
    assert!(is_usage_error(parse_strs(&[])));
    assert!(is_usage_error(parse_strs(&["frobnicate"])));
    assert!(is_usage_error(parse_strs(&["verify"])));
    assert!(is_usage_error(parse_strs(&["verify", "a", "b"])));
    assert!(is_usage_error(parse_strs(&["verify", "a", "--key"])));
    assert!(is_usage_error(parse_strs(&["verify", "a", "--key", "abc"])));
    assert!(is_usage_error(parse_strs(&["verify", "a", "--tail", "3"])));
    let key = "00".repeat(32);
    assert!(is_usage_error(parse_strs(&[
        "verify", "a", "--key", &key, "--key", &key
    ])));
    assert!(is_usage_error(parse_strs(&["show", "a", "--tail", "-1"])));
    assert!(is_usage_error(parse_strs(&["tamper", "a", "b"])));
    assert!(is_usage_error(parse_strs(&[
        "tamper", "a", "--record", "1"
    ])));
    assert!(is_usage_error(parse_strs(&[
        "tamper", "a", "b", "--record", "x"
    ])));
    assert!(ToolError::Usage(String::new()).exit_code() == 2);
}
