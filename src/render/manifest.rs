//! The manifest: what the last run wrote, in `output/.narrate/manifest.json`.
//!
//! It records narrate's own files, each with the [`FileStamp`] it had when it was placed (a
//! file is only kept when it is still that file), and it is the model every listing is
//! derived from. With the ledger ([`super::ledger`]) it says which files are narrate's: a
//! file is only ever removed or written over if one of them does.
//!
//! On disk the manifest sits in an envelope with its format and a blake3 checksum of its
//! exact bytes, so a damaged or edited manifest is never believed: [`load`] tells it apart
//! from a missing one, and the run sets it aside and rebuilds from the cache. A manifest of
//! an earlier format only says which files are narrate's.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::cache::Key;
use super::stamp::FileStamp;
use crate::audio::duration;
use crate::audio::loudness::Loudness;
use crate::config::Credits;
use crate::output::{Chapter, Cue, Program, Track};

/// Bumped on any incompatible change of the manifest.
pub const FORMAT: u32 = 2;

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
    /// time, or a run left them in place after the manifest that described them was lost);
    /// still narrate's to replace or remove later.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale: Vec<String>,
    /// The episode files narrate wrote last. A run that does not replace them
    /// (`--no-episode`, a failed paragraph) keeps this entry: they stay on disk, and stay
    /// narrate's; `hash` says what they were made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode: Option<EpisodeEntry>,
    /// The listings written, by file name.
    #[serde(default)]
    pub listings: BTreeMap<String, FileStamp>,
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
    /// The files, by name.
    pub files: BTreeMap<String, FileStamp>,
    /// The hash of what went into each ACX chapter file (among `files`), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub chapters: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParagraphEntry {
    pub index: usize,
    pub file: String,
    pub title: String,
    /// The title of the chapter this paragraph opens; none when it continues the one
    /// before (a section of several paragraphs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chapter: Option<String>,
    /// Hash of everything that went into the file: sentence keys and layout.
    pub hash: String,
    /// The file as it was placed.
    pub stamp: FileStamp,
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

/// What was found where the manifest should be.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    /// No manifest: nothing was committed yet.
    Missing,
    Good(Box<Manifest>),
    /// A manifest of an earlier format: the files it names are narrate's, nothing is kept.
    Older {
        files: HashSet<String>,
    },
    /// Unreadable, not what narrate writes, or its checksum does not match: never believed.
    Damaged {
        reason: String,
    },
}

impl Loaded {
    /// The manifest, if it can be believed.
    pub fn good(&self) -> Option<&Manifest> {
        match self {
            Loaded::Good(m) => Some(m),
            _ => None,
        }
    }
}

/// The manifest on disk: format and checksum around the exact bytes of the manifest.
#[derive(Serialize)]
struct Envelope<'a> {
    format: u32,
    checksum: String,
    manifest: &'a serde_json::value::RawValue,
}

#[derive(Deserialize)]
struct EnvelopeIn<'a> {
    format: u32,
    checksum: String,
    #[serde(borrow)]
    manifest: &'a serde_json::value::RawValue,
}

/// What an earlier format of the manifest says about ownership.
#[derive(Deserialize)]
struct Older {
    format: u32,
    #[serde(default)]
    paragraphs: Vec<OlderParagraph>,
    #[serde(default)]
    stale: Vec<String>,
    #[serde(default)]
    episode: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct OlderParagraph {
    file: String,
}

fn checksum(bytes: &[u8]) -> String {
    format!("blake3:{}", blake3::hash(bytes).to_hex())
}

/// Reads the manifest at `path`. `listings` and `episode` name the files an earlier
/// format's manifest implies are narrate's.
pub fn load(path: &Path, listings: &[&str], episode: &[&str]) -> Loaded {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::Missing,
        Err(e) => {
            return Loaded::Damaged {
                reason: format!("cannot read: {e}"),
            }
        }
    };
    let damaged = |reason: String| Loaded::Damaged { reason };
    if let Ok(older) = serde_json::from_slice::<Older>(&bytes) {
        if older.format < FORMAT {
            let files = older
                .paragraphs
                .into_iter()
                .map(|p| p.file)
                .chain(older.stale)
                .chain(listings.iter().map(|l| (*l).to_owned()))
                .chain(
                    episode
                        .iter()
                        .filter(|_| older.episode.is_some())
                        .map(|e| (*e).to_owned()),
                )
                .collect();
            return Loaded::Older { files };
        }
    }
    let envelope: EnvelopeIn = match serde_json::from_slice(&bytes) {
        Ok(e) => e,
        Err(e) => return damaged(format!("not a manifest narrate wrote ({e})")),
    };
    if envelope.format != FORMAT {
        return damaged(format!(
            "format {} is not one this narrate reads ({FORMAT})",
            envelope.format
        ));
    }
    if checksum(envelope.manifest.get().as_bytes()) != envelope.checksum {
        return damaged("its checksum does not match its content".to_owned());
    }
    match serde_json::from_str::<Manifest>(envelope.manifest.get()) {
        Ok(m) if m.format == FORMAT => Loaded::Good(Box::new(m)),
        Ok(m) => damaged(format!("inner format {} is not {FORMAT}", m.format)),
        Err(e) => damaged(format!("not a manifest narrate wrote ({e})")),
    }
}

impl Manifest {
    /// The bytes of the manifest file: the envelope with the checksum.
    pub fn to_file_bytes(&self) -> serde_json::Result<Vec<u8>> {
        let inner = serde_json::to_string_pretty(self)?;
        let raw = serde_json::value::RawValue::from_string(inner)?;
        let mut bytes = serde_json::to_vec_pretty(&Envelope {
            format: FORMAT,
            checksum: checksum(raw.get().as_bytes()),
            manifest: &raw,
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Every file the manifest records, with its stamp where it has one.
    pub fn files(&self) -> impl Iterator<Item = (&str, Option<&FileStamp>)> {
        let paragraphs = self
            .paragraphs
            .iter()
            .map(|p| (p.file.as_str(), Some(&p.stamp)));
        let stale = self.stale.iter().map(|f| (f.as_str(), None));
        let listings = self.listings.iter().map(|(n, s)| (n.as_str(), Some(s)));
        let episode = self
            .episode
            .iter()
            .flat_map(|e| e.files.iter().map(|(n, s)| (n.as_str(), Some(s))));
        paragraphs.chain(stale).chain(listings).chain(episode)
    }

    /// The listings' model: the paragraph files placed one after another, grouped in their
    /// chapters, with `credits` (the title is the manifest's).
    pub fn program(&self, credits: &Credits) -> Program {
        let mut start = 0u64;
        let rate = self.sample_rate;
        let tracks: Vec<Track> = self
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
                let track = Track {
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
                track
            })
            .collect();
        let opens = self.paragraphs.iter().map(|p| p.chapter.as_deref());
        let chapters = Chapter::from_tracks(&tracks, opens);
        Program {
            title: self.title.clone(),
            artist: credits.artist.clone().unwrap_or_default(),
            about: crate::output::About {
                album: credits.album.clone(),
                date: credits.date.map(|d| d.to_string()),
                genre: credits.genre.clone(),
                description: credits.description.clone(),
                track: credits.track,
            },
            tracks,
            chapters,
        }
    }

    /// Adds to `stale` the files narrate owns (`owned`) that this run leaves in place
    /// without recording them otherwise (an episode while the episode is off, when the
    /// manifest that described it was lost): they stay narrate's to replace or remove later.
    pub fn keep_owning(&mut self, owned: &HashSet<String>, removed: &[String], out: &Path) {
        let recorded: HashSet<&str> = self.files().map(|(name, _)| name).collect();
        let mut left: Vec<String> = owned
            .iter()
            .filter(|f| !recorded.contains(f.as_str()) && !removed.contains(f))
            .filter(|f| out.join(f).is_file())
            .cloned()
            .collect();
        self.stale.append(&mut left);
        self.stale.sort();
        self.stale.dedup();
    }
}

#[cfg(test)]
mod tests;
