//! The episode: every paragraph file in order, as one `episode.wav` and one CBR
//! `episode.mp3` carrying ID3 chapters, at the episode's sample rate.
//!
//! Streamed paragraph by paragraph, so memory does not grow with the script: each file is
//! read, resampled on its own (every paragraph file starts and ends in silence, so there is
//! no seam) to exactly the length its position in the program asks for, then appended to
//! both files and to the loudness meter. The paragraph files are already at the target
//! loudness (one gain per file), so the episode is too; the meter reports it.

use std::io::BufWriter;

use serde::Serialize;

use super::manifest::{EpisodeEntry, Manifest};
use super::store::Store;
use crate::audio::loudness::{Db, Loudness, Lufs};
use crate::audio::{mp3, resample, to_i16, wav};
use crate::config::Master;
use crate::error::{Error, Result};

pub const WAV: &str = "episode.wav";
pub const MP3: &str = "episode.mp3";

/// Bumped whenever the way the episode is made changes.
const FORMAT: u32 = 1;

/// The hash of everything that goes into the episode files.
pub fn hash(manifest: &Manifest, master: &Master, artist: &str) -> String {
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
        paragraphs: manifest
            .paragraphs
            .iter()
            .map(|p| (p.hash.as_str(), p.title.as_str()))
            .collect(),
        title: &manifest.title,
        artist,
        master,
    };
    let bytes = serde_json::to_vec(&input).expect("strings and numbers serialize");
    blake3::hash(&bytes).to_hex().to_string()
}

fn io(path: &std::path::Path, e: impl std::fmt::Display) -> Error {
    Error::output(path, "cannot write", std::io::Error::other(e.to_string()))
}

/// Writes both episode files atomically and returns what the manifest records.
pub fn write(
    store: &Store,
    manifest: &Manifest,
    master: &Master,
    artist: &str,
    hash: String,
) -> Result<EpisodeEntry> {
    let from = manifest.sample_rate;
    let to = master.sample_rate;
    let program = manifest.program();
    let tags = mp3::Tags {
        title: manifest.title.clone(),
        artist: artist.to_owned(),
        album: None,
        chapters: program
            .chapters
            .iter()
            .map(|c| mp3::ChapterMark {
                id: format!("ch{}", c.index),
                title: c.title.clone(),
                start_ms: crate::output::fmt::millis(c.start) as u32,
                end_ms: crate::output::fmt::millis(c.end()) as u32,
            })
            .collect(),
    };
    let wav_path = store.out().join(WAV);
    let mp3_path = store.out().join(MP3);
    let wav_tmp = tempfile::Builder::new()
        .prefix(".narrate-")
        .tempfile_in(store.tmp())
        .map_err(|e| Error::output(&wav_path, "cannot write", e))?;
    let mp3_tmp = tempfile::Builder::new()
        .prefix(".narrate-")
        .tempfile_in(store.tmp())
        .map_err(|e| Error::output(&mp3_path, "cannot write", e))?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: to,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav_out = hound::WavWriter::new(BufWriter::new(wav_tmp.as_file()), spec)
        .map_err(|e| io(&wav_path, e))?;
    let mp3_out = mp3::Writer::new(BufWriter::new(mp3_tmp.as_file()), to, master.bitrate, &tags)
        .map_err(|e| io(&mp3_path, e))?;
    // The episode's integrated loudness is measured on the paragraph files as they are
    // (engine rate, half the work); its true peak is the highest of theirs, each measured
    // 4x oversampled when it was normalized.
    let mut meter =
        ebur128::EbuR128::new(1, from, ebur128::Mode::I).map_err(|e| io(&wav_path, e))?;
    let true_peak = manifest
        .paragraphs
        .iter()
        .filter_map(|p| p.loudness.and_then(|l| l.true_peak))
        .map(|d| d.0)
        .reduce(f64::max);

    // LAME is the slowest step: it encodes on its own thread while this one reads,
    // resamples and writes the WAV. A bounded channel keeps memory at a few paragraphs.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<f32>>(2);
    let done_to = std::thread::scope(|scope| -> Result<u64> {
        let encoder = scope.spawn(move || -> std::result::Result<(), mp3::Error> {
            let mut mp3_out = mp3_out;
            for samples in rx {
                mp3_out.push(&samples)?;
            }
            let mut file = mp3_out.finish()?;
            std::io::Write::flush(&mut file).map_err(mp3::Error::Io)
        });
        // Frames so far at the engine's rate, and at the episode's.
        let (mut done_from, mut done_to) = (0u64, 0u64);
        for p in &manifest.paragraphs {
            let path = store.out().join(&p.file);
            let pcm = wav::read(&path).map_err(|e| Error::output(&path, "cannot read", e))?;
            meter
                .add_frames_f32(&pcm.samples)
                .map_err(|e| io(&wav_path, e))?;
            let mut samples =
                resample::resample(&pcm.samples, from, to).map_err(|e| io(&wav_path, e))?;
            done_from += pcm.frames();
            let end = resample::resampled_len(done_from as usize, from, to) as u64;
            // Exactly the length this paragraph's place in the program asks for (±1 sample
            // of edge silence), so chapter times stay exact whatever the rates.
            samples.resize((end - done_to) as usize, 0.0);
            done_to = end;
            {
                let mut w16 = wav_out.get_i16_writer(samples.len() as u32);
                for &s in &samples {
                    w16.write_sample(to_i16(s));
                }
                w16.flush().map_err(|e| io(&wav_path, e))?;
            }
            if tx.send(samples).is_err() {
                break; // the encoder stopped; its error is reported below
            }
        }
        drop(tx);
        encoder
            .join()
            .map_err(|_| io(&mp3_path, "the MP3 encoder thread panicked"))?
            .map_err(|e| io(&mp3_path, e))?;
        Ok(done_to)
    })?;
    wav_out.finalize().map_err(|e| io(&wav_path, e))?;
    for (tmp, path) in [(wav_tmp, &wav_path), (mp3_tmp, &mp3_path)] {
        tmp.as_file()
            .sync_all()
            .map_err(|e| Error::output(path, "cannot write", e))?;
        tmp.persist(path)
            .map_err(|e| Error::output(path, "cannot write", e.error))?;
    }
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
    })
}
