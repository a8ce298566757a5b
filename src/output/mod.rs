//! Chapter listings, playlists, transcripts and captions, all rendered from one [`Program`].
//!
//! A chapter is a paragraph file. Times are positions in the whole program, as if the
//! paragraph files were played one after another. Each format is one [`Listing`]; they
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
    pub chapters: Vec<Chapter>,
}

/// One paragraph file.
#[derive(Clone, Debug, PartialEq)]
pub struct Chapter {
    /// 1-based position.
    pub index: usize,
    /// File name relative to the output folder, e.g. `01-it-is-abundantly-clear.wav`.
    pub file: String,
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

impl Chapter {
    pub fn end(&self) -> Duration {
        self.start + self.duration
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
        self.chapters.last().map_or(Duration::ZERO, Chapter::end)
    }

    /// Every sentence cue, chapter after chapter.
    pub fn cues(&self) -> impl Iterator<Item = &Cue> {
        self.chapters.iter().flat_map(|c| c.cues.iter())
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
            chapters: Vec::new(),
        };
        for listing in all() {
            let text = listing.render(&program);
            assert!(text.ends_with('\n'), "{}", listing.file_name());
            assert!(!listing.description().is_empty());
        }
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
