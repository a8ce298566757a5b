//! `transcript.srt`: SubRip captions, one cue per sentence, for video editors and
//! players that predate WebVTT.
//!
//! SubRip has no escapes: a blank line ends a cue, so the text is put on one line, and
//! readers find timing lines by `-->`, so a sentence's `-->` is written `->`. A sentence
//! with no text is left out so numbering stays gapless from 1. Times use a comma before
//! the milliseconds. Players render `<i>`-style tags in the text; it is left as written.

use super::{fmt, Listing, Program};

/// SubRip captions of every sentence.
#[derive(Clone, Copy, Debug, Default)]
pub struct SubRip;

impl Listing for SubRip {
    fn file_name(&self) -> &'static str {
        "transcript.srt"
    }

    fn description(&self) -> &'static str {
        "SubRip transcript for video editors and media players (VLC, mpv, YouTube)"
    }

    fn render(&self, program: &Program) -> String {
        let cues = program
            .cues()
            .map(|cue| (cue, text(&cue.text)))
            .filter(|(_, text)| !text.is_empty());
        let blocks: Vec<String> = (1..)
            .zip(cues)
            .map(|(number, (cue, text))| {
                format!(
                    "{number}\n{} --> {}\n{text}\n",
                    fmt::clock(fmt::millis(cue.start), ','),
                    fmt::clock(fmt::millis(cue.end), ','),
                )
            })
            .collect();
        if blocks.is_empty() {
            // An empty file would have no line end at all; one blank line is still empty.
            return "\n".to_owned();
        }
        blocks.join("\n")
    }
}

/// A sentence as SubRip can carry it: one line, no `-->`.
pub(super) fn text(sentence: &str) -> String {
    let mut line = fmt::one_line(sentence);
    while line.contains("-->") {
        line = line.replace("-->", "->");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(SubRip.render(&fixture::program()));
    }

    /// Every cue as (number, start, end, text), blocks split at blank lines.
    fn parse(text: &str) -> Vec<(usize, u64, u64, String)> {
        text.split("\n\n")
            .map(|block| {
                let lines: Vec<&str> = block.trim_end_matches('\n').lines().collect();
                assert_eq!(lines.len(), 3, "{block:?}");
                let (start, end) = lines[1].split_once(" --> ").expect("a timing line");
                let number = lines[0].parse().expect("a cue number");
                (
                    number,
                    fixture::parse_clock(start, ','),
                    fixture::parse_clock(end, ','),
                    lines[2].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn round_trips_to_the_millisecond() {
        let program = fixture::program();
        let cues = parse(&SubRip.render(&program));
        let expected: Vec<_> = program.cues().collect();
        assert_eq!(cues.len(), expected.len());
        for (i, (parsed, cue)) in cues.iter().zip(expected).enumerate() {
            assert_eq!(parsed.0, i + 1);
            assert_eq!(parsed.1, fmt::millis(cue.start));
            assert_eq!(parsed.2, fmt::millis(cue.end));
            assert_eq!(parsed.3, text(&cue.text));
            assert!(!parsed.3.contains("-->"));
        }
        assert!(cues
            .windows(2)
            .all(|w| w[0].1 <= w[1].1 && w[0].2 <= w[1].1));
    }

    #[test]
    fn arrows_in_text_are_shortened() {
        assert_eq!(text("a --> b ---> c"), "a -> b -> c");
        assert_eq!(text("a\n\nb"), "a b");
    }
}
