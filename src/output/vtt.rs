//! `transcript.vtt`: WebVTT captions, one cue per sentence, for web players (`<track>`)
//! and podcast apps that show transcripts.
//!
//! A cue's text must not hold a blank line (it would end the cue) nor `-->` (it would
//! read as a timing line), and `&`, `<`, `>` start markup: so the text is put on one line
//! and those three are written as `&amp;`, `&lt;`, `&gt;` (which also turns `-->` into
//! `--&gt;`). Cues are numbered from 1 as ids; a sentence with no text is left out.

use super::{fmt, Listing, Program};

/// WebVTT captions of every sentence.
#[derive(Clone, Copy, Debug, Default)]
pub struct WebVtt;

impl Listing for WebVtt {
    fn file_name(&self) -> &'static str {
        "transcript.vtt"
    }

    fn description(&self) -> &'static str {
        "WebVTT transcript for web players and podcast apps (<track>, podcast:transcript)"
    }

    fn render(&self, program: &Program) -> String {
        let mut out = String::from("WEBVTT\n");
        let cues = program
            .cues()
            .map(|cue| (cue, escape(&fmt::one_line(&cue.text))))
            .filter(|(_, text)| !text.is_empty());
        for (id, (cue, text)) in (1..).zip(cues) {
            out.push_str(&format!(
                "\n{id}\n{} --> {}\n{text}\n",
                fmt::clock(fmt::millis(cue.start), '.'),
                fmt::clock(fmt::millis(cue.end), '.'),
            ));
        }
        out
    }
}

/// `&`, `<` and `>` as character references.
pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(WebVtt.render(&fixture::program()));
    }

    fn unescape(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    /// Every cue as (id, start, end, text), blocks split at blank lines as WebVTT does.
    fn parse(text: &str) -> Vec<(String, u64, u64, String)> {
        let mut blocks = text.split("\n\n");
        assert_eq!(blocks.next(), Some("WEBVTT"));
        blocks
            .map(|block| {
                let lines: Vec<&str> = block.trim_end_matches('\n').lines().collect();
                assert_eq!(lines.len(), 3, "{block:?}");
                let (start, end) = lines[1].split_once(" --> ").expect("a timing line");
                let text = lines[2];
                assert!(!text.contains("-->") && !text.contains('<'), "{text}");
                let id = lines[0].to_owned();
                (
                    id,
                    fixture::parse_clock(start, '.'),
                    fixture::parse_clock(end, '.'),
                    unescape(text),
                )
            })
            .collect()
    }

    #[test]
    fn round_trips_to_the_millisecond() {
        let program = fixture::program();
        let cues = parse(&WebVtt.render(&program));
        let expected: Vec<_> = program.cues().collect();
        assert_eq!(cues.len(), expected.len());
        for (i, (parsed, cue)) in cues.iter().zip(expected).enumerate() {
            assert_eq!(parsed.0, (i + 1).to_string());
            assert_eq!(parsed.1, fmt::millis(cue.start));
            assert_eq!(parsed.2, fmt::millis(cue.end));
            assert_eq!(parsed.3, fmt::one_line(&cue.text));
        }
        assert!(cues
            .windows(2)
            .all(|w| w[0].1 <= w[1].1 && w[0].2 <= w[1].1));
    }

    #[test]
    fn empty_sentences_are_left_out() {
        let mut program = fixture::program();
        program.tracks[0].cues[0].text = " \n ".to_owned();
        let cues = parse(&WebVtt.render(&program));
        assert_eq!(cues.len(), 5);
        assert_eq!(cues[0].0, "1");
        assert_eq!(cues[0].3, "Nothing else --> matters.");
    }
}
