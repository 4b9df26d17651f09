//! Malformed policies: each is rejected with the exact line and column.

use aios_policy::{ErrorKind, Policy, PolicyError};

fn error(text: &str) -> PolicyError {
    match Policy::compile(text) {
        Ok(_) => panic!("{text:?} compiled"),
        Err(error) => error,
    }
}

fn expected(expected: &'static str, found: &str) -> ErrorKind {
    ErrorKind::Expected {
        expected,
        found: found.into(),
    }
}

/// (text, line, column, kind) for one malformed input each.
fn cases() -> Vec<(&'static str, u32, u32, ErrorKind)> {
    vec![
        (
            "allow op \"null\"",
            1,
            16,
            expected(
                "`agent`, `publisher`, `label`, `op`, `resource`, `when` or `;`",
                "end of input",
            ),
        ),
        ("allow agent \"a\";", 1, 16, ErrorKind::MissingOperation),
        (
            "# c\n  permit op \"null\";",
            2,
            3,
            expected(
                "a rule (`allow`, `deny`, `audit`, `require`) or `default`",
                "`permit`",
            ),
        ),
        ("allow op \"null;\n", 1, 10, ErrorKind::UnterminatedString),
        (
            "allow op \"agent_spwn\";",
            1,
            10,
            ErrorKind::UnknownOperation("agent_spwn".into()),
        ),
        (
            "allow\n  agent \"a\"\n  agent \"b\" op *;",
            3,
            3,
            ErrorKind::DuplicateClause("agent"),
        ),
        (
            "allow op * when size < 10;",
            1,
            22,
            ErrorKind::UnexpectedCharacter('<'),
        ),
        (
            "allow op * when rate <= 0/s;",
            1,
            25,
            ErrorKind::RateOutOfRange,
        ),
        (
            "allow op * when rate <= 5/m;",
            1,
            27,
            expected("`s` (per second)", "`m`"),
        ),
        (
            "allow op * when hour in 9..9;",
            1,
            25,
            ErrorKind::EmptyHourWindow,
        ),
        (
            "allow op * when hour in 9..25;",
            1,
            28,
            ErrorKind::HourOutOfRange,
        ),
        (
            "allow op * when size <= 99999999999999999999;",
            1,
            25,
            ErrorKind::NumberTooLarge,
        ),
        (
            "allow op * when size <= 17179869184 GiB;",
            1,
            25,
            ErrorKind::NumberTooLarge,
        ),
        (
            "allow op * when size <= 1 and size <= 2;",
            1,
            31,
            ErrorKind::DuplicateCondition("size"),
        ),
        (
            "allow op * when colour == \"red\";",
            1,
            17,
            expected("a condition (`rate`, `size`, `schema`, `hour`)", "`colour`"),
        ),
        (
            "allow op * when schema == \"\";",
            1,
            27,
            ErrorKind::EmptySchema,
        ),
        (
            "allow publisher \"xyz\" op *;",
            1,
            17,
            ErrorKind::InvalidPublisher,
        ),
        (
            "allow agent \"a?\" op *;",
            1,
            13,
            ErrorKind::ReservedWildcard('?'),
        ),
        ("allow agent \"\" op *;", 1, 13, ErrorKind::EmptyPattern),
        (
            "require approval from \"adm*\" for op *;",
            1,
            23,
            ErrorKind::InvalidApprover,
        ),
        (
            "require approval from \"admin\" op *;",
            1,
            31,
            expected("`for`", "`op`"),
        ),
        (
            "default deny;\ndefault allow;",
            2,
            1,
            ErrorKind::DuplicateDefault,
        ),
        (
            "default maybe;",
            1,
            9,
            expected("`allow`, `deny`, `audit` or `require`", "`maybe`"),
        ),
        (
            "allow op \"nu\tll\";",
            1,
            13,
            ErrorKind::ForbiddenStringCharacter('\t'),
        ),
        (
            "allow agent \"é\" op * !",
            1,
            22,
            ErrorKind::UnexpectedCharacter('!'),
        ),
        (
            "allow op * when size <= 1 or rate <= 1/s;",
            1,
            27,
            expected("`and` or `;`", "`or`"),
        ),
    ]
}

#[test]
fn every_error_names_its_line_and_column() {
    for (text, line, column, kind) in cases() {
        let got = error(text);
        assert_eq!(
            (got.line, got.column, &got.kind),
            (line, column, &kind),
            "for {text:?}: {got}"
        );
    }
}

#[test]
fn the_first_error_in_the_text_wins() {
    // A grammar error on line 1 comes before a lexical error on line 2.
    let got = error("allow op;\nallow op \"x");
    assert_eq!((got.line, got.column), (1, 9));
}

#[test]
fn errors_display_with_their_position() {
    let got = error("allow op \"agent_spwn\";");
    assert_eq!(
        got.to_string(),
        "line 1, column 10: no syscall is named \"agent_spwn\""
    );
}

#[test]
fn too_many_rules_are_refused_at_the_rule_past_the_limit() {
    let text = "allow op \"null\";\n".repeat(aios_policy::MAX_RULES + 1);
    let got = error(&text);
    let past = u32::try_from(aios_policy::MAX_RULES + 1).unwrap();
    assert_eq!(
        (got.line, got.column, got.kind),
        (past, 1, ErrorKind::TooManyRules)
    );
}

#[test]
fn a_failed_compile_leaves_the_previous_policy_in_force() {
    let mut in_force = Policy::compile("allow op \"null\"; default deny;").unwrap();
    match Policy::compile("allow op \"null\" oops") {
        Ok(policy) => in_force = policy,
        Err(error) => assert_eq!(error.line, 1),
    }
    assert_eq!(in_force.rules().len(), 1);
    assert_eq!(in_force.rules()[0].operation().as_str(), "null");
}
