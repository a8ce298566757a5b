//! What a run tells its caller while it works, and what it did.
//!
//! The renderer prints nothing: it reports through [`Events`], as ripgrep's searcher hands
//! matches to a sink and never formats them. The commands implement it with a progress bar
//! and stderr; tests use [`Silent`].

use std::time::Duration;

use super::manifest::EpisodeEntry;
use crate::error::Error;

/// Calls a run makes as it goes, all from the thread that called [`super::Session::run`].
/// Every method does nothing by default.
pub trait Events {
    /// Speaking starts, with `pieces` to ask the engine for (0 when all are cached), and
    /// `paragraphs` files to write holding `chars` characters of text.
    fn speaking(&mut self, pieces: usize, paragraphs: usize, chars: usize) {
        let _ = (pieces, paragraphs, chars);
    }

    /// The engine spoke one more piece.
    fn spoke(&mut self) {}

    /// One more paragraph, of `chars` characters of text, is assembled into `audio` and
    /// handed to finishing (which keeps at most two waiting: this is the run's pace).
    fn assembled(&mut self, chars: usize, audio: Duration) {
        let _ = (chars, audio);
    }

    /// Paragraph `index` (starting on script line `line`) failed; the run goes on with the
    /// others and ends with [`Error::Partial`].
    fn failed(&mut self, index: usize, line: usize, error: &Error) {
        let _ = (index, line, error);
    }

    /// Speaking is over (finished, failed or interrupted).
    fn spoken(&mut self) {}
}

/// Events nobody listens to.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Events for Silent {}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub paragraphs: usize,
    pub sentences: usize,
    /// Length of all paragraph files together.
    pub audio: Duration,
    pub wall: Duration,
    /// Engine requests made.
    pub synthesized: usize,
    /// Pieces taken from the cache.
    pub cached: usize,
    /// Paragraph files left untouched.
    pub kept: usize,
    /// Paragraph files written.
    pub written: usize,
    /// Names of the paragraph files written, with the number of sentences synthesized.
    pub written_files: Vec<(String, usize)>,
    /// Old paragraph files removed.
    pub removed: usize,
    pub removed_files: Vec<String>,
    /// The episode, if there is one, and whether this run wrote it.
    pub episode: Option<EpisodeEntry>,
    pub episode_written: bool,
    /// MP3 segments of the episode encoded by this run, and taken from the cache.
    pub segments_encoded: usize,
    pub segments_reused: usize,
    /// With `--loudness acx`: the ACX chapter files written by this run, and every one of
    /// them measured (when the episode was written).
    pub acx_written: usize,
    pub acx: Vec<(String, crate::audio::mp3::measure::Measured)>,
    /// Paragraphs that failed, with why.
    pub failed: Vec<(usize, String)>,
    /// What was found damaged and not used (a cache entry, the manifest), for the user.
    pub warnings: Vec<String>,
}
