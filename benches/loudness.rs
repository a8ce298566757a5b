//! Time of [`normalize`] on one paragraph-sized buffer: the finishing work a one-sentence edit
//! waits for. `cargo bench --bench loudness`.
//!
//! The buffer is a paragraph of the sample essay (27 s at espeak-ng's 22,050 Hz) when the
//! real espeak-ng is installed, else 27 s of syllable-shaped noise with sharp peaks (so the
//! limiter works in both cases).

use std::time::Instant;

use narrate::audio::loudness::{normalize, Preset};
use narrate::engine::espeak::Espeak;
use narrate::engine::{Engine, Pitch, Rate, SynthRequest, VoiceId};

const RATE: u32 = 22_050;

fn main() {
    let (what, samples) = match speech() {
        Some(samples) => ("a paragraph of the sample (espeak-ng)", samples),
        None => ("27 s of shaped noise (espeak-ng missing)", noise()),
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

/// The sample's first paragraph, spoken by espeak-ng, or `None` without it.
fn speech() -> Option<Vec<f32>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let script = std::fs::read_to_string(format!("{root}/script/essay.txt")).ok()?;
    let paragraph = script.lines().nth(1)?;
    let mut engine = Espeak::open().ok()?;
    let voice = VoiceId("en-us".into());
    let request = SynthRequest {
        text: paragraph,
        voice: &voice,
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

/// 27 s of noise shaped into 5 syllables a second, with a sharp peak in every tenth one.
fn noise() -> Vec<f32> {
    let mut state: u32 = 0x1234_5678;
    (0..27 * RATE as usize)
        .map(|i| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let white = (state >> 8) as f32 / (1 << 24) as f32 * 2.0 - 1.0;
            let syllable = i % (RATE as usize / 5);
            let envelope = (syllable as f32 / (RATE as f32 / 5.0) * std::f32::consts::PI).sin();
            let peak = if i % (2 * RATE as usize) < 40 {
                3.0
            } else {
                1.0
            };
            0.2 * white * envelope * peak
        })
        .collect()
}
