//! Test helpers: paragraph-shaped programs, and ffmpeg, ffprobe and mpv as independent
//! readers of what the segment path writes.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::episode::{self, Written};
use super::segment::{self, Segment};
use super::{ChapterMark, Format, Tags, SAMPLE_RATES};

/// Silence at the head and tail of every paragraph file (the renderer's defaults).
pub const HEAD_MS: u64 = 250;
pub const TAIL_MS: u64 = 600;

/// A paragraph at `rate`: head silence, `speech_ms` of voice-like sound (harmonics of a
/// gliding pitch under a syllable envelope, seeded by `seed`), tail silence; not padded.
pub fn paragraph(rate: u32, speech_ms: u64, seed: u64) -> Vec<f32> {
    let n = |ms: u64| (ms * u64::from(rate) / 1000) as usize;
    let mut samples = vec![0.0f32; n(HEAD_MS)];
    let speech = n(speech_ms);
    let f0 = 110.0 + (seed % 7) as f64 * 15.0;
    let tau = std::f64::consts::TAU;
    for i in 0..speech {
        let t = i as f64 / f64::from(rate);
        let pitch = f0 * (1.0 + 0.1 * (tau * 0.7 * t).sin());
        let syllable = (tau * (3.0 + (seed % 3) as f64) * t).sin().abs();
        // Fade in and out over 10 ms so the speech itself never clicks.
        let edge = (i.min(speech - 1 - i) as f64 / (0.010 * f64::from(rate))).min(1.0);
        let voice: f64 = (1..=8)
            .map(|h| (tau * pitch * h as f64 * t).sin() / h as f64)
            .sum();
        samples.push((0.25 * edge * syllable * voice) as f32);
    }
    samples.resize(samples.len() + n(TAIL_MS), 0.0);
    samples
}

/// `samples` with the silence [`segment::padding`] asks for, at one rate.
pub fn padded(mut samples: Vec<f32>, rate: u32) -> Vec<f32> {
    let pad = segment::padding(samples.len() as u64, rate, rate).expect("padding");
    samples.resize(samples.len() + pad as usize, 0.0);
    samples
}

/// Encodes one padded paragraph as a segment, feeding it in pieces of `piece` samples.
pub fn encode_segment(samples: &[f32], format: Format, piece: usize) -> (Segment, Vec<u8>) {
    let mut encoder = segment::Encoder::new(Vec::new(), format).expect("encoder");
    for chunk in samples.chunks(piece) {
        encoder.push(chunk).expect("push");
    }
    encoder.finish().expect("finish")
}

/// Whether `tool` runs here; when it does not, the caller skips its check with a note.
pub fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-version").output().is_ok()
        || Command::new(tool).arg("--version").output().is_ok();
    if !ok {
        eprintln!("note: {tool} is not installed; skipping its check");
    }
    ok
}

/// ffmpeg's decoding of `path` as f32 samples, with `input_options` before `-i`.
pub fn decode(path: &Path, input_options: &[&str]) -> Vec<f32> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin"])
        .args(input_options)
        .arg("-i")
        .arg(path)
        .args(["-f", "f32le", "-acodec", "pcm_f32le", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(
        output.status.success(),
        "ffmpeg could not decode {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// ffmpeg's input option that turns gapless trimming off: the decoder reports the samples
/// to skip instead of skipping them, and the ffmpeg tool ignores the report.
pub const NO_GAPLESS: &[&str] = &["-flags2", "+skip_manual"];

/// ffprobe's JSON for `path` (format, streams, chapters).
pub fn probe(path: &Path) -> serde_json::Value {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-show_chapters",
        ])
        .args(["-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(
        output.status.success(),
        "ffprobe failed on {}",
        path.display()
    );
    serde_json::from_slice(&output.stdout).expect("ffprobe json")
}

/// A number ffprobe printed as a string.
pub fn number(value: &serde_json::Value) -> f64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a number, not {value}"))
}

/// The lag (in samples, within `max_lag`) at which `b` best matches `a`, by normalized
/// cross-correlation; positive when `b` is late.
pub fn best_lag(a: &[f32], b: &[f32], max_lag: isize) -> isize {
    let score = |lag: isize| {
        let (mut dot, mut ea, mut eb) = (0.0f64, 0.0f64, 0.0f64);
        for (i, &x) in a.iter().enumerate() {
            let j = i as isize + lag;
            if let Some(&y) = usize::try_from(j).ok().and_then(|j| b.get(j)) {
                dot += f64::from(x) * f64::from(y);
                ea += f64::from(x).powi(2);
                eb += f64::from(y).powi(2);
            }
        }
        dot / (ea * eb).sqrt().max(1e-30)
    };
    (-max_lag..=max_lag)
        .max_by(|&x, &y| score(x).total_cmp(&score(y)))
        .expect("a lag range")
}

/// Signal-to-noise ratio of `test` against `reference`, in dB.
pub fn snr_db(reference: &[f32], test: &[f32]) -> f64 {
    let signal: f64 = reference.iter().map(|&x| f64::from(x).powi(2)).sum();
    let noise: f64 = reference
        .iter()
        .zip(test)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    10.0 * (signal / noise.max(1e-30)).log10()
}

/// Speech lengths of the test programs' paragraphs, in ms.
pub const SPEECH_MS: [u64; 4] = [1_700, 900, 2_300, 1_200];

/// A program of padded paragraphs at one rate and its segments.
pub struct Program {
    pub format: Format,
    pub paragraphs: Vec<Vec<f32>>,
    pub segments: Vec<(Segment, Vec<u8>)>,
}

impl Program {
    pub fn new(format: Format, speech_ms: &[u64]) -> Program {
        let rate = format.sample_rate();
        let paragraphs: Vec<Vec<f32>> = speech_ms
            .iter()
            .zip(1..)
            .map(|(&ms, seed)| padded(paragraph(rate, ms, seed), rate))
            .collect();
        let segments = paragraphs
            .iter()
            .map(|p| encode_segment(p, format, 4_096))
            .collect();
        Program {
            format,
            paragraphs,
            segments,
        }
    }

    /// Where each paragraph starts, and the program's end, in samples.
    pub fn starts(&self) -> Vec<usize> {
        let mut at = vec![0];
        for p in &self.paragraphs {
            at.push(at[at.len() - 1] + p.len());
        }
        at
    }

    pub fn samples(&self) -> Vec<f32> {
        self.paragraphs.concat()
    }

    /// Chapter marks at the paragraphs, in ms.
    pub fn tags(&self) -> Tags {
        let rate = u64::from(self.format.sample_rate());
        let ms = |samples: usize| ((samples as u64 * 1000 + rate / 2) / rate) as u32;
        let starts = self.starts();
        Tags {
            title: "Segments".to_owned(),
            artist: "A. Writer".to_owned(),
            album: None,
            track_of: None,
            chapters: (0..self.paragraphs.len())
                .map(|i| ChapterMark {
                    id: format!("ch{i}"),
                    title: format!("Paragraph {i}"),
                    start_ms: ms(starts[i]),
                    end_ms: ms(starts[i + 1]),
                })
                .collect(),
        }
    }

    pub fn episode(&self) -> (Vec<u8>, Written) {
        let list: Vec<Segment> = self.segments.iter().map(|(s, _)| *s).collect();
        let mut out = Vec::new();
        let written = episode::write(&mut out, &self.tags(), &list, |i| {
            Ok(Cursor::new(&self.segments[i].1))
        })
        .expect("episode");
        (out, written)
    }
}

pub fn save(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

pub fn peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0, |m, s| m.max(s.abs()))
}

pub fn ms(rate: u32, ms: u64) -> usize {
    (ms * u64::from(rate) / 1000) as usize
}

/// Every episode rate at 64 kbps, and bit rates at the tables' edges.
pub fn formats() -> Vec<Format> {
    let mut pairs: Vec<(u32, u32)> = SAMPLE_RATES.iter().map(|&r| (r, 64)).collect();
    pairs.extend([(44_100, 32), (44_100, 56), (44_100, 192), (48_000, 320)]);
    pairs.extend([(22_050, 8), (22_050, 144), (16_000, 160)]);
    pairs
        .into_iter()
        .map(|(r, k)| Format::new(r, k).expect("a legal pair"))
        .collect()
}
