//! The dump format: writing, finding the last dump, refusing damaged ones.

use super::*;

fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

#[test]
fn lines_hold_64_bytes_and_the_last_may_be_shorter() {
    let text = encode(&sample(130));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0], "audit-export-begin 130");
    assert_eq!(lines[1].len(), 128);
    assert_eq!(lines[2].len(), 128);
    assert_eq!(lines[3].len(), 4);
    assert_eq!(lines[4], "audit-export-end");
}

#[test]
fn round_trips_inside_a_transcript_with_crlf() {
    let bytes = sample(200);
    let transcript = format!(
        "booting...\r\naios> audit export\r\n{}aios> poweroff\r\n",
        encode(&bytes).replace('\n', "\r\n")
    );
    assert_eq!(find_last(transcript.as_bytes()), Ok(Some(bytes)));
}

#[test]
fn the_last_dump_wins() {
    let first = sample(10);
    let second = sample(70);
    let text = format!("{}noise\n{}", encode(&first), encode(&second));
    assert_eq!(find_last(text.as_bytes()), Ok(Some(second)));
}

#[test]
fn an_exact_multiple_of_64_and_an_empty_dump_round_trip() {
    let bytes = sample(128);
    assert_eq!(find_last(encode(&bytes).as_bytes()), Ok(Some(bytes)));
    assert_eq!(find_last(encode(&[]).as_bytes()), Ok(Some(Vec::new())));
}

#[test]
fn text_without_a_dump_is_none() {
    assert_eq!(find_last(b"hello\naudit-export-beginning 3\n"), Ok(None));
    assert_eq!(find_last(b""), Ok(None));
}

#[test]
fn a_cut_transcript_is_unterminated() {
    let text = encode(&sample(100));
    let cut = &text[..text.len() - "audit-export-end\n".len()];
    assert_eq!(
        find_last(format!("x\n{cut}").as_bytes()),
        Err(ToolError::DumpUnterminated { line: 2 })
    );
}

#[test]
fn a_lost_line_is_a_length_mismatch() {
    let text = encode(&sample(200));
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(2);
    let damaged = lines.join("\n");
    assert_eq!(
        find_last(damaged.as_bytes()),
        Err(ToolError::DumpLength {
            announced: 200,
            found: 136
        })
    );
}

#[test]
fn damaged_lines_are_named() {
    let text = encode(&sample(200));
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut upper = lines.clone();
    upper[1] = upper[1].to_uppercase();
    assert_eq!(
        find_last(upper.join("\n").as_bytes()),
        Err(ToolError::DumpLine { line: 2 })
    );
    lines[2].truncate(100);
    assert_eq!(
        find_last(lines.join("\n").as_bytes()),
        Err(ToolError::DumpLine { line: 4 }),
        "only the last hex line may be short"
    );
    let blank = text.replacen('\n', "\n\n", 2);
    assert_eq!(
        find_last(blank.as_bytes()),
        Err(ToolError::DumpLine { line: 2 })
    );
}

#[test]
fn a_begin_line_needs_a_count() {
    assert_eq!(
        find_last(b"audit-export-begin\naudit-export-end\n"),
        Err(ToolError::DumpCount { line: 1 })
    );
    assert_eq!(
        find_last(b"a\naudit-export-begin ten\naudit-export-end\n"),
        Err(ToolError::DumpCount { line: 2 })
    );
}
