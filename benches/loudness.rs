//! Time of [`normalize`] on one paragraph-sized buffer: the finishing work a one-sentence edit
//! waits for; and the peak memory of normalizing a very long paragraph from a spool.
//! `cargo bench --bench loudness`.
//!
//! The buffer is a paragraph of the sample essay (27 s at espeak-ng's 22,050 Hz) when the
//! real espeak-ng is installed, else 27 s of syllable-shaped noise with sharp peaks (so the
//! limiter works in both cases).
//!
//! Memory: each size runs in a process of its own (this bench again, with `--memory
//! MINUTES`), which builds a spool of that much shaped noise (spilled past
//! [`IN_MEMORY`](narrate::audio::spool::IN_MEMORY)), normalizes it into a sink that converts
//! to 16 bits as the WAV writer does, and prints its peak resident memory (VmHWM). The
//! spilled ones must stay within 100 MB of the one-minute paragraph in memory.

use std::time::Instant;

use narrate::audio::loudness::{decide, normalize, Preset};
use narrate::audio::spool::Spool;
use narrate::engine::espeak::Espeak;
use narrate::engine::{Engine, Pitch, Rate, SynthRequest, VoiceId};

const RATE: u32 = 22_050;

/// Paragraph lengths whose peak memory is compared, in minutes: the first two in memory
/// (3 minutes is the most a spool keeps there), the others spilled.
const MINUTES: [u32; 4] = [1, 3, 10, 30];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--memory") {
        let minutes = args
            .get(at + 1)
            .and_then(|m| m.parse().ok())
            .expect("--memory MINUTES");
        memory_child(minutes);
        return;
    }
    time_a_paragraph();
    compare_memory();
}

fn time_a_paragraph() {
    let (what, samples) = match speech() {
        Some(samples) => ("a paragraph of the sample (espeak-ng)", samples),
        None => (
            "27 s of shaped noise (espeak-ng missing)",
            noise(27 * RATE as usize),
        ),
    };
    let target = Preset::Podcast.target(1).expect("a target");
    let rounds = 40;
    let mut gain = None;
    // Warm up once, then time.
    normalize(&mut samples.clone(), RATE, &target).expect("normalize");
    let start = Instant::now();
    for _ in 0..rounds {
        let mut buffer = samples.clone();
        gain = Some(normalize(&mut buffer, RATE, &target).expect("normalize"));
    }
    let per_round = start.elapsed() / rounds;
    let gain = gain.expect("rounds > 0");
    println!(
        "loudness: {:.2} ms per paragraph ({what}, {:.1} s; gain {:+.2} dB, limited {:.2} dB)",
        per_round.as_secs_f64() * 1000.0,
        samples.len() as f64 / f64::from(RATE),
        gain.gain.0,
        gain.limited.0,
    );
}

/// Runs [`memory_child`] for each of [`MINUTES`] and prints their peak memory.
fn compare_memory() {
    let exe = std::env::current_exe().expect("this bench's path");
    let mut peaks = Vec::new();
    for minutes in MINUTES {
        let output = std::process::Command::new(&exe)
            .args(["--memory", &minutes.to_string()])
            .output()
            .expect("run the bench again");
        assert!(output.status.success(), "{minutes} min: {output:?}");
        let line = String::from_utf8_lossy(&output.stdout).trim().to_string();
        println!("{line}");
        let kb: Option<u64> = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("vmhwm_kb="))
            .and_then(|kb| kb.parse().ok());
        peaks.push(kb);
    }
    let Some(peaks) = peaks.into_iter().collect::<Option<Vec<u64>>>() else {
        return;
    };
    for (minutes, kb) in MINUTES.iter().zip(&peaks).skip(1) {
        println!(
            "loudness memory: {minutes} min peaks {:+.1} MB against {} min",
            (*kb as f64 - peaks[0] as f64) / 1024.0,
            MINUTES[0],
        );
        assert!(
            kb.saturating_sub(peaks[0]) < 100 * 1024,
            "memory grows with the paragraph"
        );
    }
}

/// Normalizes `minutes` of shaped noise from a spool; prints the peak memory. The noise's
/// peaks are near full scale, so that the limiter works.
fn memory_child(minutes: u32) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut spool = Spool::new(RATE, dir.path());
    let total = minutes as usize * 60 * RATE as usize;
    let mut made = 0;
    let mut source = Noise::with_peaks(4.8);
    let mut piece = Vec::new();
    while made < total {
        let n = (total - made).min(RATE as usize);
        piece.clear();
        piece.extend((0..n).map(|_| source.next()));
        spool.push(&piece).expect("push");
        made += n;
    }
    let target = Preset::Podcast.target(1).expect("a target");
    let start = Instant::now();
    let normalization = decide(&spool, &target).expect("decide");
    let mut written = 0u64;
    let mut checksum = 0i64;
    normalization
        .apply(
            &spool,
            |chunk| -> Result<(), narrate::audio::loudness::Error> {
                for &s in chunk {
                    checksum = checksum.wrapping_add(i64::from(narrate::audio::to_i16(s)));
                }
                written += chunk.len() as u64;
                Ok(())
            },
        )
        .expect("apply");
    assert_eq!(written, total as u64);
    let gain = normalization.gain();
    println!(
        "loudness memory: {minutes} min {} vmhwm_kb={} ({:.1} s; gain {:+.2} dB, limited {:.2} dB, \
         checksum {checksum})",
        if spool.is_spilled() { "spilled" } else { "in memory" },
        peak_kb().map_or("n/a".to_string(), |kb| kb.to_string()),
        start.elapsed().as_secs_f64(),
        gain.gain.0,
        gain.limited.0,
    );
}

/// This process's peak resident memory in kB (Linux), `None` elsewhere.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The sample's first paragraph, spoken by espeak-ng, or `None` without it.
fn speech() -> Option<Vec<f32>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let script = std::fs::read_to_string(format!("{root}/script/essay.txt")).ok()?;
    let paragraph = script.lines().nth(1)?;
    let voice = VoiceId("en-us".into());
    let mut engine = Espeak::open(&voice).ok()?;
    let request = SynthRequest {
        text: paragraph,
        rate: Rate(175),
        pitch: Pitch(50),
    };
    let speech = engine.synthesize(&request).ok()?;
    let samples = speech
        .samples
        .iter()
        .map(|&s| f32::from(s) / 32_768.0)
        .collect();
    (engine.sample_rate() == RATE).then_some(samples)
}

/// `len` samples of noise shaped into 5 syllables a second, with a sharp peak in every
/// tenth one.
fn noise(len: usize) -> Vec<f32> {
    let mut source = Noise::with_peaks(3.0);
    (0..len).map(|_| source.next()).collect()
}

/// The shaped noise of [`noise`], a sample at a time, its peaks `peak` times the rest.
struct Noise {
    state: u32,
    i: usize,
    peak: f32,
}

impl Noise {
    fn with_peaks(peak: f32) -> Noise {
        Noise {
            state: 0x1234_5678,
            i: 0,
            peak,
        }
    }

    fn next(&mut self) -> f32 {
        let i = self.i;
        self.i += 1;
        self.state = self
            .state
            .wrapping_mul(1_664_525)
            .wrapping_add(1_013_904_223);
        let white = (self.state >> 8) as f32 / (1 << 24) as f32 * 2.0 - 1.0;
        let syllable = i % (RATE as usize / 5);
        let envelope = (syllable as f32 / (RATE as f32 / 5.0) * std::f32::consts::PI).sin();
        // In the middle of a syllable, where the envelope is high.
        let peak = if (i + RATE as usize / 10) % (2 * RATE as usize) < 40 {
            self.peak
        } else {
            1.0
        };
        0.2 * white * envelope * peak
    }
}
