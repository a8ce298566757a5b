//! `captions.vtt` and `captions.srt`: caption-sized cues for players that show the words
//! as they are heard (video of the episode, web players, podcast apps).
//!
//! The transcripts keep one cue per sentence, which reads well as a transcript and badly
//! as a caption (a sentence can be 400 characters). Here each sentence is cut into pieces
//! of at most two lines of about 42 characters ([`split`]), and the sentence's time is
//! shared among its pieces by their letters and digits: speech time follows the spoken
//! characters closely enough for a caption, and the split needs no engine. The pieces of
//! a sentence are contiguous, start at its start and end at its end; every boundary is a
//! whole millisecond rounded once, so no two cues overlap. Text is escaped as in the
//! transcripts (`&amp;` in WebVTT, `-->` shortened in SubRip).

mod split;

use super::{fmt, srt, vtt, Listing, Program};

pub use split::WIDTH;

/// One caption: start and end in whole milliseconds, one or two lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caption {
    pub start: u64,
    pub end: u64,
    pub text: String,
}

/// Every caption of `program`, in order.
pub fn captions(program: &Program) -> Vec<Caption> {
    let mut out = Vec::new();
    for cue in program.cues() {
        let pieces = split::pieces(&fmt::one_line(&cue.text));
        let (start, end) = (
            fmt::millis(cue.start),
            fmt::millis(cue.end).max(fmt::millis(cue.start)),
        );
        let weights: Vec<u64> = pieces.iter().map(|p| weight(p)).collect();
        let total: u64 = weights.iter().sum();
        let mut before = 0;
        let mut from = start;
        for (piece, w) in pieces.into_iter().zip(weights) {
            before += w;
            // Rounded to nearest, once per boundary; the last boundary is the sentence's end.
            let to = start + ((end - start) * before * 2 + total) / (total * 2);
            out.push(Caption {
                start: from,
                end: to,
                text: piece,
            });
            from = to;
        }
    }
    out
}

/// How long `piece` takes to say, relatively: its letters and digits (at least one).
fn weight(piece: &str) -> u64 {
    let n = piece.chars().filter(|c| c.is_alphanumeric()).count();
    u64::try_from(n).unwrap_or(u64::MAX).max(1)
}

/// WebVTT captions.
#[derive(Clone, Copy, Debug, Default)]
pub struct CaptionVtt;

impl Listing for CaptionVtt {
    fn file_name(&self) -> &'static str {
        "captions.vtt"
    }

    fn description(&self) -> &'static str {
        "WebVTT captions, two short lines at a time, for video and web players"
    }

    fn render(&self, program: &Program) -> String {
        let mut out = String::from("WEBVTT\n");
        for (id, c) in (1..).zip(captions(program)) {
            out.push_str(&format!(
                "\n{id}\n{} --> {}\n{}\n",
                fmt::clock(c.start, '.'),
                fmt::clock(c.end, '.'),
                vtt::escape(&c.text),
            ));
        }
        out
    }
}

/// SubRip captions.
#[derive(Clone, Copy, Debug, Default)]
pub struct CaptionSrt;

impl Listing for CaptionSrt {
    fn file_name(&self) -> &'static str {
        "captions.srt"
    }

    fn description(&self) -> &'static str {
        "SubRip captions, two short lines at a time, for video editors and YouTube"
    }

    fn render(&self, program: &Program) -> String {
        let blocks: Vec<String> = (1..)
            .zip(captions(program))
            .map(|(number, c)| {
                let text: Vec<String> = c.text.split('\n').map(srt::text).collect();
                format!(
                    "{number}\n{} --> {}\n{}\n",
                    fmt::clock(c.start, ','),
                    fmt::clock(c.end, ','),
                    text.join("\n"),
                )
            })
            .collect();
        if blocks.is_empty() {
            return "\n".to_owned();
        }
        blocks.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::{fixture, Cue};
    use super::*;

    #[test]
    fn snapshots() {
        let program = long_program();
        insta::assert_snapshot!("vtt", CaptionVtt.render(&program));
        insta::assert_snapshot!("srt", CaptionSrt.render(&program));
    }

    /// The fixture with a long sentence added to its first track.
    fn long_program() -> Program {
        let mut program = fixture::program();
        let first = &mut program.tracks[0];
        let end = first.cues[1].end;
        first.cues[1].end = end - Duration::from_nanos(123_456_789);
        first.cues.push(Cue {
            text: "Every file narrate writes was read by independent tools, and all of them \
                   accept it; but a podcaster who publishes the result finds gaps — each one \
                   found by trying it as a new user would."
                .to_owned(),
            start: end - Duration::from_nanos(123_456_789),
            end,
        });
        program
    }

    #[test]
    fn pieces_share_their_sentence_contiguously() {
        let program = long_program();
        let captions = captions(&program);
        let mut i = 0;
        for cue in program.cues() {
            let pieces = split::pieces(&fmt::one_line(&cue.text));
            let mine = &captions[i..i + pieces.len()];
            i += pieces.len();
            if pieces.is_empty() {
                continue;
            }
            assert_eq!(mine[0].start, fmt::millis(cue.start));
            assert_eq!(mine[mine.len() - 1].end, fmt::millis(cue.end));
            for pair in mine.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
        }
        assert_eq!(i, captions.len());
        assert!(captions.iter().all(|c| c.start <= c.end));
        assert!(captions.windows(2).all(|w| w[0].end <= w[1].start));
        assert!(
            captions.len() > program.cues().count(),
            "the long sentence is cut"
        );
    }

    #[test]
    fn time_follows_the_spoken_characters() {
        let tracks = vec![super::super::Track {
            index: 1,
            file: "01.wav".to_owned(),
            title: String::new(),
            start: Duration::ZERO,
            duration: Duration::from_secs(10),
            loudness: None,
            cues: vec![Cue {
                // 20 + 80 letters: a fifth and four fifths of 10 s.
                text: format!("{}, {}.", "a".repeat(20), vec!["b".repeat(20); 4].join(" ")),
                start: Duration::from_secs(1),
                end: Duration::from_secs(11),
            }],
        }];
        let program = Program {
            title: String::new(),
            artist: String::new(),
            about: super::super::About::default(),
            chapters: super::super::Chapter::each(&tracks),
            tracks,
        };
        let captions = captions(&program);
        assert_eq!(captions.len(), 2, "{captions:?}");
        assert_eq!((captions[0].start, captions[0].end), (1000, 3000));
        assert_eq!((captions[1].start, captions[1].end), (3000, 11000));
    }

    #[test]
    fn srt_and_vtt_carry_the_same_cues() {
        let program = long_program();
        let vtt = CaptionVtt.render(&program);
        let srt = CaptionSrt.render(&program);
        let count = captions(&program).len();
        assert_eq!(vtt.matches(" --> ").count(), count);
        assert_eq!(srt.matches(" --> ").count(), count);
        assert!(
            !srt.contains("--> matters"),
            "arrows in the text are shortened"
        );
        assert!(vtt.contains("&amp;") && !vtt.contains("& "));
    }
}
