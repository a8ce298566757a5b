//! The episode as one stream of audio: every paragraph, resampled to the episode's rate,
//! appended to a WAV file (RF64 past 4 GiB) and a CBR MP3 whose LAME encoder runs on a
//! thread of its own, and measured for loudness on the way.
//!
//! Each paragraph is resampled on its own (every paragraph starts and ends in silence, so
//! there is no seam) to exactly the length its position in the program asks for, so chapter
//! times stay exact whatever the rates. The MP3's ID3 tag goes in front with the chapter
//! titles and placeholder times, and is written again with the real times at the end; its
//! size does not depend on the times. Knows nothing of settings, manifests or folders: the
//! caller hands it two open files and takes them back.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom};
use std::sync::mpsc::SyncSender;
use std::thread::JoinHandle;

use super::{mp3, resample, wav64};

/// Which of the two files a failure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Wav,
    Mp3,
}

/// A failure writing the episode, with the file it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub part: Part,
    pub message: String,
}

fn failed(part: Part, e: impl std::fmt::Display) -> Error {
    Error {
        part,
        message: e.to_string(),
    }
}

/// The episode's shape: the paragraphs' rate, the episode's rate and the MP3's bit rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Format {
    pub from: u32,
    pub to: u32,
    pub bitrate: u32,
}

/// What the finished stream measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finished {
    /// Samples in each file, at the episode's rate.
    pub frames: u64,
    /// Integrated loudness of the program, LUFS (none for silence).
    pub integrated: Option<f64>,
}

/// MP3 frames on their way to LAME's thread, and the thread.
type Encoder = (
    SyncSender<Vec<f32>>,
    JoinHandle<std::result::Result<(), mp3::Error>>,
);

/// Both files being written.
pub struct Stream {
    format: Format,
    wav: wav64::Writer<BufWriter<File>>,
    mp3: File,
    /// Size of the ID3 tag at the start of the MP3.
    tag_len: u64,
    encoder: Option<Encoder>,
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
            .field("format", &self.format)
            .field("frames", &self.done_to)
            .finish_non_exhaustive()
    }
}

impl Stream {
    /// Starts writing `wav` and `mp3` (empty files), the MP3 with the tag `placeholder`
    /// (the chapters with any times: [`Stream::finish`] writes the real ones).
    pub fn start(
        wav: File,
        mp3: File,
        format: Format,
        placeholder: &mp3::Tags,
    ) -> Result<Stream, Error> {
        let wav =
            wav64::Writer::new(BufWriter::new(wav), format.to).map_err(|e| failed(Part::Wav, e))?;
        let encoder_file = mp3.try_clone().map_err(|e| failed(Part::Mp3, e))?;
        let mut mp3_out = mp3::Writer::new(
            BufWriter::new(encoder_file),
            format.to,
            format.bitrate,
            placeholder,
        )
        .map_err(|e| failed(Part::Mp3, e))?;
        let tag_len = mp3_out.audio_start();
        // A bounded channel keeps memory at a few paragraphs.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<f32>>(2);
        let lame = std::thread::Builder::new()
            .name("narrate-mp3".into())
            .spawn(move || {
                for samples in rx {
                    mp3_out.push(&samples)?;
                }
                let mut file = mp3_out.finish()?;
                std::io::Write::flush(&mut file).map_err(mp3::Error::Io)
            })
            .map_err(|e| failed(Part::Mp3, format!("cannot start the MP3 encoder: {e}")))?;
        let meter = ebur128::EbuR128::new(1, format.from, ebur128::Mode::I)
            .map_err(|e| failed(Part::Wav, e))?;
        Ok(Stream {
            format,
            wav,
            mp3,
            tag_len,
            encoder: Some((tx, lame)),
            meter,
            done_from: 0,
            done_to: 0,
            paragraph: None,
        })
    }

    /// Starts the next paragraph, `len` samples long at the paragraphs' rate; its samples
    /// follow with [`Stream::push`] and it ends with [`Stream::end`].
    pub fn begin(&mut self, len: u64) -> Result<(), Error> {
        let Format { from, to, .. } = self.format;
        let resampler = resample::Stream::new(from, to).map_err(|e| failed(Part::Wav, e))?;
        self.done_from += len;
        let end = resample::resampled_len(self.done_from as usize, from, to) as u64;
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
        self.meter
            .add_frames_f32(samples)
            .map_err(|e| failed(Part::Wav, e))?;
        let mut resampled = Vec::new();
        let paragraph = self.paragraph.as_mut().expect("push between begin and end");
        paragraph
            .resampler
            .push(samples, &mut resampled)
            .map_err(|e| failed(Part::Wav, e))?;
        resampled.truncate(paragraph.left as usize);
        paragraph.left -= resampled.len() as u64;
        self.write(resampled)
    }

    /// Ends the current paragraph: the resampler's last samples, cut or padded with
    /// silence to the paragraph's length.
    pub fn end(&mut self) -> Result<(), Error> {
        let paragraph = self.paragraph.take().expect("end after begin");
        let mut resampled = Vec::new();
        paragraph
            .resampler
            .finish(&mut resampled)
            .map_err(|e| failed(Part::Wav, e))?;
        resampled.resize(paragraph.left as usize, 0.0);
        self.write(resampled)
    }

    /// Appends resampled samples to both files.
    fn write(&mut self, resampled: Vec<f32>) -> Result<(), Error> {
        if resampled.is_empty() {
            return Ok(());
        }
        self.wav
            .push(&resampled)
            .map_err(|e| failed(Part::Wav, e))?;
        let (tx, _) = self
            .encoder
            .as_ref()
            .expect("the encoder runs until finish");
        if tx.send(resampled).is_err() {
            // The encoder stopped: its error says why.
            let stopped = self.stop_encoder().err();
            return Err(stopped.unwrap_or_else(|| failed(Part::Mp3, "the MP3 encoder stopped")));
        }
        Ok(())
    }

    /// Waits for LAME to write its last frames.
    fn stop_encoder(&mut self) -> Result<(), Error> {
        let Some((tx, lame)) = self.encoder.take() else {
            return Ok(());
        };
        drop(tx);
        lame.join()
            .map_err(|_| failed(Part::Mp3, "the MP3 encoder thread panicked"))?
            .map_err(|e| failed(Part::Mp3, e))
    }

    /// Completes both files, the MP3's tag now with `tags` (the same chapters and titles
    /// as the placeholder, with their times), flushed; what was measured.
    pub fn finish(mut self, tags: &mp3::Tags) -> Result<Finished, Error> {
        self.stop_encoder()?;
        let mut mp3 = &self.mp3;
        mp3.seek(SeekFrom::Start(0))
            .map_err(|e| failed(Part::Mp3, e))?;
        mp3::write_tag(&mut mp3, self.tag_len, tags).map_err(|e| failed(Part::Mp3, e))?;
        let (mut wav, _) = self.wav.finish().map_err(|e| failed(Part::Wav, e))?;
        std::io::Write::flush(&mut wav).map_err(|e| failed(Part::Wav, e))?;
        Ok(Finished {
            frames: self.done_to,
            integrated: self.meter.loudness_global().ok().filter(|x| x.is_finite()),
        })
    }
}
