//! ACX's files: with `--loudness acx`, one MP3 per chapter beside the episode
//! (`acx-01-<title>.mp3`), each with room tone at its head and tail, and what ACX asks of
//! them measured on the files as written.
//!
//! A chapter file is the episode's segments for the chapter's paragraphs, between two
//! stretches of encoded silence, so it costs a copy. The chapters are the listings' (the
//! manifest's [`Program`]); each is mapped to the paragraph files it spans by its times.
//! A chapter file is only written again when what goes into it changed: its hash is kept
//! in the episode's manifest entry beside the file's stamp.
//!
//! ACX's requirements (<https://www.acx.com/help/acx-audio-submission-requirements/201456300>):
//! each file -23 to -18 dB RMS, peaks at most -3 dB, noise floor at most -60 dB RMS, MP3 of
//! 192 kbps or more, constant bit rate, 44.1 kHz, all mono or all stereo, at most 120
//! minutes, one chapter per file, 0.5 to 1 s of room tone at the head and 1 to 5 s at the
//! tail.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use super::manifest::{EpisodeEntry, Manifest};
use super::segments::Segments;
use super::stamp::FileStamp;
use super::store::{self, Store};
use crate::audio::mp3::{self, measure::Measured};
use crate::config::{Credits, Layout, ACX_KBPS, ACX_SAMPLE_RATE};
use crate::error::{Error, Result};
use crate::output::naming;

/// The chapter files' names start with this.
pub const PREFIX: &str = "acx-";
/// Bumped whenever the way a chapter file is made changes.
const FORMAT: u32 = 1;
/// The room tone aimed at, in seconds, paragraph silence included: inside ACX's 0.5 to 1 s
/// at the head and 1 to 5 s at the tail, with room for a frame's rounding either way.
const HEAD: f64 = 0.75;
const TAIL: f64 = 2.0;
/// Characters of a chapter title in its file name, as for paragraph files.
const SLUG_CHARS: usize = 40;

/// Whether `name` is one of the chapter files.
pub fn is_chapter_file(name: &str) -> bool {
    name.starts_with(PREFIX) && name.ends_with(".mp3")
}

/// A chapter file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterFile {
    pub name: String,
    pub title: String,
    /// The paragraphs it holds (indexes into the manifest's).
    pub paragraphs: Range<usize>,
}

/// The chapter files of `manifest`: one per chapter of its program (a Markdown section, or
/// a paragraph of a script without sections), holding that chapter's paragraphs.
pub fn chapter_files(manifest: &Manifest) -> Vec<ChapterFile> {
    let program = manifest.program(&Credits::default());
    let total = program.chapters.len();
    program
        .chapters
        .iter()
        .enumerate()
        .map(|(i, chapter)| {
            let slug = naming::slug(&chapter.title, SLUG_CHARS);
            let name = naming::file_name(i + 1, total, &slug);
            ChapterFile {
                name: format!("{PREFIX}{}", name.replace(".wav", ".mp3")),
                title: chapter.title.clone(),
                paragraphs: chapter.tracks.clone(),
            }
        })
        .collect()
}

/// The chapter files written or kept: stamps and hashes by name, and how many were written.
#[derive(Debug, Default)]
pub struct Written {
    pub files: BTreeMap<String, FileStamp>,
    pub hashes: BTreeMap<String, String>,
    pub written: usize,
}

/// Writes the chapter files of `manifest` from `segments` (the episode's, at ACX's format),
/// keeping those of `previous` whose input did not change and whose file is intact. A file
/// under a chapter file's name that narrate did not write (not in `owned`) is refused.
pub fn write(
    store: &Store,
    manifest: &Manifest,
    artist: &str,
    (layout, owned): (&Layout, &HashSet<String>),
    segments: &Segments,
    previous: Option<&EpisodeEntry>,
) -> Result<Written> {
    let files = chapter_files(manifest);
    for file in &files {
        let path = store.out().join(&file.name);
        if !owned.contains(&file.name) && std::fs::symlink_metadata(&path).is_ok() {
            let why = "it exists and narrate did not write it; move it away";
            return Err(Error::output(
                &path,
                "will not replace",
                std::io::Error::other(why),
            ));
        }
    }
    let room = room(layout, segments);
    let mut written = Written::default();
    let mut staged = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let hash = chapter_hash(manifest, artist, file, (i + 1, files.len()), room, segments);
        let kept = previous.and_then(|p| {
            let stamp = p.files.get(&file.name)?;
            (p.chapters.get(&file.name) == Some(&hash)
                && store::intact(store.out(), &file.name, stamp))
            .then(|| stamp.clone())
        });
        written.hashes.insert(file.name.clone(), hash);
        if let Some(stamp) = kept {
            written.files.insert(file.name.clone(), stamp);
            continue;
        }
        let tags = mp3::Tags {
            title: file.title.clone(),
            artist: artist.to_owned(),
            album: Some(manifest.title.clone()),
            track: Some(i as u32 + 1),
            track_total: Some(files.len() as u32),
            ..mp3::Tags::default()
        };
        let paragraphs: Vec<(PathBuf, String, u64)> = manifest.paragraphs[file.paragraphs.clone()]
            .iter()
            .map(|p| (store.out().join(&p.file), p.stamp.hash.clone(), p.frames))
            .collect();
        let out = store.stage(&file.name)?;
        let assembled = segments.assemble_in_room(out.as_file(), &tags, &paragraphs, room)?;
        staged.push((file.name.clone(), out, Some(assembled.digest)));
    }
    written.written = staged.len();
    let names: Vec<String> = staged.iter().map(|(n, _, _)| n.clone()).collect();
    for (name, stamp) in names.into_iter().zip(store.place_all_hashed(staged)?) {
        written.files.insert(name, stamp);
    }
    Ok(written)
}

/// MP3 frames of silence before and after a chapter's paragraphs, so that with the
/// paragraphs' own head and tail the room tone is about [`HEAD`] and [`TAIL`] seconds.
fn room(layout: &Layout, segments: &Segments) -> (u64, u64) {
    let frame = f64::from(segments.frame_len()) / f64::from(segments.sample_rate());
    let frames = |want: f64, have: Duration| ((want - have.as_secs_f64()).max(0.0) / frame).ceil();
    (
        frames(HEAD, layout.head) as u64,
        frames(TAIL, layout.tail) as u64,
    )
}

/// The hash of what goes into a chapter file.
fn chapter_hash(
    manifest: &Manifest,
    artist: &str,
    file: &ChapterFile,
    track: (usize, usize),
    room: (u64, u64),
    segments: &Segments,
) -> String {
    #[derive(Serialize)]
    struct Input<'a> {
        format: u32,
        paragraphs: Vec<&'a str>,
        title: &'a str,
        album: &'a str,
        artist: &'a str,
        track: (usize, usize),
        room: (u64, u64),
        sample_rate: u32,
        kbps: u32,
    }
    let input = Input {
        format: FORMAT,
        paragraphs: manifest.paragraphs[file.paragraphs.clone()]
            .iter()
            .map(|p| p.stamp.hash.as_str())
            .collect(),
        title: &file.title,
        album: &manifest.title,
        artist,
        track,
        room,
        sample_rate: segments.sample_rate(),
        kbps: segments.kbps(),
    };
    let bytes = serde_json::to_vec(&input).expect("strings and numbers serialize");
    blake3::hash(&bytes).to_hex().to_string()
}

/// Each chapter file in `names`, measured (decoded whole, one at a time).
pub fn measure(out: &std::path::Path, names: &[String]) -> Result<Vec<(String, Measured)>> {
    names
        .iter()
        .map(|name| {
            let path = out.join(name);
            let bytes = std::fs::read(&path).map_err(|e| Error::output(&path, "cannot read", e))?;
            let measured = mp3::measure::measure(&bytes)
                .map_err(|e| Error::output(&path, "cannot measure", std::io::Error::other(e)))?;
            Ok((name.clone(), measured))
        })
        .collect()
}

/// One of ACX's requirements, as the files meet it.
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    /// What ACX asks.
    pub asks: &'static str,
    /// The files that do not meet it, when it is a requirement of each file.
    pub failing: Vec<String>,
    /// What the files have (the worst of them).
    pub found: String,
    pub holds: bool,
}

/// ACX's requirements, checked against the chapter files as `measured`.
pub fn requirements(measured: &[(String, Measured)]) -> Vec<Requirement> {
    // The files that fail `f`.
    let check = |f: &dyn Fn(&Measured) -> bool| -> Vec<String> {
        (measured.iter().filter(|(_, m)| !f(m)))
            .map(|(name, _)| name.clone())
            .collect()
    };
    let range =
        |f: &dyn Fn(&Measured) -> f64, digits: usize, unit: &str| range(measured, f, digits, unit);
    let kbps: std::collections::BTreeSet<u32> = measured
        .iter()
        .flat_map(|(_, m)| m.kbps.iter().copied())
        .collect();
    let kbps_text = (kbps.iter().map(u32::to_string))
        .collect::<Vec<_>>()
        .join(", ");
    let channels: std::collections::BTreeSet<u32> =
        measured.iter().map(|(_, m)| m.channels).collect();
    vec![
        each(
            "RMS -23 to -18 dB",
            range(&|m| m.rms_db, 1, "dB"),
            check(&|m| (-23.0..=-18.0).contains(&m.rms_db)),
        ),
        each(
            "peaks at most -3 dB",
            range(&|m| m.peak_db, 1, "dB"),
            check(&|m| m.peak_db <= -3.0),
        ),
        each(
            "noise floor at most -60 dB RMS (quietest 500 ms)",
            range(&|m| m.noise_floor_db, 1, "dB"),
            check(&|m| m.noise_floor_db <= -60.0),
        ),
        each(
            "room tone 0.5 to 1 s at the head",
            range(&|m| m.head, 2, "s"),
            check(&|m| (0.5..=1.0).contains(&m.head)),
        ),
        each(
            "room tone 1 to 5 s at the tail",
            range(&|m| m.tail, 2, "s"),
            check(&|m| (1.0..=5.0).contains(&m.tail)),
        ),
        each(
            "MP3 of 192 kbps or more, constant bit rate",
            format!("{kbps_text} kbps"),
            check(&|m| m.kbps.len() == 1 && m.kbps.iter().all(|&k| k >= ACX_KBPS)),
        ),
        each(
            "44.1 kHz",
            range(&|m| f64::from(m.sample_rate), 0, "Hz"),
            check(&|m| m.sample_rate == ACX_SAMPLE_RATE),
        ),
        Requirement {
            asks: "all mono or all stereo",
            found: match channels.iter().collect::<Vec<_>>().as_slice() {
                [1] => "mono".to_owned(),
                [2] => "stereo".to_owned(),
                _ => "mono and stereo".to_owned(),
            },
            failing: Vec::new(),
            holds: channels.len() == 1,
        },
        each(
            "at most 120 minutes per file",
            range(&|m| m.seconds / 60.0, 1, "min"),
            check(&|m| m.seconds <= 120.0 * 60.0),
        ),
    ]
}

/// The least and the greatest of the files' values `f`, with `digits` decimals.
fn range(
    measured: &[(String, Measured)],
    f: &dyn Fn(&Measured) -> f64,
    digits: usize,
    unit: &str,
) -> String {
    let values: Vec<f64> = measured.iter().map(|(_, m)| f(m)).collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = (number(lo, digits), number(hi, digits));
    if lo == hi {
        format!("{hi} {unit}")
    } else {
        format!("{lo} to {hi} {unit}")
    }
}

/// A requirement of each file, which holds when none is `failing`.
fn each(asks: &'static str, found: String, failing: Vec<String>) -> Requirement {
    Requirement {
        asks,
        found,
        holds: failing.is_empty(),
        failing,
    }
}

/// `value` with `digits` decimals; the level of digital silence says so.
fn number(value: f64, digits: usize) -> String {
    if value == f64::NEG_INFINITY {
        "-inf (digital silence)".to_owned()
    } else {
        format!("{value:.digits$}")
    }
}

#[cfg(test)]
mod tests;
