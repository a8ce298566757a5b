//! The finishing half of a run: each paragraph's loudness, its file, and its part of the
//! episode, on a thread of its own while the next paragraph is spoken.
//!
//! A paragraph arrives as a [`Spool`] and leaves as a stream: its normalization is decided
//! by measuring passes, then the result goes chunk by chunk to the WAV file and the
//! episode at once, so memory does not grow with the paragraph's length.

use std::io::{BufReader, BufWriter};

use super::episode;
use super::plan::{Action, Plan};
use super::stamp::FileStamp;
use super::store::Store;
use crate::audio;
use crate::audio::loudness::{self, Loudness, Target};
use crate::audio::spool::Spool;
use crate::config::Settings;
use crate::error::{Error, InputError, Result};

/// A paragraph for the finisher.
pub(super) enum Job {
    /// Freshly assembled audio, for the file `file`; `slot` is its manifest entry.
    Fresh {
        slot: usize,
        file: String,
        spool: Spool,
    },
    /// A paragraph file left as it is; the episode reads it.
    Kept { file: String },
}

/// The second half of a paragraph's way: loudness, its file, the episode.
pub(super) struct Finisher<'a> {
    pub store: &'a Store,
    pub target: Option<Target>,
    pub stream: Option<episode::Stream>,
}

/// A fresh paragraph's file: its manifest slot, measured loudness and stamp.
pub(super) type Finished = (usize, Option<Loudness>, FileStamp);

/// The most samples a 16-bit mono WAV file holds: its sizes are 32-bit byte counts.
pub const WAV_MAX_FRAMES: u64 = (u32::MAX as u64 - 36) / 2;

/// Refuses, before any speech, a paragraph to assemble whose words at the voice's rate
/// (with its pauses) come to more audio than its WAV file can hold. An estimate: one that
/// passes the limit all the same is stopped when its audio does ([`Finisher`]).
pub(super) fn refuse_too_long(plan: &Plan, settings: &Settings, rate: u32) -> Result<()> {
    let wpm = f64::from(settings.script.voice.rate.0.max(1));
    let layout = &settings.layout;
    for step in plan.steps.iter().filter(|s| s.action != Action::Keep) {
        let p = &step.keyed.paragraph;
        let words: usize = p
            .sentences
            .iter()
            .map(|s| s.speech.split_whitespace().count())
            .sum();
        let pauses = layout.sentence_pause.as_secs_f64() * p.sentences.len() as f64
            + (layout.head + layout.tail).as_secs_f64();
        let seconds = words as f64 * 60.0 / wpm + pauses;
        let limit = WAV_MAX_FRAMES as f64 / f64::from(rate);
        if seconds > limit {
            return Err(Error::Input(InputError::TooLong {
                path: settings.script.script.display(),
                line: p.line,
                paragraph: p.index,
                hours: seconds / 3600.0,
                limit: limit / 3600.0,
                rate,
            }));
        }
    }
    Ok(())
}

impl Finisher<'_> {
    /// Finishes every paragraph sent, in order, until the sender hangs up. Returns each
    /// fresh paragraph's file, and the episode.
    pub fn run(
        mut self,
        queue: std::sync::mpsc::Receiver<Job>,
    ) -> Result<(Vec<Finished>, Option<episode::Stream>)> {
        let mut measured = Vec::new();
        for job in queue {
            match job {
                Job::Fresh { slot, file, spool } => {
                    let (loudness, stamp) = self.fresh(&file, &spool)?;
                    measured.push((slot, loudness, stamp));
                }
                Job::Kept { file } => self.kept(&file)?,
            }
        }
        Ok((measured, self.stream))
    }

    /// Normalizes `spool` and streams it to its file `name` and to the episode.
    fn fresh(&mut self, name: &str, spool: &Spool) -> Result<(Option<Loudness>, FileStamp)> {
        let path = self.store.out().join(name);
        if spool.len() > WAV_MAX_FRAMES {
            return Err(Error::output(
                &path,
                "cannot write",
                std::io::Error::other(format!(
                    "{} of audio is more than a WAV file holds; split the paragraph",
                    crate::output::fmt::hms(crate::output::fmt::millis(spool.duration()))
                )),
            ));
        }
        let failed =
            |e: loudness::Error| Error::output(&path, "cannot write", std::io::Error::other(e));
        let normalization = match &self.target {
            Some(target) => Some(loudness::decide(spool, target).map_err(failed)?),
            None => None,
        };
        let staged = self.store.stage(name)?;
        let cannot_write = |e: std::io::Error| Error::output(&path, "cannot write", e);
        let file = staged.as_file().try_clone().map_err(cannot_write)?;
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: spool.rate(),
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut wav = hound::WavWriter::new(BufWriter::new(file), spec)
            .map_err(|e| cannot_write(std::io::Error::other(e)))?;
        if let Some(stream) = &mut self.stream {
            stream.begin(spool.len())?;
        }
        let mut quantized = Vec::new();
        let mut sink = |chunk: &[f32]| -> Result<()> {
            // The file's samples, and the episode gets them as a later run reading the file
            // would: clean and incremental builds give the same episode.
            quantized.clear();
            quantized.extend(chunk.iter().map(|&s| audio::to_i16(s)));
            let mut w16 = wav.get_i16_writer(quantized.len() as u32);
            for &s in &quantized {
                w16.write_sample(s);
            }
            w16.flush()
                .map_err(|e| cannot_write(std::io::Error::other(e)))?;
            if let Some(stream) = &mut self.stream {
                let samples: Vec<f32> = quantized.iter().map(|&s| audio::to_f32(s)).collect();
                stream.push(&samples)?;
            }
            Ok(())
        };
        match &normalization {
            Some(n) => n
                .apply(spool, |c| sink(c).map_err(Failed::Run))
                .map_err(|e| match e {
                    Failed::Audio(e) => failed(e),
                    Failed::Run(e) => e,
                })?,
            None => {
                let mut chunks = spool.chunks(loudness::CHUNK);
                while let Some(chunk) = chunks.next_chunk().map_err(|e| failed(e.into()))? {
                    sink(chunk)?;
                }
            }
        }
        wav.finalize()
            .map_err(|e| cannot_write(std::io::Error::other(e)))?;
        if let Some(stream) = &mut self.stream {
            stream.end()?;
        }
        let stamp = self.store.place(name, staged)?;
        Ok((normalization.map(|n| n.gain().after), stamp))
    }

    /// Streams the kept paragraph file `name` to the episode.
    fn kept(&mut self, name: &str) -> Result<()> {
        let Some(stream) = &mut self.stream else {
            return Ok(());
        };
        let path = self.store.out().join(name);
        let cannot_read =
            |e: hound::Error| Error::output(&path, "cannot read", std::io::Error::other(e));
        let file =
            std::fs::File::open(&path).map_err(|e| Error::output(&path, "cannot read", e))?;
        let mut reader = hound::WavReader::new(BufReader::new(file)).map_err(cannot_read)?;
        stream.begin(u64::from(reader.duration()))?;
        let mut chunk = Vec::with_capacity(loudness::CHUNK);
        let mut samples = reader.samples::<i16>();
        loop {
            chunk.clear();
            for s in samples.by_ref().take(loudness::CHUNK) {
                chunk.push(audio::to_f32(s.map_err(cannot_read)?));
            }
            if chunk.is_empty() {
                break;
            }
            stream.push(&chunk)?;
        }
        stream.end()
    }
}

/// Why streaming a normalized paragraph stopped: reading its spool, or writing.
enum Failed {
    Audio(loudness::Error),
    Run(Error),
}

impl From<loudness::Error> for Failed {
    fn from(e: loudness::Error) -> Failed {
        Failed::Audio(e)
    }
}
