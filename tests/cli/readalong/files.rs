//! narration.epub, transcript.json and episode.rss.xml as their readers see them, and how
//! the read-along files are switched off, owned and rewritten.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use super::browser::narrate_markup;
use super::{assert_epubcheck_passes, copy_dir, have, have_epubcheck, run, segments};
use crate::common::{narrate, root, sample_output, sample_script, stderr};

const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
const PODCAST: &str = "https://podcastindex.org/namespace/1.0";

/// A clock value `h:mm:ss.mmm` (SMIL, WebVTT) in ms.
fn clock_ms(value: &str) -> u64 {
    let (hms, frac) = value.trim().split_once('.').expect("h:mm:ss.mmm");
    let s = hms
        .split(':')
        .fold(0, |acc, p| acc * 60 + p.parse::<u64>().expect("a number"));
    s * 1000 + frac.parse::<u64>().expect("ms")
}

/// Every SMIL clip of an EPUB as (text fragment, clipBegin ms, clipEnd ms), in reading order.
fn clips(epub: &Path) -> Vec<(String, u64, u64)> {
    let file = std::fs::File::open(epub).expect("the epub");
    let mut archive = zip::ZipArchive::new(file).expect("a zip");
    let mut names: Vec<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| n.ends_with(".smil"))
        .map(|n| n.into_owned())
        .collect();
    names.sort();
    let mut clips = Vec::new();
    for name in names {
        let mut smil = String::new();
        archive
            .by_name(&name)
            .expect("entry")
            .read_to_string(&mut smil)
            .expect("UTF-8");
        let doc = roxmltree::Document::parse(&smil).expect("XML");
        for par in doc.descendants().filter(|n| n.has_tag_name("par")) {
            let child = |tag: &str| {
                par.children()
                    .find(|n| n.has_tag_name(tag))
                    .expect("text and audio")
            };
            let audio = child("audio");
            assert_eq!(audio.attribute("src"), Some("episode.mp3"));
            clips.push((
                child("text").attribute("src").expect("src").to_owned(),
                clock_ms(audio.attribute("clipBegin").expect("clipBegin")),
                clock_ms(audio.attribute("clipEnd").expect("clipEnd")),
            ));
        }
    }
    clips
}

fn assert_clips_are_the_transcript_times(out: &Path) {
    let clips = clips(&out.join("narration.epub"));
    let segments = segments(out);
    assert_eq!(clips.len(), segments.len());
    for (i, (clip, segment)) in clips.iter().zip(&segments).enumerate() {
        assert!(clip.0.ends_with(&format!("#s{}", i + 1)), "{clip:?}");
        assert_eq!(
            (clip.1, clip.2),
            (segment.0, segment.1),
            "sentence {}",
            i + 1
        );
    }
}

#[test]
fn epubcheck_accepts_the_epub_of_the_sample_and_of_a_markdown_script_with_headings() {
    let (sample, _) = sample_output();
    assert_clips_are_the_transcript_times(sample);
    let dir = tempfile::tempdir().expect("tempdir");
    let markup = narrate_markup(dir.path());
    assert_clips_are_the_transcript_times(&markup);
    if !have_epubcheck() {
        return;
    }
    let check = std::thread::spawn({
        let epub = markup.join("narration.epub");
        move || assert_epubcheck_passes(&epub)
    });
    assert_epubcheck_passes(&sample.join("narration.epub"));
    check
        .join()
        .expect("epubcheck of the Markdown script's EPUB");
}

/// ffprobe's duration of a file, ms.
fn ffprobe_ms(path: &Path) -> f64 {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .expect("ffprobe");
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().parse::<f64>().expect("seconds") * 1000.0
}

#[test]
fn transcript_and_rss_item_agree_with_the_vtt_and_the_mp3() {
    let (out, _) = sample_output();
    // The JSON transcript has the VTT's cues, to the millisecond.
    let vtt = std::fs::read_to_string(out.join("transcript.vtt")).expect("vtt");
    let cues: Vec<(u64, u64)> = vtt
        .lines()
        .filter_map(|l| l.split_once(" --> "))
        .map(|(a, b)| (clock_ms(a), clock_ms(b)))
        .collect();
    let segments = segments(out);
    assert_eq!(
        segments.iter().map(|s| (s.0, s.1)).collect::<Vec<_>>(),
        cues
    );

    let xml = std::fs::read_to_string(out.join("episode.rss.xml")).expect("rss");
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let rss = doc.root_element();
    assert_eq!(
        (rss.tag_name().name(), rss.attribute("version")),
        ("rss", Some("2.0"))
    );
    assert_eq!(rss.lookup_namespace_uri(Some("itunes")), Some(ITUNES));
    assert_eq!(rss.lookup_namespace_uri(Some("podcast")), Some(PODCAST));
    let items: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    assert_eq!(items.len(), 1);
    let item = items[0];
    let one = |ns: Option<&str>, name: &str| {
        let found: Vec<_> = item
            .children()
            .filter(|n| n.tag_name().name() == name && n.tag_name().namespace() == ns)
            .collect();
        assert_eq!(found.len(), 1, "{name}");
        found[0]
    };
    let mp3 = out.join("episode.mp3");
    let enclosure = one(None, "enclosure");
    let size = std::fs::metadata(&mp3).expect("mp3").len();
    assert_eq!(
        enclosure.attribute("length"),
        Some(size.to_string().as_str())
    );
    assert_eq!(enclosure.attribute("type"), Some("audio/mpeg"));
    assert_eq!(enclosure.attribute("url"), Some("episode.mp3"));
    let seconds: f64 = one(Some(ITUNES), "duration")
        .text()
        .and_then(|t| t.parse().ok())
        .expect("whole seconds");
    if have("ffprobe", &["-version"]) {
        let probed = ffprobe_ms(&mp3);
        assert!(
            (seconds * 1000.0 - probed).abs() <= 500.0,
            "{seconds} s, ffprobe {probed} ms"
        );
    }
    let chapters = one(Some(PODCAST), "chapters");
    assert_eq!(chapters.attribute("url"), Some("chapters.json"));
    assert_eq!(
        chapters.attribute("type"),
        Some("application/json+chapters")
    );
    let transcripts: Vec<_> = item
        .children()
        .filter(|n| n.has_tag_name((PODCAST, "transcript")))
        .map(|n| {
            (
                n.attribute("url").unwrap_or(""),
                n.attribute("type").unwrap_or(""),
            )
        })
        .collect();
    assert!(
        transcripts.contains(&("transcript.vtt", "text/vtt")),
        "{transcripts:?}"
    );
    assert!(
        transcripts.contains(&("transcript.json", "application/json")),
        "{transcripts:?}"
    );
    for (url, _) in &transcripts {
        assert!(out.join(url).is_file(), "{url} is written");
    }
    assert_eq!(one(None, "title").text(), Some("essay"));
    assert!(one(None, "guid")
        .text()
        .is_some_and(|g| g.starts_with("urn:uuid:")));
}

#[test]
fn base_url_makes_the_feeds_links_absolute_without_speaking() {
    let (sample, _) = sample_output();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    copy_dir(sample, &out);
    let script = sample_script();
    let summary = run(
        &root(),
        &[
            script.to_str().expect("UTF-8"),
            "-o",
            out.to_str().expect("UTF-8"),
            "--base-url",
            "https://example.com/north-korea/",
        ],
    );
    assert!(summary.contains("0 synthesized"), "{summary}");
    let xml = std::fs::read_to_string(out.join("episode.rss.xml")).expect("rss");
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let enclosure = doc
        .descendants()
        .find(|n| n.has_tag_name("enclosure"))
        .expect("an enclosure");
    assert_eq!(
        enclosure.attribute("url"),
        Some("https://example.com/north-korea/episode.mp3")
    );
    for url in doc.descendants().filter_map(|n| n.attribute("url")) {
        assert!(url.starts_with("https://example.com/north-korea/"), "{url}");
    }
}

#[test]
fn base_url_must_be_an_http_address_and_says_where_it_came_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.txt"), "One sentence.\n").expect("write");
    let out = narrate(dir.path())
        .args(["a.txt", "--base-url", "ftp://example.com/"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--base-url"), "{}", stderr(&out));
    std::fs::write(
        dir.path().join("narrate.toml"),
        "base-url = \"example.com\"\n",
    )
    .expect("write");
    let out = narrate(dir.path()).arg("a.txt").output().expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("narrate.toml"), "{}", stderr(&out));
    assert!(!dir.path().join("output").exists(), "nothing written");
}

const SHORT: &str =
    "The first paragraph is short. It has two sentences.\n\nThe second one has one.\n";

/// (name, bytes) of the read-along files and transcript.json in `out`, absent ones too.
fn read_along_files(out: &Path) -> Vec<(&'static str, Option<Vec<u8>>)> {
    [
        "read-along.html",
        "narration.epub",
        "episode.rss.xml",
        "transcript.json",
    ]
    .into_iter()
    .map(|name| (name, std::fs::read(out.join(name)).ok()))
    .collect()
}

/// (synthesized) from a run's summary.
fn synthesized(summary: &str) -> usize {
    let line = summary
        .lines()
        .find(|l| l.contains("synthesized"))
        .expect("a summary");
    let words: Vec<&str> = line.split_whitespace().collect();
    let i = words
        .iter()
        .position(|w| w.starts_with("synthesized"))
        .expect("synthesized");
    words[i - 1].parse().expect("a number")
}

#[test]
fn one_sentence_edit_rewrites_the_read_along_files_and_speaks_only_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("short.txt");
    std::fs::write(&script, SHORT).expect("write");
    run(dir.path(), &["short.txt"]);
    let out = dir.path().join("output");
    let before = read_along_files(&out);
    assert!(
        before.iter().all(|(_, b)| b.is_some()),
        "all four are written"
    );

    std::fs::write(&script, SHORT.replace("It has two", "It holds two")).expect("write");
    let summary = run(dir.path(), &["short.txt"]);
    assert_eq!(synthesized(&summary), 1, "{summary}");
    let after = read_along_files(&out);
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert_ne!(a, b, "{name} is rewritten");
    }
    let page = String::from_utf8(after[0].1.clone().unwrap_or_default()).expect("UTF-8");
    assert!(page.contains("It holds two sentences.") && !page.contains("It has two"));

    let summary = run(dir.path(), &["short.txt"]);
    assert_eq!(synthesized(&summary), 0);
    assert_eq!(
        read_along_files(&out),
        after,
        "a second run changes nothing"
    );
}

#[test]
fn switches_leave_out_the_page_and_the_epub_and_remove_narrates_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("short.txt"), SHORT).expect("write");
    let out = dir.path().join("output");
    let present = |name: &str| out.join(name).is_file();
    run(dir.path(), &["short.txt", "--no-read-along", "--no-epub"]);
    assert!(!present("read-along.html") && !present("narration.epub"));
    assert!(present("episode.rss.xml") && present("transcript.json"));
    let rss = std::fs::read_to_string(out.join("episode.rss.xml")).expect("rss");
    assert!(
        !rss.contains("read-along.html"),
        "no link to a page that is not there"
    );

    run(dir.path(), &["short.txt"]);
    assert!(present("read-along.html") && present("narration.epub"));
    std::fs::write(
        dir.path().join("narrate.toml"),
        "read-along = false\nepub = false\n",
    )
    .expect("write");
    run(dir.path(), &["short.txt"]);
    assert!(
        !present("read-along.html") && !present("narration.epub"),
        "removed"
    );
    run(dir.path(), &["short.txt", "--no-episode"]);
    assert!(
        !present("episode.rss.xml"),
        "no feed without a current episode"
    );
    assert!(present("episode.mp3"), "the earlier episode stays");
}

#[test]
fn a_read_along_file_narrate_did_not_write_is_refused_unless_switched_off() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("short.txt"), SHORT).expect("write");
    let out = dir.path().join("output");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("read-along.html"), "my own page").expect("write");
    let refused = narrate(dir.path()).arg("short.txt").output().expect("run");
    assert_eq!(refused.status.code(), Some(6), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("read-along.html"),
        "{}",
        stderr(&refused)
    );
    run(dir.path(), &["short.txt", "--no-read-along"]);
    assert_eq!(
        std::fs::read_to_string(out.join("read-along.html")).expect("read"),
        "my own page"
    );
    assert!(out.join("narration.epub").is_file());
}

/// The `dcterms:modified` of an EPUB's package document.
fn epub_modified(epub: &Path) -> String {
    let file = std::fs::File::open(epub).expect("epub");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut opf = String::new();
    let name = zip
        .file_names()
        .filter_map(Result::ok)
        .find(|n| n.ends_with(".opf"))
        .expect("a package document")
        .into_owned();
    zip.by_name(&name)
        .expect("opf")
        .read_to_string(&mut opf)
        .expect("UTF-8");
    let start = opf.find("dcterms:modified\">").expect("dcterms:modified") + 18;
    opf[start..start + 20].to_owned()
}

#[test]
fn dates_come_from_source_date_epoch_else_from_the_scripts_time_never_the_clock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("short.txt");
    std::fs::write(&script, SHORT).expect("write");
    let day = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_500_000_000);
    std::fs::File::options()
        .write(true)
        .open(&script)
        .and_then(|f| f.set_modified(day))
        .expect("set the script's time");
    let out = dir.path().join("output");
    let rss = || std::fs::read_to_string(out.join("episode.rss.xml")).expect("rss");

    // The tests' own SOURCE_DATE_EPOCH (2024-06-01T12:00:00Z).
    run(dir.path(), &["short.txt"]);
    assert!(
        rss().contains("<pubDate>Sat, 01 Jun 2024 12:00:00 +0000</pubDate>"),
        "{}",
        rss()
    );
    assert_eq!(
        epub_modified(&out.join("narration.epub")),
        "2024-06-01T12:00:00Z"
    );

    // Without it, the script's modification time (2017-07-14T02:40:00Z).
    let o = narrate(dir.path())
        .arg("short.txt")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        rss().contains("<pubDate>Fri, 14 Jul 2017 02:40:00 +0000</pubDate>"),
        "{}",
        rss()
    );
    assert_eq!(
        epub_modified(&out.join("narration.epub")),
        "2017-07-14T02:40:00Z"
    );

    // A malformed value is refused by name.
    let o = narrate(dir.path())
        .arg("short.txt")
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .expect("run");
    // An environment variable's value: bad usage, naming the variable.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("SOURCE_DATE_EPOCH"), "{}", stderr(&o));
}
