//! The episode as one WAV stream: every paragraph, resampled to the episode's rate, appended
//! to a WAV file (RF64 past 4 GiB) and measured for loudness on the way.
//!
//! Each paragraph is resampled on its own (every paragraph starts and ends in silence, so
//! there is no seam) to exactly the length its position in the program asks for, so chapter
//! times stay exact whatever the rates. Knows nothing of settings, manifests or folders: the
//! caller hands it an open file and takes it back. (`episode.mp3` is made of per-paragraph
//! segments instead: [`super::mp3::segment`].)

use std::fs::File;
use std::io::BufWriter;

use super::{resample, wav64};

/// A failure writing the episode.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

fn failed(e: impl std::fmt::Display) -> Error {
    Error(e.to_string())
}

/// What the finished stream measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finished {
    /// Samples in the file, at the episode's rate.
    pub frames: u64,
    /// Integrated loudness of the program, LUFS (none for silence).
    pub integrated: Option<f64>,
}

/// The WAV file being written.
pub struct Stream {
    from: u32,
    to: u32,
    wav: wav64::Writer<BufWriter<File>>,
    meter: ebur128::EbuR128,
    /// Frames so far at the paragraphs' rate, and at the episode's (the current
    /// paragraph's included).
    done_from: u64,
    done_to: u64,
    /// The paragraph being pushed.
    paragraph: Option<Paragraph>,
}

/// A paragraph on its way into the episode.
struct Paragraph {
    resampler: resample::Stream,
    /// Samples still to write, at the episode's rate.
    left: u64,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("episode::Stream")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("frames", &self.done_to)
            .finish_non_exhaustive()
    }
}

impl Stream {
    /// Starts writing `wav` (an empty file) at `to` Hz from paragraphs at `from` Hz.
    pub fn start(wav: File, from: u32, to: u32) -> Result<Stream, Error> {
        let wav = wav64::Writer::new(BufWriter::new(wav), to).map_err(failed)?;
        let meter = ebur128::EbuR128::new(1, from, ebur128::Mode::I).map_err(failed)?;
        Ok(Stream {
            from,
            to,
            wav,
            meter,
            done_from: 0,
            done_to: 0,
            paragraph: None,
        })
    }

    /// Starts the next paragraph, `len` samples long at the paragraphs' rate; its samples
    /// follow with [`Stream::push`] and it ends with [`Stream::end`].
    pub fn begin(&mut self, len: u64) -> Result<(), Error> {
        let resampler = resample::Stream::new(self.from, self.to).map_err(failed)?;
        self.done_from += len;
        let end = resample::resampled_len(self.done_from as usize, self.from, self.to) as u64;
        // Exactly the length this paragraph's place in the program asks for (±1 sample of
        // edge silence), so chapter times stay exact whatever the rates.
        self.paragraph = Some(Paragraph {
            resampler,
            left: end - self.done_to,
        });
        self.done_to = end;
        Ok(())
    }

    /// Appends the current paragraph's next samples, exactly as its file holds them.
    pub fn push(&mut self, samples: &[f32]) -> Result<(), Error> {
        self.meter.add_frames_f32(samples).map_err(failed)?;
        let mut resampled = Vec::new();
        let paragraph = self.paragraph.as_mut().expect("push between begin and end");
        paragraph
            .resampler
            .push(samples, &mut resampled)
            .map_err(failed)?;
        resampled.truncate(paragraph.left as usize);
        paragraph.left -= resampled.len() as u64;
        self.wav.push(&resampled).map_err(failed)
    }

    /// Ends the current paragraph: the resampler's last samples, cut or padded with
    /// silence to the paragraph's length.
    pub fn end(&mut self) -> Result<(), Error> {
        let paragraph = self.paragraph.take().expect("end after begin");
        let mut resampled = Vec::new();
        paragraph.resampler.finish(&mut resampled).map_err(failed)?;
        resampled.resize(paragraph.left as usize, 0.0);
        self.wav.push(&resampled).map_err(failed)
    }

    /// Completes the file, flushed; what was measured.
    pub fn finish(self) -> Result<Finished, Error> {
        let (mut wav, _) = self.wav.finish().map_err(failed)?;
        std::io::Write::flush(&mut wav).map_err(failed)?;
        Ok(Finished {
            frames: self.done_to,
            integrated: self.meter.loudness_global().ok().filter(|x| x.is_finite()),
        })
    }
}
