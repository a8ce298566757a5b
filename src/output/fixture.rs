//! A small program that trips every listing: quotes, commas, ampersands, angle brackets,
//! `-->`, format metacharacters, newlines, non-ASCII, times on a rounding half, a chapter
//! whose rounded start plus rounded duration differs from its rounded end, and one hour
//! crossed.

use std::time::Duration;

use super::{Chapter, Cue, Level, Program, Track};

fn ns(nanos: u64) -> Duration {
    Duration::from_nanos(nanos)
}

fn cue(text: &str, start: Duration, end: Duration) -> Cue {
    Cue {
        text: text.to_owned(),
        start,
        end,
    }
}

pub fn program() -> Program {
    // 1.0005 s: exactly on a half millisecond.
    let one = ns(1_000_500_000);
    // 2.3335 s: with `one` as start, start + duration rounds to 3.335, the end to 3.334.
    let two_start = one;
    let two_len = ns(2_333_500_000);
    let three_start = two_start + two_len;
    let three_len = ns(3_597_666_499_600);
    let half_hour = ns(1_800_000_000_000);
    let tracks = vec![
        Track {
            loudness: Some(Level {
                lufs: -19.04,
                true_peak: -1.23,
            }),
            index: 1,
            file: "01-it-is-abundantly-clear.wav".to_owned(),
            title: "It is \"abundantly\" clear, she said".to_owned(),
            start: Duration::ZERO,
            duration: one,
            cues: vec![
                cue(
                    "It is \"abundantly\" clear, she said.",
                    Duration::ZERO,
                    ns(400_499_600),
                ),
                cue("Nothing else --> matters.", ns(400_499_600), one),
            ],
        },
        Track {
            loudness: None,
            index: 2,
            file: "02-salt-pepper-now.wav".to_owned(),
            title: "Salt & pepper <b>now</b>".to_owned(),
            start: two_start,
            duration: two_len,
            cues: vec![
                cue(
                    "Salt & pepper <b>now</b>, & more.",
                    two_start,
                    ns(2_000_000_000),
                ),
                cue("Then\n\nsilence.", ns(2_000_000_000), three_start),
            ],
        },
        Track {
            loudness: None,
            index: 3,
            file: "03-cafe-creme-naive-true-1-back.wav".to_owned(),
            title: "Café crème:\nnaïve = true; #1 \\ back".to_owned(),
            start: three_start,
            duration: three_len,
            cues: vec![
                cue(
                    "Café crème: naïve = true; #1 \\ back.",
                    three_start,
                    half_hour,
                ),
                cue("Fin — « voilà ».", half_hour, three_start + three_len),
            ],
        },
    ];
    Program {
        title: "Essays, \"Collected\" & More".to_owned(),
        artist: "Ann \"Nan\" O'Neil; #1 = best".to_owned(),
        about: super::About::default(),
        chapters: Chapter::each(&tracks),
        tracks,
    }
}

/// [`program`] as a script with sections: the first file is a chapter, the second and
/// third are the second chapter.
pub fn sections() -> Program {
    let mut program = program();
    program.tracks[1].title = "Second (1/2)".to_owned();
    program.tracks[2].title = "Second (2/2)".to_owned();
    let opens = [
        Some("It is \"abundantly\" clear, she said"),
        Some("Second"),
        None,
    ];
    program.chapters = Chapter::from_tracks(&program.tracks, opens);
    program
}

/// `hh:mm:ss` plus a three-digit fraction after `sep` (`.` in WebVTT, `,` in SubRip), back
/// to milliseconds.
pub fn parse_clock(text: &str, sep: char) -> u64 {
    let (clock, frac) = text.split_once(sep).expect("a fraction");
    assert_eq!(frac.len(), 3, "{text}");
    let secs = clock
        .split(':')
        .map(|p| p.parse::<u64>().expect("a number"))
        .fold(0, |acc, p| acc * 60 + p);
    secs * 1000 + frac.parse::<u64>().expect("milliseconds")
}
