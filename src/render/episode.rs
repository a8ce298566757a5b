//! The episode in a run: every paragraph file in order, as one `episode.wav` and one CBR
//! `episode.mp3` carrying ID3 chapters, at the episode's sample rate; whether a run writes
//! it, keeps it or leaves it alone.
//!
//! Written while the paragraphs are rendered ([`Writer`], over [`crate::audio::episode::Stream`]),
//! so that resampling and MP3 encoding (LAME is the slowest step of a podcast build) run
//! beside speech synthesis instead of after it, and memory does not grow with the script.
//! The paragraph files are already at the target loudness (one gain per file), so the
//! episode is too; the meter reports it.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::NamedTempFile;

use super::manifest::{EpisodeEntry, Loaded, Manifest};
use super::plan::Plan;
use super::store::{self, Store};
use crate::audio::episode::{self as stream, Part};
use crate::audio::loudness::{Db, Loudness, Lufs};
use crate::audio::mp3;
use crate::config::{Master, Settings};
use crate::error::{Error, Result};

pub const WAV: &str = "episode.wav";
pub const MP3: &str = "episode.mp3";
/// The episode's files.
pub const FILES: [&str; 2] = [WAV, MP3];

/// Bumped whenever the way the episode is made changes.
const FORMAT: u32 = 1;

/// The hash of everything that goes into the episode files: each paragraph's hash and
/// title, in order, the program's title and artist, and the master settings.
pub fn hash(paragraphs: &[(&str, &str)], title: &str, master: &Master, artist: &str) -> String {
    #[derive(Serialize)]
    struct Input<'a> {
        format: u32,
        paragraphs: Vec<(&'a str, &'a str)>,
        title: &'a str,
        artist: &'a str,
        master: &'a Master,
    }
    let input = Input {
        format: FORMAT,
        paragraphs: paragraphs.to_vec(),
        title,
        artist,
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
    let whole = FILES.iter().all(|name| {
        entry
            .files
            .get(*name)
            .is_some_and(|s| store::intact(out, name, s))
    });
    (entry.hash == hash && whole).then(|| entry.clone())
}

/// The chapter marks of `chapters`: (paragraph index, title, start ms, end ms).
fn tags<'a>(
    title: &str,
    artist: &str,
    chapters: impl Iterator<Item = (usize, &'a str, u32, u32)>,
) -> mp3::Tags {
    mp3::Tags {
        title: title.to_owned(),
        artist: artist.to_owned(),
        album: None,
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

/// Both episode files being written, in temporary files until [`Writer::finish`] puts them
/// in place. Dropped unfinished (a failed paragraph, Ctrl-C), it leaves nothing behind.
#[derive(Debug)]
pub struct Writer {
    wav_path: PathBuf,
    mp3_path: PathBuf,
    wav_tmp: NamedTempFile,
    mp3_tmp: NamedTempFile,
    stream: stream::Stream,
    /// The episode's sample rate.
    rate: u32,
}

impl Writer {
    /// Starts both files in `tmp` for the program titled `title`, whose chapters are
    /// `chapters` (paragraph index and title, in order), from audio at `from` Hz.
    pub fn start<'a>(
        out: &Path,
        tmp: &Path,
        from: u32,
        master: &Master,
        title: &str,
        artist: &str,
        chapters: impl Iterator<Item = (usize, &'a str)>,
    ) -> Result<Writer> {
        let wav_path = out.join(WAV);
        let mp3_path = out.join(MP3);
        let temp = |path: &Path| {
            let staged = crate::staged::staged(tmp)
                .and_then(|staged| Ok((staged.as_file().try_clone()?, staged)));
            staged.map_err(|e| Error::output(path, "cannot write", e))
        };
        let (wav, wav_tmp) = temp(&wav_path)?;
        let (mp3, mp3_tmp) = temp(&mp3_path)?;
        // The chapter times are not known yet; the tag is written again at the end.
        let placeholder = tags(title, artist, chapters.map(|(i, t)| (i, t, 0, 0)));
        let format = stream::Format {
            from,
            to: master.sample_rate,
            bitrate: master.bitrate,
        };
        let stream = stream::Stream::start(wav, mp3, format, &placeholder)
            .map_err(|e| failed(&wav_path, &mp3_path, e))?;
        Ok(Writer {
            wav_path,
            mp3_path,
            wav_tmp,
            mp3_tmp,
            stream,
            rate: format.to,
        })
    }

    /// A failure of the stream as the run's, naming the file.
    fn failed(&self, e: stream::Error) -> Error {
        failed(&self.wav_path, &self.mp3_path, e)
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

    /// Completes both files for `manifest` (whose paragraphs were pushed, in order) with its
    /// chapter times, puts them in place atomically, and returns what the manifest records.
    pub fn finish(
        self,
        store: &Store,
        manifest: &Manifest,
        artist: &str,
        hash: String,
    ) -> Result<EpisodeEntry> {
        let program = manifest.program(artist);
        // The times every listing writes, so the CHAP frames agree with them to the ms.
        let spans = crate::output::fmt::spans(&program.chapters);
        let ms = |t: u64| u32::try_from(t).unwrap_or(u32::MAX);
        let tags = tags(
            &manifest.title,
            artist,
            program
                .chapters
                .iter()
                .zip(spans)
                .map(|(c, (start, end))| (c.index, c.title.as_str(), ms(start), ms(end))),
        );
        let Writer {
            wav_path,
            mp3_path,
            wav_tmp,
            mp3_tmp,
            stream,
            rate,
        } = self;
        let finished = stream
            .finish(&tags)
            .map_err(|e| failed(&wav_path, &mp3_path, e))?;
        let stamps = store.place_all(vec![(WAV.to_owned(), wav_tmp), (MP3.to_owned(), mp3_tmp)])?;
        let files = FILES.into_iter().map(str::to_owned).zip(stamps).collect();
        // Integrated loudness measured on the paragraph files as they are (engine rate, half
        // the work); the true peak is the highest of theirs, each measured 4x oversampled
        // when it was normalized.
        let true_peak = manifest
            .paragraphs
            .iter()
            .filter_map(|p| p.loudness.and_then(|l| l.true_peak))
            .map(|d| d.0)
            .reduce(f64::max);
        let loudness = Loudness {
            integrated: finished.integrated.map(Lufs),
            range: None,
            true_peak: true_peak.map(Db),
            sample_peak: None,
            rms: None,
        };
        Ok(EpisodeEntry {
            hash,
            sample_rate: rate,
            frames: finished.frames,
            loudness: Some(loudness),
            files,
        })
    }
}

/// A failure of the episode stream as the run's, naming the file it is about.
fn failed(wav: &Path, mp3: &Path, e: stream::Error) -> Error {
    let path = match e.part {
        Part::Wav => wav,
        Part::Mp3 => mp3,
    };
    Error::output(path, "cannot write", std::io::Error::other(e.message))
}
