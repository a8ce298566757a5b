//! ACX's requirements at their limits, the chapter files' names and what their hash holds.

use std::collections::BTreeSet;

use super::*;
use crate::render::manifest::ParagraphEntry;

/// A chapter file that meets every requirement.
fn good() -> Measured {
    Measured {
        sample_rate: 44_100,
        channels: 1,
        kbps: BTreeSet::from([192]),
        frames: 1000,
        seconds: 600.0,
        rms_db: -20.0,
        peak_db: -4.0,
        noise_floor_db: f64::NEG_INFINITY,
        head: 0.75,
        tail: 2.0,
    }
}

/// The requirement that asks `starts`, for `files`.
fn requirement(files: &[(String, Measured)], starts: &str) -> Requirement {
    let all = requirements(files);
    assert_eq!(all.len(), 9);
    all.into_iter()
        .find(|r| r.asks.starts_with(starts))
        .unwrap_or_else(|| panic!("no requirement {starts}"))
}

/// Whether the requirement `starts` holds for one file changed by `change`.
fn holds(starts: &str, change: impl Fn(&mut Measured)) -> bool {
    let mut m = good();
    change(&mut m);
    let r = requirement(&[("acx-1-a.mp3".to_owned(), m)], starts);
    assert_eq!(r.holds, r.failing.is_empty(), "{r:?}");
    r.holds
}

#[test]
fn a_file_meeting_every_requirement_passes_them_all_and_says_what_it_has() {
    let files = vec![("acx-1-a.mp3".to_owned(), good())];
    let found: Vec<(bool, String)> = requirements(&files)
        .into_iter()
        .map(|r| (r.holds, r.found))
        .collect();
    let expected = [
        "-20.0 dB",
        "-4.0 dB",
        "-inf (digital silence) dB",
        "0.75 s",
        "2.00 s",
        "192 kbps",
        "44100 Hz",
        "mono",
        "10.0 min",
    ];
    assert_eq!(
        found,
        expected
            .iter()
            .map(|f| (true, (*f).to_owned()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn each_level_holds_up_to_its_limit_and_fails_past_it() {
    assert!(holds("RMS", |m| m.rms_db = -23.0));
    assert!(holds("RMS", |m| m.rms_db = -18.0));
    assert!(!holds("RMS", |m| m.rms_db = -23.05));
    assert!(!holds("RMS", |m| m.rms_db = -17.95));
    assert!(holds("peaks", |m| m.peak_db = -3.0));
    assert!(!holds("peaks", |m| m.peak_db = -2.95));
    assert!(holds("noise", |m| m.noise_floor_db = -60.0));
    assert!(!holds("noise", |m| m.noise_floor_db = -59.95));
}

#[test]
fn room_tone_holds_within_its_seconds_at_head_and_tail() {
    assert!(holds("room tone 0.5", |m| m.head = 0.5));
    assert!(holds("room tone 0.5", |m| m.head = 1.0));
    assert!(!holds("room tone 0.5", |m| m.head = 0.49));
    assert!(!holds("room tone 0.5", |m| m.head = 1.01));
    assert!(holds("room tone 1 to", |m| m.tail = 1.0));
    assert!(holds("room tone 1 to", |m| m.tail = 5.0));
    assert!(!holds("room tone 1 to", |m| m.tail = 0.99));
    assert!(!holds("room tone 1 to", |m| m.tail = 5.01));
}

#[test]
fn the_format_holds_only_at_a_constant_192_kbps_or_more_at_44_1_khz_for_two_hours() {
    assert!(holds("MP3", |m| m.kbps = BTreeSet::from([320])));
    assert!(!holds("MP3", |m| m.kbps = BTreeSet::from([160])));
    assert!(!holds("MP3", |m| m.kbps = BTreeSet::from([192, 256])));
    assert!(!holds("MP3", |m| m.kbps = BTreeSet::new()));
    assert!(!holds("44.1", |m| m.sample_rate = 48_000));
    assert!(holds("at most 120", |m| m.seconds = 7200.0));
    assert!(!holds("at most 120", |m| m.seconds = 7200.5));
}

#[test]
fn a_failing_requirement_names_the_files_and_the_range_of_what_they_have() {
    let mut loud = good();
    loud.rms_db = -17.0;
    let mut quiet = good();
    quiet.rms_db = -19.04;
    let files = vec![
        ("acx-1-a.mp3".to_owned(), good()),
        ("acx-2-b.mp3".to_owned(), loud),
        ("acx-3-c.mp3".to_owned(), quiet),
    ];
    let rms = requirement(&files, "RMS");
    assert!(!rms.holds);
    assert_eq!(rms.failing, vec!["acx-2-b.mp3".to_owned()]);
    assert_eq!(rms.found, "-20.0 to -17.0 dB");
    let mut vbr = good();
    vbr.kbps = BTreeSet::from([192, 224]);
    let files = vec![
        ("acx-1-a.mp3".to_owned(), good()),
        ("acx-2-b.mp3".to_owned(), vbr),
    ];
    let format = requirement(&files, "MP3");
    assert_eq!(format.found, "192, 224 kbps");
    assert_eq!(format.failing, vec!["acx-2-b.mp3".to_owned()]);
}

#[test]
fn files_are_all_mono_or_all_stereo() {
    let channels = |of: &[u32]| {
        let files: Vec<(String, Measured)> = of
            .iter()
            .enumerate()
            .map(|(i, &channels)| (format!("acx-{i}.mp3"), Measured { channels, ..good() }))
            .collect();
        let r = requirement(&files, "all mono");
        (r.holds, r.found)
    };
    assert_eq!(channels(&[1, 1]), (true, "mono".to_owned()));
    assert_eq!(channels(&[2, 2]), (true, "stereo".to_owned()));
    assert_eq!(channels(&[1, 2]), (false, "mono and stereo".to_owned()));
}

#[test]
fn only_narrates_chapter_mp3s_are_chapter_files() {
    assert!(is_chapter_file("acx-01-the-title.mp3"));
    assert!(!is_chapter_file("acx-01-the-title.wav"));
    assert!(!is_chapter_file("01-acx.mp3"));
    assert!(!is_chapter_file("episode.mp3"));
}

fn paragraph(index: usize, chapter: Option<&str>, hash: &str) -> ParagraphEntry {
    let stamp = FileStamp {
        hash: hash.to_owned(),
        ..FileStamp::default()
    };
    ParagraphEntry {
        index,
        file: format!("{index:02}-p.wav"),
        title: format!("Paragraph {index}"),
        chapter: chapter.map(str::to_owned),
        hash: hash.to_owned(),
        stamp,
        frames: 44_100,
        loudness: None,
        sentences: Vec::new(),
    }
}

fn manifest(paragraphs: Vec<ParagraphEntry>) -> Manifest {
    Manifest {
        format: crate::render::manifest::FORMAT,
        generator: "test".into(),
        title: "The Talk".into(),
        sample_rate: 22_050,
        paragraphs,
        stale: Vec::new(),
        episode: None,
        listings: Default::default(),
    }
}

#[test]
fn a_chapter_file_holds_its_sections_paragraphs_and_is_named_after_it() {
    let m = manifest(vec![
        paragraph(1, Some("Opening"), "a"),
        paragraph(2, None, "b"),
        paragraph(3, Some("The Second Part"), "c"),
    ]);
    let files = chapter_files(&m);
    assert_eq!(
        files,
        vec![
            ChapterFile {
                name: "acx-01-opening.mp3".into(),
                title: "Opening".into(),
                paragraphs: 0..2,
            },
            ChapterFile {
                name: "acx-02-the-second-part.mp3".into(),
                title: "The Second Part".into(),
                paragraphs: 2..3,
            },
        ]
    );
}

fn segments(kbps: u32) -> Segments {
    Segments::new("s".into(), "t".into(), 22_050, 44_100, kbps).expect("a format")
}

#[test]
fn room_tone_adds_whole_frames_to_the_paragraphs_own_head_and_tail() {
    let segments = segments(192);
    let frame = 1152.0 / 44_100.0;
    let layout = |head: f64, tail: f64| Layout {
        head: Duration::from_secs_f64(head),
        tail: Duration::from_secs_f64(tail),
        ..Layout::default()
    };
    let want = |secs: f64| (secs / frame).ceil() as u64;
    assert_eq!(room(&layout(0.0, 0.0), &segments), (want(0.75), want(2.0)));
    assert_eq!(room(&layout(0.25, 1.5), &segments), (want(0.5), want(0.5)));
    // A paragraph head or tail longer than the aim adds nothing.
    assert_eq!(room(&layout(1.0, 3.0), &segments), (0, 0));
}

#[test]
fn a_chapter_files_hash_changes_with_everything_that_goes_into_it() {
    let m = manifest(vec![
        paragraph(1, Some("One"), "a"),
        paragraph(2, Some("Two"), "b"),
    ]);
    let files = chapter_files(&m);
    let s192 = segments(192);
    let base = chapter_hash(&m, "Ann", &files[0], (1, 2), (30, 70), &s192);
    assert_eq!(
        base,
        chapter_hash(&m, "Ann", &files[0], (1, 2), (30, 70), &s192)
    );
    let mut retitled = m.clone();
    retitled.title = "Another Talk".into();
    let mut edited = m.clone();
    edited.paragraphs[0].stamp.hash = "z".into();
    let mut renamed = files[0].clone();
    renamed.title = "Uno".into();
    let changed = [
        chapter_hash(&m, "Ann", &files[1], (1, 2), (30, 70), &s192),
        chapter_hash(&m, "Bob", &files[0], (1, 2), (30, 70), &s192),
        chapter_hash(&m, "Ann", &files[0], (1, 3), (30, 70), &s192),
        chapter_hash(&m, "Ann", &files[0], (1, 2), (31, 70), &s192),
        chapter_hash(&m, "Ann", &files[0], (1, 2), (30, 70), &segments(256)),
        chapter_hash(&retitled, "Ann", &files[0], (1, 2), (30, 70), &s192),
        chapter_hash(&edited, "Ann", &files[0], (1, 2), (30, 70), &s192),
        chapter_hash(&m, "Ann", &renamed, (1, 2), (30, 70), &s192),
    ];
    for (i, hash) in changed.iter().enumerate() {
        assert_ne!(*hash, base, "change {i}");
    }
    // A paragraph of the other chapter is not in it.
    let mut other = m.clone();
    other.paragraphs[1].stamp.hash = "y".into();
    assert_eq!(
        base,
        chapter_hash(&other, "Ann", &files[0], (1, 2), (30, 70), &s192)
    );
}
