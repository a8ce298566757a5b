//! Chapter listings, playlists and transcripts, all rendered from one [`Program`].
//!
//! A chapter is a paragraph file. Times are positions in the whole program, as if the
//! paragraph files were played one after another. Each format is one [`Listing`]; they
//! only format, they never touch the disk.

pub mod naming;

use std::time::Duration;

/// The whole narration, as the listings see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Title of the whole narration (front matter, else the script's file stem).
    pub title: String,
    pub chapters: Vec<Chapter>,
}

/// One paragraph file.
#[derive(Clone, Debug, PartialEq, Eq)]
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

/// One listing format. (stub: being written)
pub trait Listing {
    /// File name in the output folder.
    fn file_name(&self) -> &'static str;
    /// The file's whole content.
    fn render(&self, program: &Program) -> String;
}

/// Every listing narrate writes, in the order they are written.
pub fn all() -> Vec<Box<dyn Listing>> {
    Vec::new()
}
