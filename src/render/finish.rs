//! The finishing half of a run: each paragraph's loudness, its file, and its part of the
//! episode, on a thread of its own while the next paragraph is spoken.
//!
//! A paragraph arrives as a [`Spool`] and leaves as a stream: its normalization is decided
//! by measuring passes, then the result goes chunk by chunk to each [`Sink`] (the WAV file
//! and the episode) at once, so memory does not grow with the paragraph's length.

use std::io::{BufReader, BufWriter};
use std::sync::mpsc::SyncSender;

use super::episode;
use super::plan::{Action, Plan};
use super::segments::{self, Segments};
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
    /// A paragraph file left as it is (its blake3 hash as recorded); the episode reads it.
    Kept { file: String, hash: String },
}

/// The second half of a paragraph's way: loudness, its file, the episode.
pub(super) struct Finisher<'a> {
    pub store: &'a Store,
    pub target: Option<Target>,
    /// `episode.wav`, when this run writes it.
    pub episode: Option<episode::WavWriter>,
    /// The segment cache and the encoders' queue, when this run writes `episode.mp3`: each
    /// placed paragraph whose segment is not cached goes to the queue.
    pub segments: Option<(&'a Segments, SyncSender<segments::Job>)>,
}

/// A fresh paragraph's file: its manifest slot, measured loudness and stamp.
pub(super) type Finished = (usize, Option<Loudness>, FileStamp);

/// The most samples a 16-bit mono WAV file holds: its sizes are 32-bit byte counts.
pub const WAV_MAX_FRAMES: u64 = (u32::MAX as u64 - 36) / 2;

/// Whether a paragraph of `frames` samples fits a WAV file (see [`WAV_MAX_FRAMES`]).
pub(super) fn fits_a_wav(frames: u64) -> bool {
    frames <= WAV_MAX_FRAMES
}

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

/// Where a finished paragraph's samples go, in order, exactly as its file holds them: the
/// paragraph's own file ([`ParagraphFile`]) and the episode ([`episode::Writer`]).
pub(super) trait Sink {
    /// A paragraph of `frames` samples starts.
    fn begin(&mut self, frames: u64) -> Result<()>;
    /// Its next samples.
    fn push(&mut self, samples: &[i16]) -> Result<()>;
    /// It is complete.
    fn end(&mut self) -> Result<()>;
}

impl Sink for episode::WavWriter {
    fn begin(&mut self, frames: u64) -> Result<()> {
        episode::WavWriter::begin(self, frames)
    }

    fn push(&mut self, samples: &[i16]) -> Result<()> {
        let samples: Vec<f32> = samples.iter().map(|&s| audio::to_f32(s)).collect();
        episode::WavWriter::push(self, &samples)
    }

    fn end(&mut self) -> Result<()> {
        episode::WavWriter::end(self)
    }
}

/// A paragraph's WAV file, written in the output folder's staging area until
/// [`ParagraphFile::place`] puts it under its name.
struct ParagraphFile {
    path: std::path::PathBuf,
    staged: tempfile::NamedTempFile,
    wav: hound::WavWriter<BufWriter<std::fs::File>>,
}

impl ParagraphFile {
    fn create(store: &Store, name: &str, rate: u32) -> Result<ParagraphFile> {
        let path = store.out().join(name);
        let staged = store.stage(name)?;
        let file = staged
            .as_file()
            .try_clone()
            .map_err(|e| Error::output(&path, "cannot write", e))?;
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let wav = hound::WavWriter::new(BufWriter::new(file), spec)
            .map_err(|e| Error::output(&path, "cannot write", std::io::Error::other(e)))?;
        Ok(ParagraphFile { path, staged, wav })
    }

    fn cannot_write(&self, e: hound::Error) -> Error {
        Error::output(&self.path, "cannot write", std::io::Error::other(e))
    }

    /// Completes the file and puts it in place.
    fn place(self, store: &Store, name: &str) -> Result<FileStamp> {
        let ParagraphFile { path, staged, wav } = self;
        wav.finalize()
            .map_err(|e| Error::output(&path, "cannot write", std::io::Error::other(e)))?;
        store.place(name, staged)
    }
}

impl Sink for ParagraphFile {
    fn begin(&mut self, _: u64) -> Result<()> {
        Ok(())
    }

    fn push(&mut self, samples: &[i16]) -> Result<()> {
        let mut w16 = self.wav.get_i16_writer(samples.len() as u32);
        for &s in samples {
            w16.write_sample(s);
        }
        w16.flush().map_err(|e| self.cannot_write(e))
    }

    fn end(&mut self) -> Result<()> {
        Ok(())
    }
}

impl Finisher<'_> {
    /// Finishes every paragraph sent, in order, until the sender hangs up. Returns each
    /// fresh paragraph's file, and the episode.
    pub fn run(
        mut self,
        queue: std::sync::mpsc::Receiver<Job>,
    ) -> Result<(Vec<Finished>, Option<episode::WavWriter>)> {
        let mut measured = Vec::new();
        for job in queue {
            match job {
                Job::Fresh { slot, file, spool } => {
                    let (loudness, stamp) = self.fresh(&file, &spool)?;
                    self.encode(&file, &stamp.hash);
                    measured.push((slot, loudness, stamp));
                }
                Job::Kept { file, hash } => {
                    self.kept(&file)?;
                    self.encode(&file, &hash);
                }
            }
        }
        Ok((measured, self.episode))
    }

    /// Queues the paragraph file `name` (hashed `hash`) for its MP3 segment, unless the
    /// segment is cached (a file made afresh may be one made before: an undo).
    fn encode(&self, name: &str, hash: &str) {
        let Some((segments, queue)) = &self.segments else {
            return;
        };
        if segments.contains(hash) {
            return;
        }
        let job = segments::Job {
            wav: self.store.out().join(name),
            hash: hash.to_owned(),
        };
        // The encoders stop only when this queue is dropped; a failed send leaves the
        // segment to be encoded when the episode is assembled.
        let _ = queue.send(job);
    }

    /// Normalizes `spool` and streams it to its file `name` and to the episode.
    fn fresh(&mut self, name: &str, spool: &Spool) -> Result<(Option<Loudness>, FileStamp)> {
        let path = self.store.out().join(name);
        if !fits_a_wav(spool.len()) {
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
        let mut file = ParagraphFile::create(self.store, name, spool.rate())?;
        {
            let mut sinks: Vec<&mut dyn Sink> = vec![&mut file];
            sinks.extend(self.episode.as_mut().map(|e| e as &mut dyn Sink));
            for sink in &mut sinks {
                sink.begin(spool.len())?;
            }
            let mut quantized = Vec::new();
            // The file's samples, and the episode gets them as a later run reading the file
            // would: clean and incremental builds give the same episode.
            let mut send = |chunk: &[f32]| -> Result<()> {
                quantized.clear();
                quantized.extend(chunk.iter().map(|&s| audio::to_i16(s)));
                sinks.iter_mut().try_for_each(|sink| sink.push(&quantized))
            };
            match &normalization {
                Some(n) => {
                    n.apply(spool, |c| send(c).map_err(Failed::Run))
                        .map_err(|e| match e {
                            Failed::Audio(e) => failed(e),
                            Failed::Run(e) => e,
                        })?
                }
                None => {
                    let mut chunks = spool.chunks(loudness::CHUNK);
                    while let Some(chunk) = chunks.next_chunk().map_err(|e| failed(e.into()))? {
                        send(chunk)?;
                    }
                }
            }
            for sink in &mut sinks {
                sink.end()?;
            }
        }
        let stamp = file.place(self.store, name)?;
        Ok((normalization.map(|n| n.gain().after), stamp))
    }

    /// Streams the kept paragraph file `name` to the episode.
    fn kept(&mut self, name: &str) -> Result<()> {
        let Some(episode) = &mut self.episode else {
            return Ok(());
        };
        let path = self.store.out().join(name);
        let cannot_read =
            |e: hound::Error| Error::output(&path, "cannot read", std::io::Error::other(e));
        let file =
            std::fs::File::open(&path).map_err(|e| Error::output(&path, "cannot read", e))?;
        let mut reader = hound::WavReader::new(BufReader::new(file)).map_err(cannot_read)?;
        Sink::begin(episode, u64::from(reader.duration()))?;
        let mut chunk = Vec::with_capacity(loudness::CHUNK);
        let mut samples = reader.samples::<i16>();
        loop {
            chunk.clear();
            for s in samples.by_ref().take(loudness::CHUNK) {
                chunk.push(s.map_err(cannot_read)?);
            }
            if chunk.is_empty() {
                break;
            }
            Sink::push(episode, &chunk)?;
        }
        Sink::end(episode)
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
