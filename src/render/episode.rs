//! The episode: every paragraph file in order, as one `episode.wav` and one CBR
//! `episode.mp3` carrying ID3 chapters, at the episode's sample rate.
//!
//! Written while the paragraphs are rendered ([`Stream`]), so that resampling and MP3
//! encoding (LAME is the slowest step of a podcast build) run beside speech synthesis
//! instead of after it, and memory does not grow with the script: each paragraph's audio,
//! exactly as in its file, is resampled on its own (every paragraph file starts and ends in
//! silence, so there is no seam) to exactly the length its position in the program asks for,
//! then appended to both files and to the loudness meter. LAME works on a thread of its own.
//! The ID3 tag goes in front with the chapter titles and zero times, and is written again
//! with the real times at the end; its size does not depend on the times. The paragraph
//! files are already at the target loudness (one gain per file), so the episode is too; the
//! meter reports it.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::thread::JoinHandle;

use serde::Serialize;
use tempfile::NamedTempFile;

use super::manifest::{EpisodeEntry, Manifest};
use super::store::Store;
use crate::audio::loudness::{Db, Loudness, Lufs};
use crate::audio::{mp3, resample, wav64};
use crate::config::Master;
use crate::error::{Error, Result};

pub const WAV: &str = "episode.wav";
pub const MP3: &str = "episode.mp3";

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

fn io(path: &std::path::Path, e: impl std::fmt::Display) -> Error {
    Error::output(path, "cannot write", std::io::Error::other(e.to_string()))
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

/// MP3 frames on their way to LAME's thread, and the thread.
type Encoder = (
    SyncSender<Vec<f32>>,
    JoinHandle<std::result::Result<(), mp3::Error>>,
);

/// Both episode files being written, in temporary files until [`Stream::finish`] puts them
/// in place. Dropped unfinished (a failed paragraph, Ctrl-C), it leaves nothing behind.
pub struct Stream {
    wav_path: PathBuf,
    mp3_path: PathBuf,
    from: u32,
    to: u32,
    wav: wav64::Writer<BufWriter<File>>,
    wav_tmp: NamedTempFile,
    mp3_tmp: NamedTempFile,
    /// Size of the ID3 tag at the start of the MP3.
    tag_len: u64,
    encoder: Option<Encoder>,
    meter: ebur128::EbuR128,
    /// Frames so far at the engine's rate, and at the episode's (the current paragraph's
    /// included).
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
            .field("wav", &self.wav_path)
            .field("frames", &self.done_to)
            .finish_non_exhaustive()
    }
}

impl Stream {
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
    ) -> Result<Stream> {
        let to = master.sample_rate;
        let wav_path = out.join(WAV);
        let mp3_path = out.join(MP3);
        let temp = |path: &Path| {
            crate::staged::staged(tmp).map_err(|e| Error::output(path, "cannot write", e))
        };
        let wav_tmp = temp(&wav_path)?;
        let mp3_tmp = temp(&mp3_path)?;
        let wav_file = wav_tmp
            .as_file()
            .try_clone()
            .map_err(|e| Error::output(&wav_path, "cannot write", e))?;
        let wav = wav64::Writer::new(BufWriter::new(wav_file), to).map_err(|e| io(&wav_path, e))?;
        // The chapter times are not known yet; the tag is written again at the end.
        let placeholder = tags(title, artist, chapters.map(|(i, t)| (i, t, 0, 0)));
        let mp3_file = mp3_tmp
            .as_file()
            .try_clone()
            .map_err(|e| Error::output(&mp3_path, "cannot write", e))?;
        let mut mp3_out =
            mp3::Writer::new(BufWriter::new(mp3_file), to, master.bitrate, &placeholder)
                .map_err(|e| io(&mp3_path, e))?;
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
            .map_err(|e| Error::output(&mp3_path, "cannot start the MP3 encoder", e))?;
        let meter =
            ebur128::EbuR128::new(1, from, ebur128::Mode::I).map_err(|e| io(&wav_path, e))?;
        Ok(Stream {
            wav_path,
            mp3_path,
            from,
            to,
            wav,
            wav_tmp,
            mp3_tmp,
            tag_len,
            encoder: Some((tx, lame)),
            meter,
            done_from: 0,
            done_to: 0,
            paragraph: None,
        })
    }

    /// Starts the next paragraph, `len` samples long at the engine's rate; its samples
    /// follow with [`Stream::push`] and it ends with [`Stream::end`].
    pub fn begin(&mut self, len: u64) -> Result<()> {
        let resampler =
            resample::Stream::new(self.from, self.to).map_err(|e| io(&self.wav_path, e))?;
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
    pub fn push(&mut self, samples: &[f32]) -> Result<()> {
        self.meter
            .add_frames_f32(samples)
            .map_err(|e| io(&self.wav_path, e))?;
        let mut resampled = Vec::new();
        let paragraph = self.paragraph.as_mut().expect("push between begin and end");
        paragraph
            .resampler
            .push(samples, &mut resampled)
            .map_err(|e| io(&self.wav_path, e))?;
        resampled.truncate(paragraph.left as usize);
        paragraph.left -= resampled.len() as u64;
        self.write(resampled)
    }

    /// Ends the current paragraph: the resampler's last samples, cut or padded with
    /// silence to the paragraph's length.
    pub fn end(&mut self) -> Result<()> {
        let paragraph = self.paragraph.take().expect("end after begin");
        let mut resampled = Vec::new();
        paragraph
            .resampler
            .finish(&mut resampled)
            .map_err(|e| io(&self.wav_path, e))?;
        resampled.resize(paragraph.left as usize, 0.0);
        self.write(resampled)
    }

    /// Appends resampled samples to both files.
    fn write(&mut self, resampled: Vec<f32>) -> Result<()> {
        if resampled.is_empty() {
            return Ok(());
        }
        self.wav
            .push(&resampled)
            .map_err(|e| io(&self.wav_path, e))?;
        let (tx, _) = self
            .encoder
            .as_ref()
            .expect("the encoder runs until finish");
        if tx.send(resampled).is_err() {
            // The encoder stopped: its error says why.
            let stopped = self.stop_encoder().err();
            return Err(stopped.unwrap_or_else(|| io(&self.mp3_path, "the MP3 encoder stopped")));
        }
        Ok(())
    }

    /// Waits for LAME to write its last frames.
    fn stop_encoder(&mut self) -> Result<()> {
        let Some((tx, lame)) = self.encoder.take() else {
            return Ok(());
        };
        drop(tx);
        lame.join()
            .map_err(|_| io(&self.mp3_path, "the MP3 encoder thread panicked"))?
            .map_err(|e| io(&self.mp3_path, e))
    }

    /// Completes both files for `manifest` (whose paragraphs were pushed, in order) with its
    /// chapter times, puts them in place atomically, and returns what the manifest records.
    pub fn finish(
        mut self,
        store: &Store,
        manifest: &Manifest,
        artist: &str,
        hash: String,
    ) -> Result<EpisodeEntry> {
        self.stop_encoder()?;
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
        let Stream {
            wav_path,
            mp3_path,
            wav,
            wav_tmp,
            mp3_tmp,
            tag_len,
            meter,
            done_to,
            to,
            ..
        } = self;
        {
            let mut file = mp3_tmp.as_file();
            file.seek(SeekFrom::Start(0))
                .map_err(|e| Error::output(&mp3_path, "cannot write", e))?;
            mp3::write_tag(&mut file, tag_len, &tags).map_err(|e| io(&mp3_path, e))?;
        }
        let (mut wav, _) = wav.finish().map_err(|e| io(&wav_path, e))?;
        std::io::Write::flush(&mut wav).map_err(|e| io(&wav_path, e))?;
        let _ = mp3_path;
        let stamps = store.place_all(vec![(WAV.to_owned(), wav_tmp), (MP3.to_owned(), mp3_tmp)])?;
        let files = [WAV, MP3]
            .into_iter()
            .map(str::to_owned)
            .zip(stamps)
            .collect();
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
            integrated: meter
                .loudness_global()
                .ok()
                .filter(|x| x.is_finite())
                .map(Lufs),
            range: None,
            true_peak: true_peak.map(Db),
            sample_peak: None,
            rms: None,
        };
        Ok(EpisodeEntry {
            hash,
            sample_rate: to,
            frames: done_to,
            loudness: Some(loudness),
            files,
        })
    }
}
