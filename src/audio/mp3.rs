//! MP3 encoding of the episode, with ID3v2 tags and embedded chapters.
//!
//! Podcast hosts take an MP3. It is constant bit rate so that a player can seek to a chapter
//! by arithmetic on the file size, which is exact only for CBR. LAME (through
//! `mp3lame-encoder`, built from the bundled LAME 3.100 sources, no download) encodes.
//!
//! Two ways to make one. [`Writer`] streams the whole program through one encoder and lets
//! LAME write its Info frame with the encoder delay and padding, which players trim. The
//! segment path encodes each paragraph on its own ([`segment`]) so that an edit re-encodes
//! only what changed and a build uses every core, and [`episode`] joins the segments behind
//! one tag and one Info frame; its first frame starts at the first program sample, so no
//! delay needs trimming. [`Format`] is the one place that says which sample rates and bit
//! rates an episode may have.

use std::fmt;
use std::io::{Seek, SeekFrom, Write};

use mp3lame_encoder::{FlushGap, MonoPcm};

pub mod decode;
pub mod episode;
mod format;
mod frame;
mod lame;
pub mod measure;
pub mod segment;
mod tag;

pub use format::{bitrates, Format, Mpeg, SAMPLE_RATES};
pub use tag::{padded_tag, retag, write_tag, ChapterMark, Picture, TagDate, Tags, TOC_ID};

/// Why an MP3 could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("there is no audio to encode")]
    Empty,
    #[error("MP3 cannot be {sample_rate} Hz (allowed: {:?})", SAMPLE_RATES)]
    SampleRate { sample_rate: u32 },
    #[error("a paragraph cannot be at {sample_rate} Hz")]
    SourceRate { sample_rate: u32 },
    #[error("MP3 at {sample_rate} Hz cannot be {kbps} kbps (allowed: {allowed:?})")]
    Bitrate {
        sample_rate: u32,
        kbps: u32,
        allowed: &'static [u32],
    },
    #[error("chapter {index} ({id:?}): {problem}")]
    Chapter {
        index: usize,
        id: String,
        problem: &'static str,
    },
    #[error("the MP3 encoder failed while {doing}: {message}")]
    Encoder {
        doing: &'static str,
        message: String,
    },
    #[error("cannot write the ID3 tag: {0}")]
    Tag(#[source] id3::Error),
    #[error("the ID3 tag would change size ({was} to {now} bytes)")]
    TagSize { was: u64, now: u64 },
    #[error("the file does not start with an ID3v2 tag")]
    NoTag,
    #[error(
        "a segment must be a whole number of {frame_len}-sample MP3 frames, \
         this one is {samples} samples (pad the paragraph first)"
    )]
    NotWholeFrames { samples: u64, frame_len: u32 },
    #[error("cannot decode the MP3 to measure it: {0}")]
    Decode(String),
    #[error("not an MP3 frame of this stream at byte {offset}: {problem}")]
    Stream { offset: u64, problem: &'static str },
    #[error("segment {index}: {problem}")]
    Segment { index: usize, problem: String },
    #[error("segment {index}: {source}")]
    SegmentIo {
        index: usize,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    SegmentFile {
        path: std::path::PathBuf,
        #[source]
        source: Box<Error>,
    },
    #[error("cannot write the MP3: {0}")]
    Io(#[source] std::io::Error),
}

/// Samples handed to LAME per call, to bound the output buffer.
const CHUNK: usize = 1 << 16;

/// Encode mono `samples` (at least one) at `sample_rate` as a CBR MP3 of `bitrate_kbps`, tagged with `tags`.
/// The output keeps the input's sample rate (LAME would otherwise pick one from the bit rate).
pub fn encode(
    samples: &[f32],
    sample_rate: u32,
    bitrate_kbps: u32,
    tags: &Tags,
) -> Result<Vec<u8>, Error> {
    if samples.is_empty() {
        return Err(Error::Empty);
    }
    let mut writer = Writer::new(
        std::io::Cursor::new(Vec::new()),
        sample_rate,
        bitrate_kbps,
        tags,
    )?;
    writer.push(samples)?;
    Ok(writer.finish()?.into_inner())
}

/// A streaming encoder: the tag first, then frames as samples arrive, then LAME's Info
/// frame written back over the placeholder at the start. Memory stays one chunk, whatever
/// the length of the episode.
pub struct Writer<W: Write + Seek> {
    out: W,
    encoder: mp3lame_encoder::Encoder,
    audio_start: u64,
    buffer: Vec<u8>,
    samples: u64,
}

impl<W: Write + Seek> fmt::Debug for Writer<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mp3::Writer")
            .field("samples", &self.samples)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Seek> Writer<W> {
    /// Writes the ID3 tag to `out` and prepares the encoder.
    pub fn new(
        mut out: W,
        sample_rate: u32,
        bitrate_kbps: u32,
        tags: &Tags,
    ) -> Result<Self, Error> {
        let format = Format::new(sample_rate, bitrate_kbps)?;
        let tag = tag::bare_tag(tags)?;
        out.write_all(&tag).map_err(Error::Io)?;
        let audio_start = tag.len() as u64;
        let encoder = lame::open(format, lame::Stream::Continuous)?.encoder;
        Ok(Writer {
            out,
            encoder,
            audio_start,
            buffer: Vec::new(),
            samples: 0,
        })
    }

    /// Where the audio starts: the size of the ID3 tag in front.
    pub fn audio_start(&self) -> u64 {
        self.audio_start
    }

    /// Encodes more samples.
    pub fn push(&mut self, samples: &[f32]) -> Result<(), Error> {
        for chunk in samples.chunks(CHUNK) {
            self.buffer.clear();
            self.buffer
                .reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
            self.encoder
                .encode_to_vec(MonoPcm(chunk), &mut self.buffer)
                .map_err(lame::failed("encoding"))?;
            self.out.write_all(&self.buffer).map_err(Error::Io)?;
            self.samples += chunk.len() as u64;
        }
        Ok(())
    }

    /// Flushes the encoder, fills in the Info frame, and gives the output back.
    pub fn finish(mut self) -> Result<W, Error> {
        if self.samples == 0 {
            return Err(Error::Empty);
        }
        self.buffer.clear();
        self.buffer
            .reserve(mp3lame_encoder::max_required_buffer_size(0));
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.buffer)
            .map_err(lame::failed("flushing"))?;
        self.out.write_all(&self.buffer).map_err(Error::Io)?;
        // LAME left an empty first frame for its Info tag; fill it in now that the length,
        // delay and padding are known.
        let mut info = Vec::with_capacity(self.encoder.lame_tag_size());
        if self.encoder.lame_tag_encode_to_vec(&mut info).is_some() {
            self.out
                .seek(SeekFrom::Start(self.audio_start))
                .and_then(|_| self.out.write_all(&info))
                .and_then(|()| self.out.seek(SeekFrom::End(0)).map(|_| ()))
                .map_err(Error::Io)?;
        }
        Ok(self.out)
    }
}

#[cfg(test)]
mod episode_tests;
#[cfg(test)]
mod segment_tests;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
