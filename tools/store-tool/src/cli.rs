//! The command line: parses arguments and dispatches to the commands.

use std::io::Write;
use std::path::Path;

use crate::commands;

/// Usage text.
pub const USAGE: &str = "usage:
  aios-store format IMG [--size MiB]     create IMG (default 64 MiB) with an empty store
  aios-store info IMG                    superblock, generation, namespaces, snapshots, usage
  aios-store ls IMG [NS]                 namespaces, or the objects of NS
  aios-store get IMG NS KEY              write an object's value to stdout
  aios-store put IMG NS KEY FILE [--type CT] [--tag T]...
                                         store FILE's bytes (creates NS if needed)
  aios-store check IMG                   fsck; exit 1 and list problems when not clean
  aios-store export IMG DIR              one file per object and DIR/index.json";

/// Runs one command; `Ok(false)` when it found problems (exit status 1).
pub fn run(args: &[String], out: &mut dyn Write) -> Result<bool, String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["format", img, rest @ ..] => {
            let size = match rest {
                [] => None,
                ["--size", mib] => Some(
                    mib.parse::<u64>()
                        .map_err(|_| format!("--size wants MiB, not {mib:?}"))?,
                ),
                _ => return Err(USAGE.into()),
            };
            commands::format(Path::new(img), size, out)
        }
        ["info", img] => commands::info(Path::new(img), out),
        ["ls", img] => commands::ls(Path::new(img), None, out),
        ["ls", img, ns] => commands::ls(Path::new(img), Some(ns), out),
        ["get", img, ns, key] => commands::get(Path::new(img), ns, key, out),
        ["put", img, ns, key, file, rest @ ..] => {
            let (content_type, tags) = put_options(rest)?;
            commands::put(
                Path::new(img),
                ns,
                key,
                Path::new(file),
                content_type,
                tags,
                out,
            )
        }
        ["check", img] => commands::check(Path::new(img), out),
        ["export", img, dir] => crate::export::export(Path::new(img), Path::new(dir), out),
        ["help" | "--help" | "-h"] => {
            writeln!(out, "{USAGE}").map_err(|e| e.to_string())?;
            Ok(true)
        }
        _ => Err(USAGE.into()),
    }
}

fn put_options(mut rest: &[&str]) -> Result<(String, Vec<String>), String> {
    let mut content_type = String::from("application/octet-stream");
    let mut tags = Vec::new();
    loop {
        match rest {
            [] => return Ok((content_type, tags)),
            ["--type", ct, more @ ..] => {
                content_type = (*ct).into();
                rest = more;
            }
            ["--tag", tag, more @ ..] => {
                tags.push((*tag).into());
                rest = more;
            }
            _ => return Err(USAGE.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_arguments_give_usage() {
        let mut out = Vec::new();
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(run(&args("frobnicate x"), &mut out), Err(USAGE.into()));
        assert!(
            run(&args("format x --size many"), &mut out)
                .unwrap_err()
                .contains("MiB")
        );
        assert_eq!(
            put_options(&["--tag", "a", "--type", "text/plain", "--tag", "b"]),
            Ok(("text/plain".into(), vec!["a".into(), "b".into()]))
        );
        assert!(put_options(&["--tag"]).is_err());
    }
}
