//! Chapter listings, playlists, transcripts and captions, all rendered from one [`Program`].
//!
//! A [`Track`] is a paragraph file; a [`Chapter`] is what a listener navigates by: a section
//! of the script (its heading and the files under it), or one file in a script without
//! sections. Per-file listings (the playlist, the CUE sheet, the table) list the tracks,
//! titled with their chapter; the chapter listings and the MP3's chapters list the
//! chapters. Times are positions in the whole program, as if the paragraph files were
//! played one after another. Each format is one [`Listing`]; they
//! only format, they never touch the disk. One file per format, so each stays small and
//! its quirks (escaping, rounding, limits) are documented where they are handled; all
//! times go through [`fmt`] so every listing agrees to the millisecond.
//!
//! The read-along formats ([`readalong`], [`epub`], [`rss`]) need more than a listing:
//! what is known of the work ([`Metadata`]) and the episode, so they are functions of a
//! [`Book`] (the program as sections, paragraphs and sentences) rather than [`Listing`]s.

#[cfg(test)]
mod agree;
pub mod book;
pub mod captions;
mod cue;
pub mod epub;
mod ffmetadata;
#[cfg(test)]
mod fixture;
pub mod fmt;
pub mod image;
mod json;
mod m3u8;
mod markup;
pub mod naming;
pub mod readalong;
pub mod rss;
mod srt;
mod transcript;
mod txt;
mod vtt;

use std::time::Duration;

pub use book::{Book, Metadata};
pub use captions::{CaptionSrt, CaptionVtt};
pub use cue::CueSheet;
pub use ffmetadata::FfMetadata;
pub use json::JsonChapters;
pub use m3u8::Playlist;
pub use naming::{file_name, slug, title_from_text};
pub use srt::SubRip;
pub use transcript::JsonTranscript;
pub use txt::ChapterTable;
pub use vtt::WebVtt;

/// The whole narration, as the listings see it.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// Title of the whole narration (front matter, else the script's file stem).
    pub title: String,
    /// Who is credited (config `artist`, else front matter `author`); empty when unknown.
    pub artist: String,
    /// The rest of what is known of the episode.
    pub about: About,
    /// The paragraph files, in order.
    pub tracks: Vec<Track>,
    /// The chapters, in order; together they span the tracks, each from its first track's
    /// start to its last one's end.
    pub chapters: Vec<Chapter>,
}

/// A chapter: consecutive tracks under one title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// 1-based position.
    pub number: usize,
    pub title: String,
    /// The tracks it spans (indexes into [`Program::tracks`]); never empty.
    pub tracks: std::ops::Range<usize>,
    /// Start in the whole program: its first track's.
    pub start: Duration,
    /// Up to its last track's end.
    pub duration: Duration,
}

/// The episode's metadata besides its title and artist; each listing writes the fields it
/// has a place for, and leaves out what is unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct About {
    /// The show the episode belongs to.
    pub album: Option<String>,
    /// ISO 8601: `2024` or `2024-03-05`.
    pub date: Option<String>,
    pub genre: Option<String>,
    pub description: Option<String>,
    /// The episode's number in its show.
    pub track: Option<u32>,
}

/// One paragraph file.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    /// 1-based position.
    pub index: usize,
    /// File name relative to the output folder, e.g. `01-it-is-abundantly-clear.wav`.
    pub file: String,
    /// Its title as a file: its chapter's, with its place in it when the chapter spans
    /// several files (`How a Barrage Works (2/3)`).
    pub title: String,
    /// Start in the whole program.
    pub start: Duration,
    /// Exact length of the file (frames / sample rate).
    pub duration: Duration,
    /// One cue per sentence, times in the whole program.
    pub cues: Vec<Cue>,
    /// Measured loudness of the file, if it was normalized.
    pub loudness: Option<Level>,
}

/// A file's measured loudness.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Level {
    /// Integrated loudness, LUFS.
    pub lufs: f64,
    /// True peak, dBTP.
    pub true_peak: f64,
}

/// A stretch of the program: a [`Track`] or a [`Chapter`].
pub trait Span {
    fn start(&self) -> Duration;
    fn duration(&self) -> Duration;
    fn end(&self) -> Duration {
        self.start() + self.duration()
    }
}

impl Span for Track {
    fn start(&self) -> Duration {
        self.start
    }
    fn duration(&self) -> Duration {
        self.duration
    }
}

impl Span for Chapter {
    fn start(&self) -> Duration {
        self.start
    }
    fn duration(&self) -> Duration {
        self.duration
    }
}

impl Chapter {
    /// The chapters of `tracks` where each track in `opens` starts one, titled `title` (the
    /// first track always starts one).
    pub fn from_tracks<'a>(
        tracks: &[Track],
        opens: impl IntoIterator<Item = Option<&'a str>>,
    ) -> Vec<Chapter> {
        let mut chapters: Vec<Chapter> = Vec::new();
        for (i, (track, opens)) in tracks.iter().zip(opens).enumerate() {
            match (chapters.last_mut(), opens) {
                (Some(chapter), None) => {
                    chapter.tracks.end = i + 1;
                    chapter.duration = track.end() - chapter.start;
                }
                (_, title) => chapters.push(Chapter {
                    number: chapters.len() + 1,
                    title: title.unwrap_or(&track.title).to_owned(),
                    tracks: i..i + 1,
                    start: track.start,
                    duration: track.duration,
                }),
            }
        }
        chapters
    }

    /// One chapter per track, titled as the track: a script without sections.
    pub fn each(tracks: &[Track]) -> Vec<Chapter> {
        let titles: Vec<&str> = tracks.iter().map(|t| t.title.as_str()).collect();
        Chapter::from_tracks(tracks, titles.into_iter().map(Some))
    }
}

/// A sentence as written and when it is heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    pub text: String,
    pub start: Duration,
    pub end: Duration,
}

/// One listing format.
///
/// `render` is pure and total: any [`Program`] gives a well-formed file. Titles and cue
/// texts are put on one line ([`fmt::one_line`]) and escaped as the format requires.
pub trait Listing {
    /// File name in the output folder.
    fn file_name(&self) -> &'static str;
    /// Who reads it, in a few words (for `--help` and the README).
    fn description(&self) -> &'static str;
    /// The file's whole content: UTF-8, LF line ends, ending with a newline.
    fn render(&self, program: &Program) -> String;
}

/// Every listing narrate writes, in the order they are written. New ones go at the end:
/// a manifest of the first format implies the first seven (`render::session`).
pub fn all() -> Vec<Box<dyn Listing>> {
    vec![
        Box::new(ChapterTable),
        Box::new(Playlist),
        Box::new(JsonChapters),
        Box::new(CueSheet),
        Box::new(FfMetadata),
        Box::new(WebVtt),
        Box::new(SubRip),
        Box::new(JsonTranscript),
        Box::new(CaptionVtt),
        Box::new(CaptionSrt),
    ]
}

impl Program {
    /// End of the last chapter (zero without chapters).
    pub fn end(&self) -> Duration {
        self.tracks.last().map_or(Duration::ZERO, Span::end)
    }

    /// Every sentence cue, track after track.
    pub fn cues(&self) -> impl Iterator<Item = &Cue> {
        self.tracks.iter().flat_map(|c| c.cues.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listing_has_its_own_file_name() {
        let mut names: Vec<&str> = all().iter().map(|l| l.file_name()).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert_eq!(count, 10);
    }

    #[test]
    fn every_listing_renders_an_empty_program() {
        let program = Program {
            title: String::new(),
            artist: String::new(),
            about: About::default(),
            tracks: Vec::new(),
            chapters: Vec::new(),
        };
        for listing in all() {
            let text = listing.render(&program);
            assert!(text.ends_with('\n'), "{}", listing.file_name());
            assert!(!listing.description().is_empty());
        }
    }

    #[test]
    fn chapters_span_the_tracks_from_each_opening_one_to_the_next() {
        let program = fixture::sections();
        let spans: Vec<(usize, &str, std::ops::Range<usize>)> = (program.chapters.iter())
            .map(|c| (c.number, c.title.as_str(), c.tracks.clone()))
            .collect();
        assert_eq!(
            spans,
            [
                (1, "It is \"abundantly\" clear, she said", 0..1),
                (2, "Second", 1..3),
            ]
        );
        let second = &program.chapters[1];
        assert_eq!(second.start, program.tracks[1].start);
        assert_eq!(second.end(), program.tracks[2].end());
        assert_eq!(second.end(), program.end());
        // Without sections, one chapter per track, titled as the track.
        let each = Chapter::each(&program.tracks);
        assert_eq!(each.len(), 3);
        assert!(each
            .iter()
            .zip(&program.tracks)
            .all(|(c, t)| c.title == t.title && c.start == t.start && c.end() == t.end()));
        // The first track opens a chapter even when it is not marked so.
        let unmarked = Chapter::from_tracks(&program.tracks, [None, None, None]);
        assert_eq!(unmarked.len(), 1);
        assert_eq!(unmarked[0].title, program.tracks[0].title);
        assert_eq!(unmarked[0].tracks, 0..3);
    }

    #[test]
    fn every_listing_ends_lines_with_lf_only() {
        let program = fixture::program();
        for listing in all() {
            let text = listing.render(&program);
            assert!(!text.contains('\r'), "{}", listing.file_name());
            assert!(text.ends_with('\n'), "{}", listing.file_name());
        }
    }
}
