//! Every listing that writes chapter times, read back and compared: they must agree with
//! each other, with [`fmt::spans`] (which the MP3's CHAP frames use) and be contiguous,
//! on programs whose boundaries fall on half milliseconds (where rounding a start and a
//! duration separately gives an end one millisecond off the next start).

use std::time::Duration;

use super::{fixture, fmt, Book, Chapter, Listing, Program, Span, Track};
use super::{ChapterTable, CueSheet, FfMetadata, JsonChapters, Playlist};

/// Chapters of 1.0005 s each, then one of 2.0004999 s: every join on a half millisecond.
fn halves() -> Program {
    let lengths = [1_000_500_000, 1_000_500_000, 1_000_500_000, 2_000_499_900];
    let mut start = Duration::ZERO;
    let tracks: Vec<Track> = lengths
        .iter()
        .enumerate()
        .map(|(i, &nanos)| {
            let duration = Duration::from_nanos(nanos);
            let track = Track {
                index: i + 1,
                file: format!("{:02}-x.wav", i + 1),
                title: format!("Chapter {}", i + 1),
                start,
                duration,
                cues: Vec::new(),
                loudness: None,
            };
            start += duration;
            track
        })
        .collect();
    Program {
        title: "Halves".to_owned(),
        artist: String::new(),
        about: super::About::default(),
        chapters: Chapter::each(&tracks),
        tracks,
    }
}

/// `12.345` (seconds with up to three decimals) to milliseconds.
fn seconds(text: &str) -> u64 {
    let (whole, frac) = text.split_once('.').unwrap_or((text, "0"));
    assert!(frac.len() <= 3, "{text}");
    format!("{whole}{frac:0<3}").parse().expect("seconds")
}

/// `h:mm:ss.mmm` or `m:ss.mmm` to milliseconds.
fn clock(text: &str) -> u64 {
    let (clock, frac) = text.split_once('.').expect("a fraction");
    let secs = clock
        .split(':')
        .map(|p| p.parse::<u64>().expect("a number"))
        .fold(0, |acc, p| acc * 60 + p);
    secs * 1000 + frac.parse::<u64>().expect("milliseconds")
}

/// Starts and durations in order, as one list of spans.
fn from_lengths(pairs: impl Iterator<Item = (u64, u64)>) -> Vec<(u64, u64)> {
    pairs
        .map(|(start, length)| (start, start + length))
        .collect()
}

fn json(program: &Program) -> Vec<(u64, u64)> {
    let value: serde_json::Value =
        serde_json::from_str(&JsonChapters.render(program)).expect("valid JSON");
    value["chapters"]
        .as_array()
        .expect("chapters")
        .iter()
        .map(|c| {
            (
                seconds(&c["startTime"].to_string()),
                seconds(&c["endTime"].to_string()),
            )
        })
        .collect()
}

fn ffmetadata(program: &Program) -> Vec<(u64, u64)> {
    let text = FfMetadata.render(program);
    let value = |key: &str| -> Vec<u64> {
        text.lines()
            .filter_map(|l| l.strip_prefix(key))
            .map(|v| v.parse().expect("ms"))
            .collect()
    };
    value("START=").into_iter().zip(value("END=")).collect()
}

fn cue(program: &Program) -> Vec<(u64, u64)> {
    let text = CueSheet.render(program);
    let value = |key: &str| -> Vec<u64> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix(key))
            .map(seconds)
            .collect()
    };
    from_lengths(value("REM START ").into_iter().zip(value("REM DURATION ")))
}

fn txt(program: &Program) -> Vec<(u64, u64)> {
    let text = ChapterTable.render(program);
    from_lengths(
        text.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .filter(|w| w.first().is_some_and(|n| n.parse::<usize>().is_ok()))
            .map(|w| (clock(w[1]), clock(w[2]))),
    )
}

/// The playlist has lengths only: the files played one after another.
fn playlist(program: &Program) -> Vec<(u64, u64)> {
    let mut start = 0;
    Playlist
        .render(program)
        .lines()
        .filter_map(|l| l.strip_prefix("#EXTINF:"))
        .map(|info| {
            let length = seconds(info.split(',').next().unwrap_or(""));
            start += length;
            (start - length, start)
        })
        .collect()
}

fn book(program: &Program) -> Vec<(u64, u64)> {
    Book::new(program)
        .sections
        .iter()
        .map(|s| (s.start, s.end))
        .collect()
}

/// Reads one listing's chapter spans back from what it renders.
type Reader = fn(&Program) -> Vec<(u64, u64)>;

/// Checks that `spans` are contiguous and each boundary is rounded once from `items`.
fn contiguous<S: Span>(items: &[S], spans: &[(u64, u64)]) {
    // Each boundary rounded once, as the MP3's CHAP frames round start and end.
    for (item, span) in items.iter().zip(spans) {
        assert_eq!(*span, (fmt::millis(item.start()), fmt::millis(item.end())));
    }
    for pair in spans.windows(2) {
        assert_eq!(pair[0].1, pair[1].0, "{spans:?}");
    }
}

fn check(program: &Program) {
    let chapters = fmt::spans(&program.chapters);
    let tracks = fmt::spans(&program.tracks);
    contiguous(&program.chapters, &chapters);
    contiguous(&program.tracks, &tracks);
    // A chapter starts where its first track starts and ends where its last one ends.
    for (chapter, span) in program.chapters.iter().zip(&chapters) {
        let first = tracks[chapter.tracks.start];
        let last = tracks[chapter.tracks.end - 1];
        assert_eq!(*span, (first.0, last.1), "chapter {}", chapter.number);
    }
    let per_chapter: [(&str, Reader); 3] = [
        ("chapters.json", json),
        ("chapters.ffmetadata", ffmetadata),
        ("read-along sections", book),
    ];
    for (name, read) in per_chapter {
        assert_eq!(read(program), chapters, "{name}");
    }
    let per_track: [(&str, Reader); 3] = [
        ("chapters.cue", cue),
        ("chapters.txt", txt),
        ("playlist.m3u8", playlist),
    ];
    for (name, read) in per_track {
        assert_eq!(read(program), tracks, "{name}");
    }
    let total = program.tracks.last().map_or(0, |c| fmt::millis(c.end()));
    assert_eq!(fmt::end(&program.chapters), total);
    assert_eq!(fmt::end(&program.tracks), total);
}

#[test]
fn every_listing_writes_contiguous_chapters_identical_to_the_millisecond() {
    check(&halves());
    check(&fixture::program());
    check(&fixture::sections());
    let mut grouped = halves();
    let opens = [Some("A"), None, Some("B"), None];
    grouped.chapters = Chapter::from_tracks(&grouped.tracks, opens);
    assert_eq!(grouped.chapters.len(), 2);
    check(&grouped);
}

#[test]
fn spans_put_each_chapter_end_on_the_next_start() {
    // Rounded separately, 1.0005 + 1.0005 would end at 2.002 while the next starts at 2.001.
    let spans = fmt::spans(&halves().chapters);
    assert_eq!(spans, [(0, 1001), (1001, 2001), (2001, 3002), (3002, 5002)]);
}
