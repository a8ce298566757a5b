//! captions.vtt and captions.srt of the sample, as ffmpeg reads them: short cues that
//! cover each transcript sentence exactly, word for word and millisecond for millisecond.

use std::path::Path;
use std::process::Command;

use crate::common::sample_output;

/// A cue as (start ms, end ms, lines).
type Cue = (u64, u64, Vec<String>);

fn ms(clock: &str) -> u64 {
    let (hms, frac) = clock.trim().split_once([',', '.']).expect("a fraction");
    let secs = hms.split(':').fold(0, |acc, part| {
        acc * 60 + part.parse::<u64>().expect("a number")
    });
    secs * 1000 + frac.parse::<u64>().expect("milliseconds")
}

/// The cues of SubRip text.
fn parse_srt(text: &str) -> Vec<Cue> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut lines = block.trim_matches('\n').lines();
            lines.next().expect("a number");
            let (a, b) = lines
                .next()
                .and_then(|l| l.split_once(" --> "))
                .expect("a timing line");
            (ms(a), ms(b), lines.map(str::to_owned).collect())
        })
        .collect()
}

/// `file` converted to SubRip by ffmpeg, parsed.
fn ffmpeg_srt(file: &Path) -> Vec<Cue> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-f", "srt", "-"])
        .output()
        .expect("ffmpeg");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse_srt(&String::from_utf8(out.stdout).expect("utf-8"))
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn captions_are_two_short_lines_covering_each_sentence_exactly() {
    let (out, _) = sample_output();
    let transcript = parse_srt(&std::fs::read_to_string(out.join("transcript.srt")).expect("srt"));
    let ours = parse_srt(&std::fs::read_to_string(out.join("captions.srt")).expect("srt"));
    for file in ["captions.vtt", "captions.srt"] {
        let read = ffmpeg_srt(&out.join(file));
        assert_eq!(read.len(), ours.len(), "{file}");
        for (theirs, mine) in read.iter().zip(&ours) {
            assert_eq!((theirs.0, theirs.1), (mine.0, mine.1), "{file}");
            assert_eq!(
                words(&theirs.2.join(" ")),
                words(&mine.2.join(" ")),
                "{file}"
            );
        }
    }
    assert!(ours.len() > transcript.len(), "long sentences are cut");
    for (start, end, lines) in &ours {
        assert!(start < end, "{lines:?}");
        assert!((1..=2).contains(&lines.len()), "{lines:?}");
        for line in lines {
            let n = line.chars().count();
            assert!(n <= 42 || !line.contains(' '), "{n} characters: {line:?}");
        }
    }
    // Each sentence's words, in order, over consecutive captions that begin at its start,
    // end at its end and follow one another without a gap.
    let mut captions = ours.iter();
    for (start, end, text) in &transcript {
        let sentence = words(&text.join(" "));
        let mut got = Vec::new();
        let mut at = *start;
        while got.len() < sentence.len() {
            let (s, e, lines) = captions.next().expect("a caption for every word");
            assert_eq!(*s, at, "{lines:?} does not follow the caption before it");
            got.extend(words(&lines.join(" ")));
            at = *e;
        }
        assert_eq!(got, sentence);
        assert_eq!(at, *end, "the last caption of {sentence:?} ends with it");
    }
    assert!(captions.next().is_none());
}
