//! `episode.mp3` from one cached MP3 segment per paragraph.
//!
//! Every paragraph file ends in silence padded to whole MP3 frames at the episode rate (see
//! [`crate::audio::mp3::segment`]), so each paragraph is encoded on its own and the episode
//! is the segments joined in order, behind the ID3 tag and an Info frame. A segment is
//! cached under the hash of what determines it: the paragraph file's bytes, the episode's
//! rate and bit rate, and the encoder. A clean build encodes the segments on every core
//! while the next paragraphs are spoken; an edit encodes the edited paragraphs' segments
//! and copies the others.
//!
//! Beside each segment its loudness blocks are kept ([`Blocks`], measured on the decoded
//! segment when it is encoded), so the episode's loudness is that of the MP3 listeners
//! hear, and an edit measures only the segments it encodes.

use std::io::{BufReader, BufWriter, Write};
use std::path::Path;
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::{Mutex, PoisonError};

use super::stamp::{Digest, Hashing};
use crate::audio::loudness::blocks::Blocks;
use crate::audio::mp3::segment::{self, Encoder, Segment};
use crate::audio::mp3::{self, Format};
use crate::audio::{self, resample};
use crate::error::{Error, Result};

/// The segment cache's folder in `.narrate/`.
pub const DIR: &str = "segments";

/// The segments of one episode format, in an output folder's cache.
#[derive(Debug, Clone)]
pub struct Segments {
    dir: PathBuf,
    tmp: PathBuf,
    format: Format,
    /// The paragraph files' sample rate.
    from: u32,
    encoder: String,
}

/// A paragraph file whose segment is to be encoded.
#[derive(Debug, Clone)]
pub struct Job {
    pub wav: PathBuf,
    /// Its blake3 hash, as its stamp records it.
    pub hash: String,
}

/// An assembled `episode.mp3`.
#[derive(Debug)]
pub struct Assembled {
    pub written: mp3::episode::Written,
    /// The file's blake3 hash and length, taken as it was written.
    pub digest: Digest,
    /// Segments that had to be encoded while assembling (missing or damaged).
    pub encoded: usize,
    /// Each segment's loudness blocks, in order.
    pub blocks: Vec<Blocks>,
    /// About damaged segments.
    pub warnings: Vec<String>,
}

/// What the cache holds for a paragraph.
#[derive(Debug)]
enum Lookup {
    Hit(Segment, PathBuf),
    Miss,
    /// A file is there but is not the segment (its reason): encoded again.
    Damaged(PathBuf, String),
}

impl Segments {
    /// The segments at `to` Hz and `kbps` of paragraphs at `from` Hz, cached in `dir`,
    /// written through `tmp`.
    pub fn new(dir: PathBuf, tmp: PathBuf, from: u32, to: u32, kbps: u32) -> Result<Segments> {
        let format = Format::new(to, kbps).map_err(|e| Error::Other(e.into()))?;
        Ok(Segments {
            dir,
            tmp,
            format,
            from,
            encoder: segment::encoder_id(),
        })
    }

    /// Where the segment of the paragraph file hashed `hash` is kept.
    pub fn path(&self, hash: &str) -> PathBuf {
        let key = format!(
            "{hash}\n{} Hz\n{} kbps\n{}",
            self.format.sample_rate(),
            self.format.kbps(),
            self.encoder
        );
        let key = blake3::hash(key.as_bytes()).to_hex();
        self.dir.join(format!("{}.mp3", &key[..32]))
    }

    /// Whether a segment is cached for the paragraph file hashed `hash` (not checked).
    pub fn contains(&self, hash: &str) -> bool {
        self.path(hash).is_file()
    }

    /// What the cache holds for the paragraph file hashed `hash`, `frames` samples long:
    /// its segment as the file's size claims it, checked only when it is copied.
    fn claim(&self, hash: &str, frames: u64) -> Lookup {
        let path = self.path(hash);
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {
                let segment = Segment {
                    format: self.format,
                    frames: self.frames_of(frames),
                    bytes: m.len(),
                };
                Lookup::Hit(segment, path)
            }
            Ok(_) => Lookup::Damaged(path, "not a file".to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Lookup::Miss,
            Err(e) => Lookup::Damaged(path, e.to_string()),
        }
    }

    /// MP3 frames of a paragraph of `frames` samples.
    fn frames_of(&self, frames: u64) -> u64 {
        frames * u64::from(self.format.sample_rate())
            / u64::from(self.from)
            / u64::from(self.format.frame_len())
    }

    /// Encodes the paragraph file of `job` into its segment, stored atomically.
    pub fn encode(&self, job: &Job) -> Result<Segment> {
        let cannot =
            |what: &'static str, e: String| Error::output(&job.wav, what, std::io::Error::other(e));
        let reader =
            hound::WavReader::open(&job.wav).map_err(|e| cannot("cannot read", e.to_string()))?;
        let len = u64::from(reader.duration());
        let to = self.format.sample_rate();
        if (len * u64::from(to)) % u64::from(self.from) != 0 {
            let why = format!("{len} samples are not a whole number at {to} Hz");
            return Err(cannot("cannot encode", why));
        }
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| Error::output(&self.dir, "cannot create", e))?;
        let staged = crate::staged::staged(&self.tmp)
            .map_err(|e| Error::output(&self.tmp, "cannot write", e))?;
        let file = staged
            .as_file()
            .try_clone()
            .map_err(|e| Error::output(staged.path(), "cannot write", e))?;
        let segment = self
            .encode_samples(reader, len * u64::from(to) / u64::from(self.from), file)
            .map_err(|e| cannot("cannot encode", e))?;
        staged
            .as_file()
            .sync_all()
            .map_err(|e| Error::output(staged.path(), "cannot write", e))?;
        let path = self.path(&job.hash);
        staged
            .persist(&path)
            .map_err(|e| Error::output(&path, "cannot write", e.error))?;
        self.measure(&job.hash)?;
        Ok(segment)
    }

    /// Where the loudness blocks of the segment of `hash` are kept: beside it.
    fn blocks_path(&self, hash: &str) -> PathBuf {
        self.path(hash).with_extension("blocks.json")
    }

    /// The loudness blocks of the cached segment of `hash`, as kept beside it, else
    /// measured now.
    pub fn blocks(&self, hash: &str) -> Result<Blocks> {
        let kept = std::fs::read(self.blocks_path(hash)).ok();
        match kept.and_then(|bytes| serde_json::from_slice(&bytes).ok()) {
            Some(blocks) => Ok(blocks),
            None => self.measure(hash),
        }
    }

    /// Decodes the segment of `hash`, measures its blocks and keeps them beside it.
    fn measure(&self, hash: &str) -> Result<Blocks> {
        let path = self.path(hash);
        let cannot = |e: &dyn std::fmt::Display| {
            Error::output(
                &path,
                "cannot measure",
                std::io::Error::other(e.to_string()),
            )
        };
        let file =
            std::fs::File::open(&path).map_err(|e| Error::output(&path, "cannot read", e))?;
        let samples =
            mp3::decode::decode(BufReader::new(file), self.format).map_err(|e| cannot(&e))?;
        let blocks =
            Blocks::measure(&samples, self.format.sample_rate()).map_err(|e| cannot(&e))?;
        let kept = self.blocks_path(hash);
        let json = serde_json::to_vec(&blocks).expect("numbers and options always serialize");
        crate::staged::write_atomic(&kept, &self.tmp, &json)
            .map_err(|e| Error::output(&kept, "cannot write", e))?;
        Ok(blocks)
    }

    /// Resamples the paragraph read by `reader` to exactly `out_len` samples at the episode
    /// rate and encodes them into `out`.
    fn encode_samples(
        &self,
        mut reader: hound::WavReader<BufReader<std::fs::File>>,
        out_len: u64,
        out: std::fs::File,
    ) -> std::result::Result<Segment, String> {
        let text = |e: &dyn std::fmt::Display| e.to_string();
        let mut encoder = Encoder::new(BufWriter::new(out), self.format).map_err(|e| text(&e))?;
        let mut resampler =
            resample::Stream::new(self.from, self.format.sample_rate()).map_err(|e| text(&e))?;
        let mut left = out_len;
        let mut chunk = Vec::with_capacity(audio::loudness::CHUNK);
        let mut resampled = Vec::new();
        let mut samples = reader.samples::<i16>();
        loop {
            chunk.clear();
            for s in samples.by_ref().take(audio::loudness::CHUNK) {
                chunk.push(audio::to_f32(s.map_err(|e| text(&e))?));
            }
            if chunk.is_empty() {
                break;
            }
            resampled.clear();
            resampler
                .push(&chunk, &mut resampled)
                .map_err(|e| text(&e))?;
            resampled.truncate(left as usize);
            left -= resampled.len() as u64;
            encoder.push(&resampled).map_err(|e| text(&e))?;
        }
        resampled.clear();
        resampler.finish(&mut resampled).map_err(|e| text(&e))?;
        // Cut or padded with silence to the paragraph's exact length at the episode rate.
        resampled.resize(left as usize, 0.0);
        encoder.push(&resampled).map_err(|e| text(&e))?;
        let (segment, mut out) = encoder.finish().map_err(|e| text(&e))?;
        out.flush().map_err(|e| text(&e))?;
        Ok(segment)
    }

    /// Encodes the jobs that come through `jobs` on `workers` threads until the sender
    /// hangs up; how many were encoded. One that fails is left to [`Segments::assemble`],
    /// which encodes it again and reports the error.
    pub fn work(&self, jobs: Receiver<Job>, workers: usize) -> usize {
        let jobs = Mutex::new(jobs);
        let encoded = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..workers.max(1) {
                scope.spawn(|| loop {
                    let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
                    let Ok(job) = job else { break };
                    if self.encode(&job).is_ok() {
                        encoded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                });
            }
        });
        encoded.into_inner()
    }

    /// Writes `episode.mp3` into `file` from the segments of `paragraphs` (each its file,
    /// hash and length in samples), encoding any that are missing now. Each segment is read
    /// once, checked as it is copied; one found damaged is encoded again (with a warning)
    /// and the file written again from the start. Memory stays a buffer.
    pub fn assemble(
        &self,
        file: &std::fs::File,
        tags: &mp3::Tags,
        paragraphs: &[(PathBuf, String, u64)],
    ) -> Result<Assembled> {
        self.assemble_in_room(file, tags, paragraphs, (0, 0))
    }

    /// [`Segments::assemble`] with `room` (head, tail) MP3 frames of digital silence before
    /// the first paragraph and after the last: an ACX chapter file's room tone.
    pub fn assemble_in_room(
        &self,
        file: &std::fs::File,
        tags: &mp3::Tags,
        paragraphs: &[(PathBuf, String, u64)],
        room: (u64, u64),
    ) -> Result<Assembled> {
        let mut warnings = Vec::new();
        let mut encoded = 0;
        // Each paragraph's segment, and whether it was checked (encoded by this run); the
        // silences are encoded by this run, so never replaced.
        let mut parts = Vec::with_capacity(paragraphs.len() + 2);
        let lead = usize::from(room.0 > 0);
        if room.0 > 0 {
            parts.push(self.silence(room.0)?);
        }
        for (wav, hash, frames) in paragraphs {
            let part = match self.claim(hash, *frames) {
                Lookup::Hit(segment, path) => (segment, path, false),
                other => {
                    if let Lookup::Damaged(path, why) = other {
                        warnings.push(damaged(&path, &why));
                    }
                    encoded += 1;
                    (self.encode(&job(wav, hash))?, self.path(hash), true)
                }
            };
            parts.push(part);
        }
        if room.1 > 0 {
            parts.push(self.silence(room.1)?);
        }
        loop {
            let (written, digest) = match self.write(file, tags, &parts) {
                Ok(done) => done,
                Err(e) => match fault(&e) {
                    // A cached segment found damaged or unreadable: encoded again, and the
                    // file written again. One this run made is not: the fault is not the
                    // cache's, and making it again could go on without end.
                    Some((index, why)) if !parts[index].2 => {
                        let paragraph = &paragraphs[index - lead];
                        self.replace(&mut parts[index], paragraph, &why, &mut warnings)?;
                        encoded += 1;
                        continue;
                    }
                    _ => return Err(Error::Other(anyhow::anyhow!("episode.mp3: {e}"))),
                },
            };
            let blocks = paragraphs
                .iter()
                .map(|(_, hash, _)| self.blocks(hash))
                .collect::<Result<_>>()?;
            return Ok(Assembled {
                written,
                digest,
                encoded,
                blocks,
                warnings,
            });
        }
    }

    /// Writes the episode into `file` from its start, hashing it as it goes.
    fn write(
        &self,
        mut file: &std::fs::File,
        tags: &mp3::Tags,
        parts: &[(Segment, PathBuf, bool)],
    ) -> std::result::Result<(mp3::episode::Written, Digest), mp3::Error> {
        use std::io::Seek;
        file.set_len(0).map_err(mp3::Error::Io)?;
        file.rewind().map_err(mp3::Error::Io)?;
        let mut out = Hashing::new(BufWriter::new(file));
        let list: Vec<Segment> = parts.iter().map(|p| p.0).collect();
        let written = mp3::episode::write(&mut out, tags, &list, |index| {
            std::fs::File::open(&parts[index].1)
        })?;
        let (out, digest) = out.finish();
        out.into_inner()
            .map_err(|e| mp3::Error::Io(e.into_error()))?;
        Ok((written, digest))
    }

    /// A segment of `frames` MP3 frames of digital silence, encoded now (a few
    /// milliseconds) into the cache: checked, as this run made it.
    fn silence(&self, frames: u64) -> Result<(Segment, PathBuf, bool)> {
        let path = self.path(&format!("silence of {frames} frames"));
        let cannot =
            |what: &'static str, e: String| Error::output(&path, what, std::io::Error::other(e));
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| Error::output(&self.dir, "cannot create", e))?;
        let staged = crate::staged::staged(&self.tmp)
            .map_err(|e| Error::output(&self.tmp, "cannot write", e))?;
        let file = (staged.as_file().try_clone())
            .map_err(|e| Error::output(staged.path(), "cannot write", e))?;
        let text = |e: mp3::Error| cannot("cannot encode", e.to_string());
        let mut encoder = Encoder::new(BufWriter::new(file), self.format).map_err(text)?;
        let len = frames * u64::from(self.format.frame_len());
        encoder.push(&vec![0.0; len as usize]).map_err(text)?;
        let (segment, mut out) = encoder.finish().map_err(text)?;
        out.flush()
            .and_then(|()| staged.as_file().sync_all())
            .map_err(|e| cannot("cannot write", e.to_string()))?;
        staged
            .persist(&path)
            .map_err(|e| Error::output(&path, "cannot write", e.error))?;
        Ok((segment, path, true))
    }

    /// Encodes the damaged segment of `part` (the paragraph `paragraph`) again.
    fn replace(
        &self,
        part: &mut (Segment, PathBuf, bool),
        paragraph: &(PathBuf, String, u64),
        why: &str,
        warnings: &mut Vec<String>,
    ) -> Result<()> {
        warnings.push(damaged(&part.1, why));
        let (wav, hash, _) = paragraph;
        *part = (self.encode(&job(wav, hash))?, self.path(hash), true);
        Ok(())
    }

    /// The episode's sample rate.
    pub fn sample_rate(&self) -> u32 {
        self.format.sample_rate()
    }

    /// The episode's bit rate, kbps.
    pub fn kbps(&self) -> u32 {
        self.format.kbps()
    }

    /// Samples per MP3 frame.
    pub fn frame_len(&self) -> u32 {
        self.format.frame_len()
    }
}

/// Which segment an error writing the episode is about, and what is wrong with it: its
/// content, or reading it.
fn fault(e: &mp3::Error) -> Option<(usize, String)> {
    match e {
        mp3::Error::Segment { index, problem } => Some((*index, problem.clone())),
        mp3::Error::SegmentIo { index, source } => Some((*index, source.to_string())),
        _ => None,
    }
}

/// The warning about a damaged segment.
fn damaged(path: &Path, why: &str) -> String {
    format!(
        "{}: damaged MP3 segment ({why}); encoding it again",
        path.display()
    )
}

fn job(wav: &Path, hash: &str) -> Job {
    Job {
        wav: wav.to_path_buf(),
        hash: hash.to_owned(),
    }
}

#[cfg(test)]
mod tests;
