//! The `aios-store` binary on a temporary image: format, put, ls, get,
//! info, check (clean and damaged), export.

use std::path::PathBuf;
use std::process::{Command, Output};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aios-store-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aios-store"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn format_put_list_get_info_check_export() {
    let dir = temp("roundtrip");
    let img = dir.join("data.img");
    let img_s = img.to_str().unwrap();
    let out = tool(&["format", img_s, "--size", "16"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::metadata(&img).unwrap().len(), 16 << 20);
    let payload = dir.join("payload.bin");
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&payload, &bytes).unwrap();
    let out = tool(&[
        "put",
        img_s,
        "docs",
        "a/b.bin",
        payload.to_str().unwrap(),
        "--tag",
        "x",
        "--type",
        "app/test",
    ]);
    assert!(out.status.success(), "{out:?}");
    std::fs::write(dir.join("small"), b"hi").unwrap();
    assert!(
        tool(&[
            "put",
            img_s,
            "docs",
            "note",
            dir.join("small").to_str().unwrap()
        ])
        .status
        .success()
    );
    let ls = text(&tool(&["ls", img_s]));
    assert!(ls.starts_with("docs\t2 objects\t300002 bytes"), "{ls}");
    let ls = text(&tool(&["ls", img_s, "docs"]));
    assert!(
        ls.contains("a/b.bin\t300000\tv1\tapp/test\tx") && ls.contains("note\t2"),
        "{ls}"
    );
    let got = tool(&["get", img_s, "docs", "a/b.bin"]);
    assert!(got.status.success());
    assert_eq!(got.stdout, bytes);
    let missing = tool(&["get", img_s, "docs", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no such object"));
    let info = text(&tool(&["info", img_s]));
    assert!(
        info.contains("namespaces       1") && info.contains("docs  objects 2"),
        "{info}"
    );
    let check = tool(&["check", img_s]);
    assert!(
        check.status.success() && text(&check).contains("clean"),
        "{check:?}"
    );
    let export = dir.join("export");
    let out = tool(&["export", img_s, export.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read(export.join("docs/a%2Fb.bin")).unwrap(), bytes);
    assert_eq!(std::fs::read(export.join("docs/note")).unwrap(), b"hi");
    let index = std::fs::read_to_string(export.join("index.json")).unwrap();
    assert!(
        index.contains("\"key\":\"a/b.bin\"")
            && index.contains("\"tags\":[\"x\"]")
            && index.contains("\"content_type\":\"app/test\""),
        "{index}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_fails_on_a_damaged_image_and_names_the_object() {
    let dir = temp("damaged");
    let img = dir.join("data.img");
    let img_s = img.to_str().unwrap();
    assert!(tool(&["format", img_s, "--size", "8"]).status.success());
    let payload = dir.join("payload.bin");
    let bytes: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&payload, &bytes).unwrap();
    assert!(
        tool(&["put", img_s, "ns", "victim", payload.to_str().unwrap()])
            .status
            .success()
    );
    let mut image = std::fs::read(&img).unwrap();
    let needle = &bytes[8_000..8_064];
    let at = image
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("data block on disk");
    image[at] ^= 0x10;
    std::fs::write(&img, &image).unwrap();
    let check = tool(&["check", img_s]);
    assert_eq!(check.status.code(), Some(1));
    let report = text(&check);
    assert!(
        report.contains("problem: Corrupt")
            && report.contains("key victim")
            && report.contains("NOT clean"),
        "{report}"
    );
    let get = tool(&["get", img_s, "ns", "victim"]);
    assert_eq!(get.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&get.stderr).contains("corrupt object data"),
        "{get:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn not_an_image_is_a_clear_error() {
    let dir = temp("garbage");
    let img = dir.join("zero.img");
    std::fs::write(&img, vec![0u8; 1 << 20]).unwrap();
    let out = tool(&["info", img.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("holds no AIOS store"),
        "{out:?}"
    );
    let usage = tool(&["bogus"]);
    assert_eq!(usage.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
