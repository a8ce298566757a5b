//! Time of encoding the sample-sized program as MP3: one continuous LAME stream against
//! per-paragraph segments on one thread and on every core, plus joining the segments into
//! `episode.mp3`. `cargo bench --bench mp3seg`.
//!
//! The program is the paragraphs of `script/essay.txt` spoken by espeak-ng (about 4.5
//! minutes) when it is installed, else as many minutes of syllable-shaped noise cut into
//! paragraphs of the same lengths; each gets the renderer's head and tail silence, the
//! segment padding, and is resampled to 44.1 kHz before any timing starts. Run it on a quiet
//! machine: on a loaded one the thread comparison says nothing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use narrate::audio::mp3::{self, episode, segment, Format, Tags};
use narrate::audio::resample;
use narrate::engine::espeak::Espeak;
use narrate::engine::{Engine, Pitch, Rate, SynthRequest, VoiceId};

const ENGINE_RATE: u32 = 22_050;
const EPISODE_RATE: u32 = 44_100;
const KBPS: u32 = 64;
const ROUNDS: u32 = 3;

fn main() {
    let (what, speech) = match spoken() {
        Some(speech) => ("the sample spoken by espeak-ng", speech),
        None => ("shaped noise (espeak-ng missing)", noise()),
    };
    let paragraphs: Vec<Vec<f32>> = speech.into_iter().map(prepare).collect();
    let samples: usize = paragraphs.iter().map(Vec::len).sum();
    let format = Format::new(EPISODE_RATE, KBPS).expect("a legal format");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "mp3seg: {what}: {} paragraphs, {:.1} s at {EPISODE_RATE} Hz, {KBPS} kbps, {ROUNDS} rounds",
        paragraphs.len(),
        samples as f64 / f64::from(EPISODE_RATE)
    );

    let program = paragraphs.concat();
    let continuous = time(|| {
        mp3::encode(&program, EPISODE_RATE, KBPS, &Tags::default()).expect("encode");
    });
    let one = time(|| {
        segments(&paragraphs, format, 1);
    });
    let many = time(|| {
        segments(&paragraphs, format, threads);
    });
    let encoded = segments(&paragraphs, format, threads);
    let list: Vec<segment::Segment> = encoded.iter().map(|(s, _)| *s).collect();
    let join = time(|| {
        let mut out = Vec::new();
        episode::write(&mut out, &Tags::default(), &list, |i| {
            Ok(std::io::Cursor::new(&encoded[i].1))
        })
        .expect("episode");
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("  one continuous encode:       {:8.1} ms", ms(continuous));
    println!("  segments, 1 thread:          {:8.1} ms", ms(one));
    println!("  segments, {threads} threads:         {:8.1} ms", ms(many));
    println!("  joining the segments:        {:8.1} ms", ms(join));
}

/// The median wall time of [`ROUNDS`] runs of `f`, after one warm-up run.
fn time(mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Every paragraph encoded as a segment, on `threads` threads taking paragraphs in turn.
fn segments(
    paragraphs: &[Vec<f32>],
    format: Format,
    threads: usize,
) -> Vec<(segment::Segment, Vec<u8>)> {
    let next = AtomicUsize::new(0);
    let done = Mutex::new(vec![None; paragraphs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(paragraph) = paragraphs.get(i) else {
                    break;
                };
                let mut encoder = segment::Encoder::new(Vec::new(), format).expect("encoder");
                encoder.push(paragraph).expect("encode");
                let result = encoder.finish().expect("whole frames");
                done.lock().expect("no thread panicked")[i] = Some(result);
            });
        }
    });
    done.into_inner()
        .expect("no thread panicked")
        .into_iter()
        .map(|s| s.expect("every paragraph encoded"))
        .collect()
}

/// A paragraph as the renderer makes it: 250 ms of silence, the speech, 600 ms of silence,
/// padded to whole frames at the episode rate, then resampled to it.
fn prepare(speech: Vec<f32>) -> Vec<f32> {
    let silence = |ms: usize| vec![0.0f32; ms * ENGINE_RATE as usize / 1000];
    let mut samples = silence(250);
    samples.extend(speech);
    samples.extend(silence(600));
    let pad = segment::padding(samples.len() as u64, ENGINE_RATE, EPISODE_RATE).expect("padding");
    samples.resize(samples.len() + pad as usize, 0.0);
    resample::resample(&samples, ENGINE_RATE, EPISODE_RATE).expect("resample")
}

/// The sample's paragraphs spoken by espeak-ng, or `None` without it.
fn spoken() -> Option<Vec<Vec<f32>>> {
    let root = env!("CARGO_MANIFEST_DIR");
    let script = std::fs::read_to_string(format!("{root}/script/essay.txt")).ok()?;
    let voice = VoiceId("en-us".into());
    let mut engine = Espeak::open(&voice).ok()?;
    if engine.sample_rate() != ENGINE_RATE {
        return None;
    }
    script
        .lines()
        .filter(|line| line.chars().filter(|c| c.is_alphabetic()).count() > 20)
        .map(|text| {
            let request = SynthRequest {
                text,
                rate: Rate(175),
                pitch: Pitch(50),
            };
            let speech = engine.synthesize(&request).ok()?;
            Some(
                speech
                    .samples
                    .iter()
                    .map(|&s| f32::from(s) / 32_768.0)
                    .collect(),
            )
        })
        .collect()
}

/// 12 paragraphs of 22 s of noise shaped into 5 syllables a second.
fn noise() -> Vec<Vec<f32>> {
    let mut state: u32 = 0x1234_5678;
    let len = 22 * ENGINE_RATE as usize;
    (0..12)
        .map(|_| {
            (0..len)
                .map(|i| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    let white = (state >> 8) as f32 / (1 << 24) as f32 * 2.0 - 1.0;
                    let syllable = i % (ENGINE_RATE as usize / 5);
                    let phase = syllable as f32 / (ENGINE_RATE as f32 / 5.0);
                    0.2 * white * (phase * std::f32::consts::PI).sin()
                })
                .collect()
        })
        .collect()
}
