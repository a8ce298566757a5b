//! The episode's metadata end to end: from front matter, narrate.toml and flags, in that
//! order of strength (flags win, narrate.toml over front matter), into the MP3's ID3 tag
//! (read back by ffprobe, the cover's bytes by ffmpeg), the CUE sheet, ffmetadata,
//! chapters.json, the feed item and the read-along page; a bad cover or date stops the run
//! with a clear error and writes nothing; a metadata change rewrites only the tag.

use std::path::Path;
use std::process::Command;

use crate::common::{narrate, snapshot, stderr};

/// A solid `width` x `height` image made by ffmpeg (`png` or `jpg` by the name), or `None`
/// when ffmpeg is not installed.
fn image(path: &Path, width: u32, height: u32) -> Option<()> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("color=c=0x336699:s={width}x{height}"))
        .args(["-frames:v", "1"])
        .arg(path)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}

/// The MP3's tags as ffprobe reads them.
fn format_tags(mp3: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format_tags", "-of", "json"])
        .arg(mp3)
        .output()
        .expect("ffprobe");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    value["format"]["tags"].clone()
}

/// The attached picture's bytes, as ffmpeg copies them out of the MP3.
fn attached_picture(mp3: &Path) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(mp3)
        .args(["-an", "-map", "0:v", "-c", "copy", "-f", "image2pipe", "-"])
        .output()
        .expect("ffmpeg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

const SCRIPT: &str = "---
title: The Front Matter Title
author: Front Author
album: Front Show
date: 2023-01-02
genre: Front Genre
description: From the front matter.
cover: art/front.png
track: 3
---

A first short paragraph.

A second one, to have two chapters.
";

/// A folder holding talk.md, a front-matter cover (art/front.png) and `toml` as
/// narrate.toml; `None` without ffmpeg.
fn folder(toml: &str) -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("art")).expect("mkdir");
    image(&dir.path().join("art/front.png"), 40, 40)?;
    std::fs::write(dir.path().join("talk.md"), SCRIPT).expect("write");
    std::fs::write(dir.path().join("narrate.toml"), toml).expect("write");
    Some(dir)
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    narrate(dir)
        .args(["talk.md", "-o", "out", "--no-epub"])
        .args(args)
        .output()
        .expect("run narrate")
}

#[test]
fn front_matter_gives_every_field_to_every_format() {
    let Some(dir) = folder("") else { return };
    let out = run(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    let tags = format_tags(&out_dir.join("episode.mp3"));
    for (key, want) in [
        ("title", "The Front Matter Title"),
        ("artist", "Front Author"),
        ("album", "Front Show"),
        ("date", "2023-01-02"),
        ("genre", "Front Genre"),
        ("comment", "From the front matter."),
        ("track", "3"),
    ] {
        assert_eq!(tags[key], want, "{key}: {tags}");
    }
    let cover = std::fs::read(dir.path().join("art/front.png")).expect("cover");
    assert!(
        attached_picture(&out_dir.join("episode.mp3")) == cover,
        "APIC is the cover"
    );

    let read = |name: &str| std::fs::read_to_string(out_dir.join(name)).expect(name);
    let cue = read("chapters.cue");
    for line in [
        "REM GENRE \"Front Genre\"",
        "REM DATE 2023-01-02",
        "PERFORMER \"Front Author\"",
        "TITLE \"The Front Matter Title\"",
    ] {
        assert!(cue.lines().any(|l| l == line), "{line}: {cue}");
    }
    let ffmetadata = read("chapters.ffmetadata");
    assert!(
        ffmetadata.starts_with(
            ";FFMETADATA1\ntitle=The Front Matter Title\nartist=Front Author\nalbum=Front \
             Show\ndate=2023-01-02\ngenre=Front Genre\ncomment=From the front matter.\n\
             track=3\n\n[CHAPTER]"
        ),
        "{ffmetadata}"
    );
    let json: serde_json::Value = serde_json::from_str(&read("chapters.json")).expect("json");
    assert_eq!(
        (&json["title"], &json["author"], &json["podcastName"]),
        (
            &"The Front Matter Title".into(),
            &"Front Author".into(),
            &"Front Show".into()
        )
    );
    assert_eq!(json["description"], "From the front matter.");
    let rss = read("episode.rss.xml");
    for part in [
        "<title>Front Show</title>",
        "<title>The Front Matter Title</title>",
        "<description>From the front matter.</description>",
        "<pubDate>Mon, 02 Jan 2023 00:00:00 +0000</pubDate>",
        "<itunes:author>Front Author</itunes:author>",
        "<itunes:episode>3</itunes:episode>",
    ] {
        assert!(rss.contains(part), "{part}: {rss}");
    }
    let page = read("read-along.html");
    for part in [
        "<title>The Front Matter Title</title>",
        "<p>Front Author</p>",
        "<p>Front Show</p>",
        "<p>From the front matter.</p>",
    ] {
        assert!(page.contains(part), "{part}");
    }
}

#[test]
fn flags_win_over_narrate_toml_which_wins_over_front_matter() {
    let toml = "title = \"Toml Title\"\nartist = \"Toml Artist\"\ndate = \"2024\"\n\
                cover = \"toml.jpg\"\n";
    let Some(dir) = folder(toml) else { return };
    image(&dir.path().join("toml.jpg"), 30, 30);
    image(&dir.path().join("flag.png"), 20, 20);
    let out = run(
        dir.path(),
        &["--title", "Flag Title", "--genre", "Flag Genre"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let mp3 = dir.path().join("out/episode.mp3");
    let tags = format_tags(&mp3);
    for (key, want) in [
        ("title", "Flag Title"),   // flag over narrate.toml and front matter
        ("genre", "Flag Genre"),   // flag over front matter
        ("artist", "Toml Artist"), // narrate.toml over front matter
        ("date", "2024"),
        ("album", "Front Show"), // front matter where nothing else says
        ("track", "3"),
    ] {
        assert_eq!(tags[key], want, "{key}: {tags}");
    }
    let toml_cover = std::fs::read(dir.path().join("toml.jpg")).expect("cover");
    assert!(attached_picture(&mp3) == toml_cover, "narrate.toml's cover");

    // The flag's cover is relative to the current folder; only the tag changes.
    let out = run(
        dir.path(),
        &[
            "--title",
            "Flag Title",
            "--genre",
            "Flag Genre",
            "--cover",
            "flag.png",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let flag_cover = std::fs::read(dir.path().join("flag.png")).expect("cover");
    assert!(attached_picture(&mp3) == flag_cover, "the flag's cover");
    let summary = stderr(&out);
    assert!(
        summary.contains("files: 0 written, 2 unchanged"),
        "no paragraph written again: {summary}"
    );
    assert!(
        summary.contains("MP3 segments: 0 encoded, 2 reused"),
        "{summary}"
    );
}

#[test]
fn a_bad_cover_or_date_is_a_clear_error_and_writes_nothing() {
    let Some(dir) = folder("") else { return };
    let first = run(dir.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = snapshot(&dir.path().join("out"));
    image(&dir.path().join("wide.jpg"), 64, 48);
    std::fs::write(dir.path().join("cover.gif"), b"GIF89a\x10\0\x10\0\0\0\0;").expect("gif");
    for (args, code, message) in [
        (
            &["--cover", "wide.jpg"][..],
            2,
            "--cover: cover wide.jpg is 64x48 pixels: a cover must be square",
        ),
        (
            &["--cover", "cover.gif"],
            2,
            "--cover: cover cover.gif is not a JPEG or PNG image (it is a GIF)",
        ),
        (
            &["--cover", "nowhere.png"],
            2,
            "--cover: cover nowhere.png: no such file",
        ),
        (
            &["--date", "5 March"],
            2,
            "--date: date \"5 March\" is not a date: YYYY-MM-DD (2024-03-05) or a year (2024)",
        ),
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(
            snapshot(&dir.path().join("out")) == before,
            "{args:?} wrote something"
        );
    }
    // In narrate.toml and in front matter: a file to fix, exit code 3, named with its line.
    std::fs::write(dir.path().join("narrate.toml"), "\ncover = \"wide.jpg\"\n").expect("toml");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let toml = dir.path().join("narrate.toml");
    let expected = "narrate.toml: line 2: cover ";
    assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    std::fs::write(&toml, "").expect("toml");
    let script = SCRIPT.replace("cover: art/front.png", "cover: wide.jpg");
    std::fs::write(dir.path().join("talk.md"), script).expect("script");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("talk.md: line 8 (front matter): cover ")
            && stderr(&out).contains("is 64x48 pixels: a cover must be square"),
        "{}",
        stderr(&out)
    );
    assert!(
        snapshot(&dir.path().join("out")) == before,
        "a refused run wrote something"
    );
}
