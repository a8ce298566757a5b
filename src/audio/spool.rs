//! An append-only store of one paragraph's samples whose memory stays bounded.
//!
//! A paragraph is assembled whole before it is normalized (one gain for all of it), so all
//! of its audio is kept until then. Ordinary paragraphs (tens of seconds) stay in memory,
//! where the loudness meter reads them as one slice; past [`IN_MEMORY`] of audio the samples
//! spill to an unnamed temporary file in a folder the caller names (the output's
//! `.narrate/tmp`, on the disk the files go to), and are read back in chunks. Without this,
//! a paragraph of a few hundred KB of text took gigabytes.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{fade_ends, frames, to_f32};

/// Audio kept in memory before a spool spills to disk: 3 minutes (16 MB at espeak-ng's
/// 22,050 Hz). Longer than any paragraph of an ordinary essay, short enough that a
/// paragraph, its normalized copy and the WAV being written stay well under 100 MB.
pub const IN_MEMORY: Duration = Duration::from_secs(180);

/// Samples gathered in memory between two writes once spilled (256 KB).
const WRITE_BATCH: usize = 1 << 16;

/// Bytes per stored sample: `f32`, little-endian.
const SAMPLE: usize = 4;

/// Mono `f32` samples at one rate, in memory up to a bound and in a temporary file beyond.
#[derive(Debug)]
pub struct Spool {
    rate: u32,
    dir: PathBuf,
    /// Samples held in memory at most, before spilling.
    limit: usize,
    /// Not spilled: every sample. Spilled: the samples after the `on_disk` in the file.
    memory: Vec<f32>,
    file: Option<File>,
    /// Samples in the file.
    on_disk: u64,
}

/// A spool's file could not be written or read.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot {action} a temporary audio file: {source}", .dir.display())]
pub struct Error {
    /// The folder the file is in.
    pub dir: PathBuf,
    pub action: &'static str,
    #[source]
    pub source: std::io::Error,
}

impl Spool {
    /// An empty spool at `rate` Hz that spills past [`IN_MEMORY`] into a temporary file in
    /// `dir` (which must exist then; nothing is created before).
    pub fn new(rate: u32, dir: impl Into<PathBuf>) -> Spool {
        Spool::with_limit(rate, dir, frames(IN_MEMORY, rate) as usize)
    }

    /// An empty spool that keeps at most `limit` samples in memory (tests force spilling
    /// with a small one).
    pub fn with_limit(rate: u32, dir: impl Into<PathBuf>, limit: usize) -> Spool {
        Spool {
            rate,
            dir: dir.into(),
            limit,
            memory: Vec::new(),
            file: None,
            on_disk: 0,
        }
    }

    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Length in samples (frames: the spool is mono).
    pub fn len(&self) -> u64 {
        self.on_disk + self.memory.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn duration(&self) -> Duration {
        super::duration(self.len(), self.rate)
    }

    /// The folder a spilled file goes to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the samples went to disk (then [`Spool::as_slice`] is `None`).
    pub fn is_spilled(&self) -> bool {
        self.file.is_some()
    }

    /// All the samples, when they are in memory.
    pub fn as_slice(&self) -> Option<&[f32]> {
        (!self.is_spilled()).then_some(&self.memory[..])
    }

    /// Appends `samples`, spilling to disk when the memory bound would be passed.
    pub fn push(&mut self, samples: &[f32]) -> Result<(), Error> {
        if self.file.is_none() && self.memory.len() + samples.len() > self.limit {
            self.spill()?;
        }
        if self.file.is_none() {
            self.memory.extend_from_slice(samples);
            return Ok(());
        }
        for piece in samples.chunks(WRITE_BATCH) {
            self.memory.extend_from_slice(piece);
            if self.memory.len() >= WRITE_BATCH {
                self.flush()?;
            }
        }
        Ok(())
    }

    /// Appends `d` of silence.
    pub fn push_silence(&mut self, d: Duration) -> Result<(), Error> {
        self.push_silent_frames(frames(d, self.rate))
    }

    /// Appends `n` samples of silence.
    pub fn push_silent_frames(&mut self, n: u64) -> Result<(), Error> {
        let silence = [0.0; 4096];
        let mut left = n as usize;
        while left > 0 {
            let n = left.min(silence.len());
            self.push(&silence[..n])?;
            left -= n;
        }
        Ok(())
    }

    /// Appends a piece of speech with short fades at both ends, as [`super::Pcm::push_speech`]
    /// does. Returns the frame range it occupies.
    pub fn push_speech(&mut self, speech: &[i16], fade: Duration) -> Result<Range<u64>, Error> {
        let start = self.len();
        let mut piece: Vec<f32> = speech.iter().map(|&s| to_f32(s)).collect();
        fade_ends(&mut piece, frames(fade, self.rate) as usize);
        self.push(&piece)?;
        Ok(start..self.len())
    }

    /// Drops the samples from `len` on (nothing when `len` is past the end).
    pub fn truncate(&mut self, len: u64) -> Result<(), Error> {
        if len >= self.on_disk {
            self.memory.truncate((len - self.on_disk) as usize);
            return Ok(());
        }
        self.memory.clear();
        if let Some(file) = &self.file {
            file.set_len(len * SAMPLE as u64)
                .map_err(self.error("write"))?;
        }
        self.on_disk = len;
        Ok(())
    }

    /// Reads the samples back in order, at most `n` at a time (`n` > 0).
    pub fn chunks(&self, n: usize) -> Chunks<'_> {
        Chunks {
            spool: self,
            at: 0,
            n: n.max(1),
            buffer: Vec::new(),
        }
    }

    /// Moves the samples held so far to a new temporary file.
    fn spill(&mut self) -> Result<(), Error> {
        let file = tempfile::tempfile_in(&self.dir).map_err(self.error("create"))?;
        for piece in self.memory.chunks(WRITE_BATCH) {
            write_at(&file, piece, self.on_disk).map_err(self.error("write"))?;
            self.on_disk += piece.len() as u64;
        }
        self.file = Some(file);
        self.memory = Vec::with_capacity(WRITE_BATCH);
        Ok(())
    }

    /// Writes the samples gathered in memory to the file, once spilled.
    fn flush(&mut self) -> Result<(), Error> {
        if let Some(file) = &self.file {
            write_at(file, &self.memory, self.on_disk).map_err(self.error("write"))?;
            self.on_disk += self.memory.len() as u64;
            self.memory.clear();
        }
        Ok(())
    }

    fn error(&self, action: &'static str) -> impl Fn(std::io::Error) -> Error + '_ {
        move |source| Error {
            dir: self.dir.clone(),
            action,
            source,
        }
    }
}

/// A spool read back in order: `while let Some(chunk) = chunks.next_chunk()? { .. }`.
#[derive(Debug)]
pub struct Chunks<'a> {
    spool: &'a Spool,
    /// The next sample to read.
    at: u64,
    n: usize,
    buffer: Vec<f32>,
}

impl Chunks<'_> {
    /// The next at most `n` samples (fewer where the file's part ends), `None` at the end.
    pub fn next_chunk(&mut self) -> Result<Option<&[f32]>, Error> {
        let spool = self.spool;
        if self.at >= spool.len() {
            return Ok(None);
        }
        let start = self.at;
        let file = match &spool.file {
            Some(file) if start < spool.on_disk => file,
            _ => {
                let from = (start - spool.on_disk) as usize;
                let to = spool.memory.len().min(from + self.n);
                self.at += (to - from) as u64;
                return Ok(Some(&spool.memory[from..to]));
            }
        };
        let count = (spool.on_disk - start).min(self.n as u64) as usize;
        self.buffer.resize(count, 0.0);
        read_at(file, &mut self.buffer, start).map_err(spool.error("read"))?;
        self.at += count as u64;
        Ok(Some(&self.buffer))
    }
}

// Reads and writes name their offset (in samples): readers share the file with the writer.

/// Reads `samples.len()` samples from sample `at` on.
fn read_at(file: &File, samples: &mut [f32], at: u64) -> std::io::Result<()> {
    let mut bytes = vec![0u8; samples.len() * SAMPLE];
    read_bytes_at(file, &mut bytes, at * SAMPLE as u64)?;
    for (s, b) in samples.iter_mut().zip(bytes.chunks_exact(SAMPLE)) {
        *s = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    }
    Ok(())
}

/// Writes `samples` from sample `at` on.
fn write_at(file: &File, samples: &[f32], at: u64) -> std::io::Result<()> {
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    write_bytes_at(file, &bytes, at * SAMPLE as u64)
}

#[cfg(unix)]
fn read_bytes_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(unix)]
fn write_bytes_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(windows)]
fn read_bytes_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_bytes_at(file: &File, mut buf: &[u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_write(buf, offset)? {
            0 => return Err(std::io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
