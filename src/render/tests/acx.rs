//! ACX's chapter files: written beside the episode, kept while their chapter is unchanged,
//! removed when ACX is off, and never written over when narrate did not write them.

use std::path::Path;

use super::{run_with, settings, Fake, SCRIPT};
use crate::audio::loudness::Preset;
use crate::config::Settings;
use crate::error::Error;
use crate::text::normalize::Lexicon;

const NAMES: [&str; 3] = [
    "acx-01-first-paragraph-here-it-has-two.mp3",
    "acx-02-second-paragraph-is-short.mp3",
    "acx-03-third-paragraph-talks-and-talks-and.mp3",
];

fn acx(out: &Path) -> Settings {
    let mut settings = settings(out);
    settings.master.loudness = Preset::Acx;
    settings.master.bitrate = 192;
    settings.credits.artist = Some("Ann Author".into());
    settings
}

/// The text of each ID3 frame `ids` of the chapter file `name`.
fn tags(out: &Path, name: &str, ids: &[&str]) -> Vec<Option<String>> {
    use id3::TagLike;
    let tag = id3::Tag::read_from_path(out.join(name)).expect("an ID3 tag");
    ids.iter()
        .map(|id| {
            let frame = tag.get(id)?;
            frame.content().text().map(str::to_owned)
        })
        .collect()
}

fn chapter_files(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("acx-"))
        .collect();
    names.sort();
    names
}

fn manifest_title(out: &Path) -> String {
    super::load_manifest(out).title
}

fn bytes(out: &Path, name: &str) -> Vec<u8> {
    std::fs::read(out.join(name)).expect("a chapter file")
}

#[test]
fn each_chapter_gets_a_file_that_is_written_again_only_when_its_chapter_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    let lexicon = Lexicon::default();
    let s = run_with(&acx(out), SCRIPT, &mut Fake::default(), &lexicon).expect("render");
    assert_eq!(chapter_files(out), NAMES);
    assert_eq!(s.acx_written, 3);
    let measured: Vec<&str> = s.acx.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(measured, NAMES);
    // Each file is its paragraph's MP3 frames between whole frames of silence that make
    // the paragraph's own head 0.75 s and its tail 2 s.
    let manifest = super::load_manifest(out);
    let layout = acx(out).layout;
    let frame = 1152.0 / 44_100.0;
    let room = |aim: f64, has: std::time::Duration| ((aim - has.as_secs_f64()) / frame).ceil();
    let room = room(0.75, layout.head) as u64 + room(2.0, layout.tail) as u64;
    for ((name, m), p) in s.acx.iter().zip(&manifest.paragraphs) {
        assert_eq!((m.sample_rate, m.channels), (44_100, 1), "{name}");
        assert_eq!(m.kbps.iter().copied().collect::<Vec<_>>(), [192], "{name}");
        let paragraph = p.frames * 44_100 / u64::from(manifest.sample_rate) / 1152;
        assert_eq!(m.frames, paragraph + room, "{name}");
        assert!((0.74..0.85).contains(&m.head), "{name}: head {}", m.head);
    }
    let ids = ["TIT2", "TPE1", "TALB", "TRCK"];
    let title = manifest_title(out);
    assert_eq!(
        tags(out, NAMES[1], &ids),
        [
            Some("Second paragraph is short.".to_owned()),
            Some("Ann Author".to_owned()),
            Some(title),
            Some("2/3".to_owned()),
        ]
    );
    let before: Vec<Vec<u8>> = NAMES.iter().map(|n| bytes(out, n)).collect();
    let entry = manifest.episode.expect("the episode");
    assert_eq!(entry.chapters.keys().collect::<Vec<_>>(), NAMES);
    for name in NAMES {
        assert!(entry.files.contains_key(name), "{name} is narrate's");
    }

    // An edit of the second paragraph writes only its chapter's file.
    let edited = SCRIPT.replace("is short.", "is rather short.");
    let s = run_with(&acx(out), &edited, &mut Fake::default(), &lexicon).expect("render");
    assert_eq!(s.acx_written, 1);
    assert_eq!(s.acx.len(), 3, "every file is measured");
    let after: Vec<String> = chapter_files(out);
    assert_eq!(after[0], NAMES[0]);
    assert_eq!(after[2], NAMES[2]);
    assert_eq!(bytes(out, NAMES[0]), before[0]);
    assert_eq!(bytes(out, NAMES[2]), before[2]);
    assert_ne!(bytes(out, &after[1]), before[1]);

    // A chapter file damaged on disk is written again, the others kept.
    std::fs::write(out.join(NAMES[0]), b"not an mp3").expect("damage");
    let s = run_with(&acx(out), &edited, &mut Fake::default(), &lexicon).expect("render");
    assert_eq!(s.acx_written, 1);
    assert_eq!(bytes(out, NAMES[0]), before[0]);

    // Another artist is in every file's tag.
    let mut bob = acx(out);
    bob.credits.artist = Some("Bob".into());
    let s = run_with(&bob, &edited, &mut Fake::default(), &lexicon).expect("render");
    assert_eq!(s.acx_written, 3);

    // Without ACX, the chapter files go.
    run_with(&settings(out), &edited, &mut Fake::default(), &lexicon).expect("render");
    assert_eq!(chapter_files(out), Vec::<String>::new());
}

#[test]
fn a_chapter_file_narrate_did_not_write_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    std::fs::write(out.join(NAMES[1]), b"mine").expect("a file of the user's");
    let result = run_with(&acx(out), SCRIPT, &mut Fake::default(), &Lexicon::default());
    match result {
        Err(Error::Output { path, .. }) => assert_eq!(path, out.join(NAMES[1])),
        other => panic!("{other:?}"),
    }
    assert_eq!(bytes(out, NAMES[1]), b"mine");
}
