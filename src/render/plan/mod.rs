//! Deciding what a run must do, without doing any of it.
//!
//! Given the prepared paragraphs, the settings that shape their sound, the last manifest and
//! a way to ask whether the cache holds a key, [`plan`] says for each paragraph whether its
//! file is kept as it is, assembled from cached sentences, or needs synthesis (and which
//! sentences), and which old files to remove. No I/O happens here, so every rebuild rule is
//! testable with plain values.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::cache::{EngineStamp, Key};
use super::manifest::Manifest;
use crate::audio::loudness::Preset;
use crate::config::{Layout, Voice};
use crate::script::Paragraph;

/// Bumped whenever the way a paragraph file is assembled changes (2: the tail padded to
/// whole MP3 frames at the episode rate).
const PARAGRAPH_FORMAT: u32 = 2;

/// A paragraph with the cache key of every piece it speaks.
#[derive(Clone, Debug)]
pub struct Keyed {
    pub paragraph: Paragraph,
    /// Per sentence, per piece.
    pub keys: Vec<Vec<Key>>,
    /// Hash of everything that goes into the paragraph file.
    pub hash: String,
}

/// What shapes a paragraph file besides its sentences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Shape<'a> {
    pub layout: &'a Layout,
    pub loudness: Preset,
    /// The episode's sample rate: the tail is padded to whole MP3 frames at it.
    pub episode_rate: u32,
}

/// Computes keys and the paragraph hash.
pub fn key(paragraph: Paragraph, voice: &Voice, stamp: &EngineStamp, shape: Shape<'_>) -> Keyed {
    let keys: Vec<Vec<Key>> = paragraph
        .sentences
        .iter()
        .map(|s| s.pieces.iter().map(|p| Key::new(voice, stamp, p)).collect())
        .collect();
    #[derive(Serialize)]
    struct HashInput<'a> {
        format: u32,
        keys: &'a [Vec<Key>],
        #[serde(flatten)]
        shape: Shape<'a>,
        sample_rate: u32,
    }
    let input = HashInput {
        format: PARAGRAPH_FORMAT,
        keys: &keys,
        shape,
        sample_rate: stamp.sample_rate,
    };
    let bytes = serde_json::to_vec(&input).expect("keys and numbers serialize");
    Keyed {
        paragraph,
        keys,
        hash: blake3::hash(&bytes).to_hex().to_string(),
    }
}

/// What happens to one paragraph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "action")]
pub enum Action {
    /// The file on disk is exactly what this run would write: leave it alone.
    Keep,
    /// Every sentence is cached: write the file from the cache.
    Assemble,
    /// Some sentences must be spoken; their indexes (0-based) within the paragraph.
    Synthesize { sentences: Vec<usize> },
}

/// Why a paragraph gets its action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The manifest describes the same paragraph under the same name, and the file on disk
    /// is the one it describes.
    Unchanged,
    /// The same paragraph, but its file is gone.
    FileMissing,
    /// The same paragraph, but the file on disk is not the one narrate wrote (an
    /// interrupted run left another, or someone changed it).
    FileDiffers,
    /// The same paragraph was under another number.
    Renumbered,
    /// Another paragraph had this file name.
    Changed,
    New,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Reason::Unchanged => "unchanged",
            Reason::FileMissing => "file missing",
            Reason::FileDiffers => "file differs from the one narrate wrote",
            Reason::Renumbered => "renumbered",
            Reason::Changed => "changed",
            Reason::New => "new",
        })
    }
}

/// The decision for one paragraph.
#[derive(Clone, Debug)]
pub struct Step {
    pub keyed: Keyed,
    pub action: Action,
    /// Why, for `narrate plan`.
    pub reason: Reason,
}

/// A whole run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Files narrate wrote before that this run no longer produces.
    pub remove: Vec<String>,
    /// Files this run would write over that narrate has no record of writing (neither the
    /// manifest nor the journal lists them): someone else's. A run refuses to start while
    /// there are any, so that it never destroys a file it did not create.
    pub foreign: Vec<String>,
}

impl Plan {
    /// The error of a run that refuses to start because of [`Plan::foreign`] files in
    /// `out`, if there are any.
    pub fn refusal(&self, out: &std::path::Path) -> Option<crate::error::Error> {
        let first = self.foreign.first()?;
        Some(crate::error::Error::Foreign {
            path: out.join(first),
            others: self.foreign.len() - 1,
        })
    }

    /// Pieces that will be synthesized.
    pub fn pieces_to_synthesize(&self) -> usize {
        self.steps
            .iter()
            .map(|s| match &s.action {
                Action::Synthesize { sentences } => sentences
                    .iter()
                    .map(|&i| s.keyed.keys[i].len())
                    .sum::<usize>(),
                _ => 0,
            })
            .sum()
    }
}

/// What [`plan`] may ask about the world.
pub struct Facts<'a> {
    /// Whether the cache holds a key.
    pub cached: &'a dyn Fn(&Key) -> bool,
    /// Whether a file of the output folder exists.
    pub on_disk: &'a dyn Fn(&str) -> bool,
    /// Whether a paragraph file is the very file the previous manifest describes.
    pub intact: &'a dyn Fn(&str) -> bool,
}

impl std::fmt::Debug for Facts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Facts").finish_non_exhaustive()
    }
}

/// Plans a run. `owned` lists files narrate wrote earlier (manifest and ledger); `fixed`
/// names the files that are not a paragraph's (listings, episode), which are never removed.
/// Whether those are someone else's is the caller's to add to `foreign`.
pub fn plan(
    paragraphs: Vec<Keyed>,
    previous: Option<&Manifest>,
    owned: &HashSet<String>,
    fixed: &[&str],
    facts: &Facts<'_>,
) -> Plan {
    let Facts {
        cached,
        on_disk,
        intact,
    } = *facts;
    let before: HashMap<&str, &str> = previous
        .map(|m| {
            m.paragraphs
                .iter()
                .map(|p| (p.file.as_str(), p.hash.as_str()))
                .collect()
        })
        .unwrap_or_default();
    // A sentence repeated within this run is synthesized once, by its first paragraph.
    let mut first_seen: HashSet<Key> = HashSet::new();
    let mut steps = Vec::with_capacity(paragraphs.len());
    for keyed in paragraphs {
        let unchanged = before.get(keyed.paragraph.file.as_str()) == Some(&keyed.hash.as_str());
        if unchanged && intact(&keyed.paragraph.file) {
            steps.push(Step {
                keyed,
                action: Action::Keep,
                reason: Reason::Unchanged,
            });
            continue;
        }
        let missing = to_synthesize(&keyed, cached, &mut first_seen);
        let reason = why(&keyed, unchanged, &before, on_disk);
        let action = if missing.is_empty() {
            Action::Assemble
        } else {
            Action::Synthesize { sentences: missing }
        };
        steps.push(Step {
            keyed,
            action,
            reason,
        });
    }
    let produced: HashSet<&str> = steps
        .iter()
        .map(|s| s.keyed.paragraph.file.as_str())
        .chain(fixed.iter().copied())
        .collect();
    let mut remove: Vec<String> = owned
        .iter()
        .filter(|f| !produced.contains(f.as_str()) && on_disk(f))
        .cloned()
        .collect();
    remove.sort();
    let foreign = steps
        .iter()
        .filter(|s| s.action != Action::Keep)
        .map(|s| &s.keyed.paragraph.file)
        .filter(|f| !owned.contains(*f) && on_disk(f))
        .cloned()
        .collect();
    Plan {
        steps,
        remove,
        foreign,
    }
}

/// The sentences of `keyed` with a piece that is neither cached nor spoken by an earlier
/// paragraph of this run (`first_seen`, which this adds to).
fn to_synthesize(
    keyed: &Keyed,
    cached: &dyn Fn(&Key) -> bool,
    first_seen: &mut HashSet<Key>,
) -> Vec<usize> {
    let mut missing = Vec::new();
    for (i, keys) in keyed.keys.iter().enumerate() {
        let mut needed = false;
        for k in keys {
            if !cached(k) && first_seen.insert(k.clone()) {
                needed = true;
            }
        }
        if needed {
            missing.push(i);
        }
    }
    missing
}

/// Why a paragraph that is not kept is made: `unchanged` says its hash is the one the last
/// run recorded for its file, `before` maps the last run's files to their hashes.
fn why(
    keyed: &Keyed,
    unchanged: bool,
    before: &HashMap<&str, &str>,
    on_disk: &dyn Fn(&str) -> bool,
) -> Reason {
    let file = keyed.paragraph.file.as_str();
    if unchanged && !on_disk(file) {
        Reason::FileMissing
    } else if unchanged {
        Reason::FileDiffers
    } else if before.values().any(|h| *h == keyed.hash) {
        Reason::Renumbered
    } else if before.contains_key(file) {
        Reason::Changed
    } else {
        Reason::New
    }
}

#[cfg(test)]
mod tests;
