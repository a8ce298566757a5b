//! The episode in a run: every paragraph file in order, as one `episode.wav` and one CBR
//! `episode.mp3` carrying ID3 chapters, at the episode's sample rate; whether a run writes
//! it, keeps it or leaves it alone.
//!
//! `episode.mp3` is joined from per-paragraph segments ([`super::segments`]), encoded on
//! every core while the paragraphs are rendered and cached, so an edit encodes only what
//! changed. `episode.wav` is streamed while the paragraphs are rendered ([`WavWriter`],
//! over [`crate::audio::episode::Stream`]). The paragraph files are already at the target
//! loudness (one gain per file), so the episode is too.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::NamedTempFile;

use super::manifest::{EpisodeEntry, Loaded, Manifest};
use super::plan::Plan;
use super::segments::{Assembled, Segments};
use super::store::{self, Store};
use crate::audio::episode as stream;
use crate::audio::loudness::{blocks, Loudness};
use crate::audio::mp3;
use crate::config::{Credits, Master, Settings};
use crate::error::{Error, Result};

pub const WAV: &str = "episode.wav";
pub const MP3: &str = "episode.mp3";
/// Every file the episode may have.
pub const FILES: [&str; 2] = [WAV, MP3];

/// The episode's files a run with `settings` writes: the MP3, and the WAV when asked for.
pub fn files(settings: &Settings) -> Vec<&'static str> {
    let mut files = vec![MP3];
    if settings.master.episode_wav {
        files.push(WAV);
    }
    files
}

/// Bumped whenever the way the episode is made changes.
const FORMAT: u32 = 1;

/// The hash of everything that goes into the episode files: each paragraph's hash and
/// title, in order, the program's metadata (the cover by its bytes, so a cover changed in
/// place rewrites the tag), and the master settings.
pub fn hash(paragraphs: &[(&str, &str)], credits: &Credits, master: &Master) -> String {
    #[derive(Serialize)]
    struct Input<'a> {
        format: u32,
        paragraphs: Vec<(&'a str, &'a str)>,
        credits: &'a Credits,
        cover: Option<String>,
        master: &'a Master,
    }
    let input = Input {
        format: FORMAT,
        paragraphs: paragraphs.to_vec(),
        credits,
        cover: (credits.cover.as_ref()).map(|c| blake3::hash(&c.bytes).to_hex().to_string()),
        master,
    };
    let bytes = serde_json::to_vec(&input).expect("strings and numbers serialize");
    blake3::hash(&bytes).to_hex().to_string()
}

/// Whether a run of `plan` makes an episode (or keeps the one it made before).
pub fn wanted(settings: &Settings, plan: &Plan) -> bool {
    settings.master.episode && !plan.steps.is_empty()
}

/// The episode of the last run, if it was made from the same input (`hash`) and its files
/// are the ones it wrote.
pub fn reusable(out: &Path, previous: &Loaded, hash: &str) -> Option<EpisodeEntry> {
    let entry = previous.good()?.episode.as_ref()?;
    let whole = (entry.files.iter()).all(|(name, s)| store::intact(out, name, s));
    (entry.hash == hash && whole).then(|| entry.clone())
}

/// The tags of the episode: `credits`, and the chapter marks of `chapters`: (chapter
/// number, title, start ms, end ms).
fn tags<'a>(
    credits: &Credits,
    chapters: impl Iterator<Item = (usize, &'a str, u32, u32)>,
) -> mp3::Tags {
    mp3::Tags {
        title: credits.title.clone().unwrap_or_default(),
        artist: credits.artist.clone().unwrap_or_default(),
        album: credits.album.clone(),
        date: credits.date.map(|d| mp3::TagDate {
            year: d.year(),
            month_day: d.month_day(),
        }),
        genre: credits.genre.clone(),
        comment: credits.description.clone(),
        track: credits.track,
        track_total: None,
        cover: credits.cover.as_ref().map(|c| mp3::Picture {
            mime: c.kind.mime(),
            data: c.bytes.clone(),
        }),
        chapters: chapters
            .map(|(index, title, start_ms, end_ms)| mp3::ChapterMark {
                id: format!("ch{index}"),
                title: title.to_owned(),
                start_ms,
                end_ms,
            })
            .collect(),
    }
}

/// `episode.wav` being written, in a temporary file until [`finish`] puts it in place.
/// Dropped unfinished (a failed paragraph, Ctrl-C), it leaves nothing behind.
#[derive(Debug)]
pub struct WavWriter {
    path: PathBuf,
    staged: NamedTempFile,
    stream: stream::Stream,
}

impl WavWriter {
    /// Starts `episode.wav` in `tmp` at the episode rate of `master`, from audio at `from` Hz.
    pub fn start(out: &Path, tmp: &Path, from: u32, master: &Master) -> Result<WavWriter> {
        let path = out.join(WAV);
        let cannot = |e| Error::output(&path, "cannot write", e);
        let staged = crate::staged::staged(tmp).map_err(cannot)?;
        let file = staged.as_file().try_clone().map_err(cannot)?;
        let stream = stream::Stream::start(file, from, master.sample_rate)
            .map_err(|e| cannot(std::io::Error::other(e)))?;
        Ok(WavWriter {
            path,
            staged,
            stream,
        })
    }

    fn failed(&self, e: stream::Error) -> Error {
        Error::output(&self.path, "cannot write", std::io::Error::other(e))
    }

    /// Starts the next paragraph, `len` samples long at the engine's rate.
    pub fn begin(&mut self, len: u64) -> Result<()> {
        self.stream.begin(len).map_err(|e| self.failed(e))
    }

    /// Appends the current paragraph's next samples, exactly as its file holds them.
    pub fn push(&mut self, samples: &[f32]) -> Result<()> {
        self.stream.push(samples).map_err(|e| self.failed(e))
    }

    /// Ends the current paragraph.
    pub fn end(&mut self) -> Result<()> {
        self.stream.end().map_err(|e| self.failed(e))
    }
}

/// The chapter marks of `manifest`'s program, with the times every listing writes, so the
/// CHAP frames agree with them to the millisecond.
fn final_tags(manifest: &Manifest, credits: &Credits) -> mp3::Tags {
    let program = manifest.program(credits);
    let spans = crate::output::fmt::spans(&program.chapters);
    let ms = |t: u64| u32::try_from(t).unwrap_or(u32::MAX);
    tags(
        credits,
        program
            .chapters
            .iter()
            .zip(spans)
            .map(|(c, (start, end))| (c.number, c.title.as_str(), ms(start), ms(end))),
    )
}

/// Completes the episode of `manifest` (whose paragraph files are in place): `episode.mp3`
/// from the paragraphs' segments, and `episode.wav` when `wav` was written, put in place
/// together. Returns what the manifest records, and how the MP3 was assembled.
pub fn finish(
    store: &Store,
    manifest: &Manifest,
    credits: &Credits,
    hash: String,
    segments: &Segments,
    wav: Option<WavWriter>,
) -> Result<(EpisodeEntry, Assembled)> {
    let tags = final_tags(manifest, credits);
    let staged = store.stage(MP3)?;
    let paragraphs: Vec<(PathBuf, String, u64)> = manifest
        .paragraphs
        .iter()
        .map(|p| (store.out().join(&p.file), p.stamp.hash.clone(), p.frames))
        .collect();
    let assembled = segments.assemble(staged.as_file(), &tags, &paragraphs)?;
    let mut files = vec![(MP3.to_owned(), staged, Some(assembled.digest.clone()))];
    if let Some(wav) = wav {
        let WavWriter {
            path,
            staged,
            stream,
        } = wav;
        stream
            .finish()
            .map_err(|e| Error::output(&path, "cannot write", std::io::Error::other(e)))?;
        files.push((WAV.to_owned(), staged, None));
    }
    let names: Vec<String> = files.iter().map(|(n, _, _)| n.clone()).collect();
    let stamps = store.place_all_hashed(files)?;
    let files = names.into_iter().zip(stamps).collect();
    // What listeners hear: the MP3's segments, decoded and measured as one program.
    let loudness = Loudness {
        integrated: blocks::integrated(&assembled.blocks),
        range: None,
        true_peak: blocks::true_peak(&assembled.blocks),
        sample_peak: None,
        rms: None,
    };
    let frames = assembled.written.samples;
    let entry = EpisodeEntry {
        hash,
        sample_rate: segments.sample_rate(),
        frames,
        loudness: Some(loudness),
        files,
        chapters: Default::default(),
    };
    Ok((entry, assembled))
}
