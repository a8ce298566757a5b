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

/// The files of the EPUB `epub` by name.
fn epub_entries(epub: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(epub).expect("the epub");
    let mut archive = zip::ZipArchive::new(file).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).expect("an entry");
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut bytes).expect("readable");
            (entry.name().expect("a UTF-8 name").into_owned(), bytes)
        })
        .collect()
}

/// The `itunes:image` hrefs of the feed `xml`, channel's then item's, read by an XML parser.
fn feed_images(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("the feed is XML");
    doc.descendants()
        .filter(|n| {
            n.tag_name().name() == "image"
                && n.tag_name().namespace() == Some("http://www.itunes.com/dtds/podcast-1.0.dtd")
        })
        .map(|n| n.attribute("href").expect("an href").to_owned())
        .collect()
}

/// The page's `(src, alt)` of each `<img>` and the text of each `<time>`, read as a DOM
/// (the page's markup parses as XML once its script's code is taken out).
fn page_images_and_times(page: &str) -> (Vec<(String, String)>, Vec<String>) {
    let start = page.rfind("<script>").expect("a script") + "<script>".len();
    let end = page.rfind("</script>").expect("its end");
    let xml = format!("{}{}", &page[..start], &page[end..]);
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(&xml, options).expect("well-formed");
    let images = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "img")
        .map(|n| {
            let attr = |a| n.attribute(a).unwrap_or_default().to_owned();
            (attr("src"), attr("alt"))
        })
        .collect();
    let times = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "time")
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect();
    (images, times)
}

#[test]
fn the_cover_is_published_beside_the_feed_and_page_and_leaves_with_its_setting() {
    let Some(dir) = folder("") else { return };
    let with_epub = |args: &[&str]| {
        narrate(dir.path())
            .args(["talk.md", "-o", "out", "--date", "2024"])
            .args(args)
            .output()
            .expect("run narrate")
    };
    let out = with_epub(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out_dir = dir.path().join("out");
    let read = |name: &str| std::fs::read_to_string(out_dir.join(name)).expect(name);
    let cover = std::fs::read(dir.path().join("art/front.png")).expect("cover");
    assert!(
        std::fs::read(out_dir.join("cover.png")).expect("cover.png") == cover,
        "cover.png is the cover, byte for byte"
    );
    assert_eq!(feed_images(&read("episode.rss.xml")), ["cover.png"; 2]);
    let (images, times) = page_images_and_times(&read("read-along.html"));
    assert_eq!(
        images,
        [(
            "cover.png".to_owned(),
            "Cover of The Front Matter Title".to_owned()
        )]
    );
    assert_eq!(times, ["2024"]);
    let epub = out_dir.join("narration.epub");
    let entries = epub_entries(&epub);
    let entry = |name: &str| entries.iter().find(|e| e.0 == name).map(|e| &e.1);
    assert!(entry("EPUB/cover.png") == Some(&cover), "the EPUB's cover");
    let opf = String::from_utf8(entry("EPUB/package.opf").expect("opf").clone()).expect("UTF-8");
    assert!(opf.contains("<dc:date>2024</dc:date>"), "{opf}");
    assert!(
        opf.contains("href=\"cover.png\" media-type=\"image/png\" properties=\"cover-image\""),
        "{opf}"
    );
    if crate::readalong::have_epubcheck() {
        crate::readalong::assert_epubcheck_passes(&epub);
    }

    // Nothing changed: nothing is written again, the cover included.
    let before = snapshot(&out_dir);
    let modified = |name: &str| {
        std::fs::metadata(out_dir.join(name))
            .and_then(|m| m.modified())
            .expect(name)
    };
    let cover_time = modified("cover.png");
    let out = with_epub(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(snapshot(&out_dir) == before, "a second run changed files");
    assert_eq!(modified("cover.png"), cover_time, "cover.png rewritten");

    // The cover dropped: its copy and every reference to it go.
    let script = SCRIPT.replace("cover: art/front.png\n", "");
    std::fs::write(dir.path().join("talk.md"), script).expect("script");
    let out = with_epub(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    for name in ["cover.png", "cover.jpg"] {
        assert!(!out_dir.join(name).exists(), "{name} left behind");
    }
    assert!(feed_images(&read("episode.rss.xml")).is_empty());
    assert!(!read("episode.rss.xml").contains("cover"));
    assert!(page_images_and_times(&read("read-along.html")).0.is_empty());
    let entries = epub_entries(&epub);
    assert!(entries.iter().all(|e| !e.0.contains("cover")), "EPUB cover");
    let opf = entries
        .iter()
        .find(|e| e.0 == "EPUB/package.opf")
        .expect("opf");
    assert!(!String::from_utf8_lossy(&opf.1).contains("cover"));
}

#[test]
fn a_cover_file_narrate_did_not_write_is_not_replaced() {
    let Some(dir) = folder("") else { return };
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("mkdir");
    std::fs::write(out_dir.join("cover.png"), b"someone else's").expect("foreign");
    let out = run(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cover.png: exists and narrate did not write it"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(out_dir.join("cover.png")).expect("kept"),
        b"someone else's"
    );
    // Without a cover set, a cover.jpg of someone else's is simply left alone.
    let script = SCRIPT.replace("cover: art/front.png\n", "");
    std::fs::write(dir.path().join("talk.md"), script).expect("script");
    std::fs::rename(out_dir.join("cover.png"), out_dir.join("cover.jpg")).expect("rename");
    let out = run(dir.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(out_dir.join("cover.jpg")).expect("kept"),
        b"someone else's"
    );
    assert!(
        feed_images(&std::fs::read_to_string(out_dir.join("episode.rss.xml")).expect("feed"))
            .is_empty()
    );
}
