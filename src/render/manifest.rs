//! The manifest: what the last run wrote, in `output/.narrate/manifest.json`.
//!
//! It is the single record of narrate's own files (a file is only ever removed or written
//! over if a manifest, or the journal of a run that crashed, says narrate wrote it; the
//! listings are narrate's wherever there is a manifest) and the model every listing is
//! derived from. It carries a format version; a manifest of another
//! version or an unreadable one is ignored (everything is rebuilt from the cache).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::cache::Key;
use crate::audio::duration;
use crate::audio::loudness::Loudness;
use crate::output::{Chapter, Cue, Program};

/// Bumped on any incompatible change of the manifest.
pub const FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// `narrate x.y.z` that wrote it.
    pub generator: String,
    pub title: String,
    pub sample_rate: u32,
    pub paragraphs: Vec<ParagraphEntry>,
    /// Files narrate wrote that are not part of this program (their paragraph failed this
    /// time); still narrate's to replace or remove later.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale: Vec<String>,
    /// The episode files narrate wrote last. A run that does not replace them
    /// (`--no-episode`, a failed paragraph) keeps this entry: they stay on disk, and stay
    /// narrate's; `hash` says what they were made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<EpisodeEntry>,
}

/// episode.wav and episode.mp3.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpisodeEntry {
    /// Hash of everything that went into them: paragraph hashes, titles, master settings.
    pub hash: String,
    pub sample_rate: u32,
    pub frames: u64,
    pub loudness: Option<Loudness>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParagraphEntry {
    pub index: usize,
    pub file: String,
    pub title: String,
    /// Hash of everything that went into the file: sentence keys and layout.
    pub hash: String,
    /// Length of the file in frames.
    pub frames: u64,
    /// Measured after normalization (absent with `--loudness off`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loudness: Option<Loudness>,
    pub sentences: Vec<SentenceEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentenceEntry {
    pub text: String,
    pub speech: String,
    /// One key per engine request (a long sentence is spoken in pieces).
    pub keys: Vec<Key>,
    /// Where the sentence's speech starts and ends in the paragraph file, in frames.
    pub start: u64,
    pub end: u64,
}

impl Manifest {
    /// Reads a manifest; `None` if there is none, or it is unreadable or of another format.
    pub fn load(path: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(path).ok()?;
        let m: Manifest = serde_json::from_slice(&bytes).ok()?;
        (m.format == FORMAT).then_some(m)
    }

    /// The listings' model: chapters placed one after another.
    pub fn program(&self) -> Program {
        let mut start = 0u64;
        let rate = self.sample_rate;
        let chapters = self
            .paragraphs
            .iter()
            .map(|p| {
                let cues = p
                    .sentences
                    .iter()
                    .map(|s| Cue {
                        text: s.text.clone(),
                        start: duration(start + s.start, rate),
                        end: duration(start + s.end, rate),
                    })
                    .collect();
                let chapter = Chapter {
                    loudness: p.loudness.and_then(|l| {
                        Some(crate::output::Level {
                            lufs: l.integrated?.0,
                            true_peak: l.true_peak?.0,
                        })
                    }),
                    index: p.index,
                    file: p.file.clone(),
                    title: p.title.clone(),
                    start: duration(start, rate),
                    duration: duration(p.frames, rate),
                    cues,
                };
                start += p.frames;
                chapter
            })
            .collect();
        Program {
            title: self.title.clone(),
            chapters,
        }
    }
}
