//! Streaming gives what the whole buffer gives: the limiter and the peak meter bit for bit,
//! `normalize` as it was before spools, and a spilled spool as one in memory (exactly where
//! both are measured by one meter; else to the meters' rounding, documented in
//! [`super::super::decide`]).

use super::super::limiter::{limit, Limiter};
use super::super::meter::{self, Level as LevelMeter, PeakMeter};
use super::super::normalize::How;
use super::super::*;
use super::peaks::{noise, one_meter_true_peak, peak_cases};
use super::{reference, speech_like, RATE};
use crate::audio::spool::Spool;

/// Chunk sizes to feed streams in: single samples, odd sizes, the limiter's batch, whole.
const CHUNKS: [usize; 6] = [1, 113, 4_096, 4_209, 65_536, usize::MAX];

/// Signals for the limiter at `rate`: peaks on the first and last sample, bursts closer
/// than an attack ramp, a loud stretch longer than many chunks, lone peaks exactly one
/// ramp apart and one sample more, and releases that fade out between peaks.
fn limiter_cases(rate: u32) -> Vec<(&'static str, Vec<f32>)> {
    let mut edges = speech_like(20.0, 0.5);
    edges[0] = 0.9;
    let last = edges.len() - 1;
    edges[last] = -0.95;
    edges[100_000] = 0.99;
    edges[100_050] = -0.97;
    let reach = (0.005 * f64::from(rate)).max(1.0).ceil() as usize + 2;
    let mut lone: Vec<f32> = noise(200_000, 9).map(|n| n * 0.05).collect();
    for at in [1_000, 1_000 + reach, 1_000 + 2 * reach + 1, 90_000, 150_000] {
        lone[at] = 0.95;
    }
    vec![
        ("speech with peaks at the edges", edges),
        ("loud speech", speech_like(6.0, 0.95)),
        ("lone peaks", lone),
    ]
}

/// `samples` through a streamed limiter, `chunk` samples at a time.
fn streamed_limit(samples: &[f32], rate: u32, threshold: Db, chunk: usize) -> (Vec<f32>, Db) {
    let mut limiter = Limiter::new(rate, threshold);
    let mut out = Vec::new();
    let mut keep = |s: &[f32]| -> Result<(), ()> {
        out.extend_from_slice(s);
        Ok(())
    };
    for piece in samples.chunks(chunk) {
        limiter.push(piece, &mut keep).expect("no error");
    }
    let reduction = limiter.finish(&mut keep).expect("no error");
    (out, reduction)
}

#[test]
fn the_limiter_streamed_in_any_chunks_gives_the_whole_buffer_limiters_samples_bit_for_bit() {
    for rate in [RATE, 48_000, 100] {
        for (what, input) in limiter_cases(rate) {
            for threshold in [-12.0, -6.0, -1.3] {
                let mut expected = input.clone();
                let reduction = reference::limit(&mut expected, rate, Db(threshold));
                assert_ne!(expected, input, "{what}: nothing limited at {threshold}");
                let mut whole = input.clone();
                assert_eq!(limit(&mut whole, rate, Db(threshold)), reduction, "{what}");
                assert!(
                    whole == expected,
                    "{what}, {rate} Hz, {threshold} dB: whole buffer"
                );
                for chunk in CHUNKS {
                    let (out, r) = streamed_limit(&input, rate, Db(threshold), chunk);
                    assert_eq!(r, reduction, "{what}, {rate} Hz, {threshold} dB");
                    assert!(
                        out == expected,
                        "{what}, {rate} Hz, {threshold} dB, chunks of {chunk}"
                    );
                }
            }
        }
    }
}

/// Samples a streamed limiter waits for past its look-ahead before it limits (`BATCH`).
const LIMITER_BATCH: usize = 4_096;

#[test]
fn a_streamed_limiter_holds_back_only_its_look_ahead_once_a_batch_is_waiting() {
    // The look-ahead: an attack ramp (5 ms, 110.25 samples at 22,050 Hz) rounded up, and 2.
    let reach = 113;
    let input = speech_like(2.0, 0.9);
    let mut limiter = Limiter::new(RATE, Db(-6.0));
    // The lengths of what one push hands on.
    let mut push = |samples: &[f32]| {
        let mut handed = Vec::new();
        let mut out = |s: &[f32]| -> Result<(), ()> {
            handed.push(s.len());
            Ok(())
        };
        limiter.push(samples, &mut out).expect("no error");
        handed
    };
    let waiting = reach + LIMITER_BATCH;
    assert!(push(&input[..waiting - 1]).is_empty());
    assert_eq!(push(&input[waiting - 1..waiting]), [LIMITER_BATCH]);
    assert!(push(&input[waiting..waiting + LIMITER_BATCH - 1]).is_empty());
    assert_eq!(
        push(&input[waiting + LIMITER_BATCH - 1..waiting + 3 * LIMITER_BATCH]),
        [3 * LIMITER_BATCH]
    );
    let mut rest = 0;
    limiter
        .finish(&mut |s: &[f32]| -> Result<(), ()> {
            rest += s.len();
            Ok(())
        })
        .expect("no error");
    assert_eq!(rest, reach);
}

#[test]
fn a_limiter_with_nothing_over_its_threshold_passes_the_stream_through() {
    let input = speech_like(8.0, 0.2);
    let (out, reduction) = streamed_limit(&input, RATE, Db(-1.0), 1_000);
    assert_eq!(reduction, Db(0.0));
    assert!(reduction.0.is_sign_positive());
    assert!(out == input);
    let (out, reduction) = streamed_limit(&[], RATE, Db(-1.0), 1_000);
    assert_eq!((out.len(), reduction), (0, Db(0.0)));
}

/// `samples` through a [`PeakMeter`], `chunk` samples at a time.
fn streamed_peaks(samples: &[f32], rate: u32, chunk: usize) -> meter::Peaks {
    let mut peaks = PeakMeter::new(rate).expect("a meter");
    for piece in samples.chunks(chunk) {
        peaks.add(piece).expect("add");
    }
    peaks.peaks().expect("peaks")
}

#[test]
fn peaks_streamed_in_any_chunks_are_one_meters_true_peak() {
    let mut cases = peak_cases();
    // Sound after silence, and a level that keeps rising: what is loud so far keeps
    // changing.
    let mut late = vec![0.0; 30_000];
    late.extend(speech_like(3.0, 0.4));
    cases.push(("sound after silence", late));
    let rising: Vec<f32> = noise(100_000, 13)
        .enumerate()
        .map(|(i, n)| n * i as f32 / 100_000.0)
        .collect();
    cases.push(("a rising level", rising));
    for (what, samples) in cases {
        let whole = meter::peaks(&samples, RATE).expect("peaks");
        assert_eq!(whole.true_peak, one_meter_true_peak(&samples), "{what}");
        for chunk in CHUNKS {
            let streamed = streamed_peaks(&samples, RATE, chunk);
            assert_eq!(
                streamed.true_peak, whole.true_peak,
                "{what}, chunks of {chunk}"
            );
            assert_eq!(streamed.sample_peak, whole.sample_peak, "{what}");
        }
    }
    for silence in [&[][..], &[0.0; 5_000][..]] {
        let streamed = streamed_peaks(silence, RATE, 1_000);
        assert_eq!((streamed.true_peak, streamed.sample_peak), (None, None));
    }
}

#[test]
fn at_96_khz_every_sample_is_upsampled_streamed_as_whole() {
    let samples = speech_like(12.0, 0.5);
    let whole = meter::peaks(&samples, 96_000).expect("peaks");
    assert!(whole.true_peak.is_some());
    for chunk in [1_000, usize::MAX] {
        let streamed = streamed_peaks(&samples, 96_000, chunk);
        assert_eq!(streamed.true_peak, whole.true_peak, "chunks of {chunk}");
        assert_eq!(streamed.sample_peak, whole.sample_peak);
    }
}

#[test]
fn a_level_meter_fed_in_chunks_is_one_meter_fed_the_whole() {
    let samples = speech_like(33.3, 0.4);
    let one = meter::feed_in(&samples, RATE, ebur128::Mode::I, 1)
        .expect("a meter")
        .integrated()
        .expect("a level");
    assert!(one.is_some());
    for chunk in [1, 4_410, 65_536] {
        let mut level = LevelMeter::new(RATE).expect("a meter");
        for piece in samples.chunks(chunk) {
            level.add(piece).expect("add");
        }
        assert_eq!(
            level.integrated().expect("a level"),
            one,
            "chunks of {chunk}"
        );
    }
    assert!(LevelMeter::new(4).is_err(), "a rate too low is an error");
}

/// Test signals for normalization, each with the presets to try.
fn normalize_cases() -> Vec<(&'static str, Vec<f32>)> {
    let mut huge = speech_like(12.0, 0.05);
    for (i, s) in huge[5 * RATE as usize..][..RATE as usize / 100]
        .iter_mut()
        .enumerate()
    {
        *s = (0.99 * (i as f64 * 0.6).sin()) as f32;
    }
    vec![
        ("speech", speech_like(12.0, 0.3)),
        ("a short loud paragraph", speech_like(8.0, 0.9)),
        ("speech with a huge peak", huge),
        ("a long paragraph", speech_like(40.0, 0.6)),
        ("silence", vec![0.0; 3 * RATE as usize]),
        ("too short", speech_like(0.1, 0.5)),
        ("nothing", Vec::new()),
    ]
}

fn presets() -> Vec<Target> {
    [
        (Preset::Podcast, 1),
        (Preset::Podcast, 2),
        (Preset::Ebu, 1),
        (Preset::Acx, 1),
    ]
    .into_iter()
    .map(|(p, ch)| p.target(ch).expect("a target"))
    .collect()
}

/// Everything `normalization` hands a sink, checking the chunks' size.
fn applied(normalization: &Normalization, spool: &Spool) -> Vec<f32> {
    let mut out = Vec::new();
    normalization
        .apply(spool, |chunk| -> Result<(), Error> {
            assert!(chunk.len() <= CHUNK);
            out.extend_from_slice(chunk);
            Ok(())
        })
        .expect("apply");
    out
}

fn spool_of(samples: &[f32], limit: usize, dir: &std::path::Path) -> Spool {
    let mut spool = Spool::with_limit(RATE, dir, limit);
    for piece in samples.chunks(10_000) {
        spool.push(piece).expect("push");
    }
    spool
}

/// `normalize` and a spool in memory give exactly what `normalize` gave before spools; a
/// spilled spool gives the same decision.
fn check_against_reference(what: &str, input: &[f32], target: &Target, hows: &mut Vec<How>) {
    let mut expected = input.to_vec();
    let gain = reference::normalize(&mut expected, RATE, target).expect("reference");
    let mut samples = input.to_vec();
    let got = normalize(&mut samples, RATE, target).expect("normalize");
    // Debug shows -0.0 apart from 0.0.
    assert_eq!(
        format!("{got:?}"),
        format!("{gain:?}"),
        "{what}, {target:?}"
    );
    assert!(samples == expected, "{what}, {target:?}: samples");

    let dir = tempfile::tempdir().expect("tempdir");
    let in_memory = spool_of(input, usize::MAX, dir.path());
    let decided = decide(&in_memory, target).expect("decide");
    assert_eq!(
        format!("{:?}", decided.gain()),
        format!("{gain:?}"),
        "{what}"
    );
    assert!(
        applied(&decided, &in_memory) == expected,
        "{what}: spool in memory"
    );
    hows.push(decided.how);

    let spilled = spool_of(input, 1_000, dir.path());
    assert_eq!(spilled.is_spilled(), input.len() > 1_000);
    let streamed = decide(&spilled, target).expect("decide");
    let out = applied(&streamed, &spilled);
    assert_eq!(out.len(), expected.len());
    // One meter piece (under 10 s, or one core): the same bits. Else the pieces' rounding.
    let tolerance = match meter::feed(input, RATE, ebur128::Mode::I).expect("meters") {
        m if m.meters.len() == 1 => 0.0,
        _ => 1e-6,
    };
    assert_gains_within(streamed.gain(), &gain, tolerance, what);
    let worst = out
        .iter()
        .zip(&expected)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(
        f64::from(worst) <= tolerance,
        "{what}: samples off by {worst}"
    );
    match (streamed.how, decided.how) {
        (
            How::Limit {
                gain: a,
                threshold: b,
            },
            How::Limit {
                gain: c,
                threshold: d,
            },
        ) => {
            assert!(
                (a - c).abs() <= tolerance && (b - d).abs() <= tolerance,
                "{what}"
            );
        }
        (How::Scale(a), How::Scale(b)) => assert!((a - b).abs() <= tolerance, "{what}"),
        (a, b) => assert_eq!(a, b, "{what}"),
    }
    // Applied again, the same.
    assert!(
        applied(&streamed, &spilled) == out,
        "{what}: a second apply"
    );
}

fn assert_gains_within(a: &Gain, b: &Gain, tolerance: f64, what: &str) {
    let pairs = |g: &Gain| {
        let l = |x: &Loudness| {
            [
                x.integrated.map(|v| v.0),
                x.range.map(|v| v.0),
                x.true_peak.map(|v| v.0),
                x.sample_peak.map(|v| v.0),
                x.rms.map(|v| v.0),
            ]
        };
        let mut all = vec![Some(g.gain.0), Some(g.limited.0)];
        all.extend(l(&g.before));
        all.extend(l(&g.after));
        all
    };
    for (i, (x, y)) in pairs(a).into_iter().zip(pairs(b)).enumerate() {
        match (x, y) {
            (Some(x), Some(y)) => assert!(
                (x - y).abs() <= tolerance,
                "{what}: value {i}: {x} against {y} ({a:?} against {b:?})"
            ),
            (x, y) => assert_eq!(x, y, "{what}: value {i}"),
        }
    }
}

#[test]
fn normalize_in_memory_or_from_a_spool_gives_what_it_gave_before_spools() {
    let mut hows = Vec::new();
    for (what, input) in normalize_cases() {
        for target in presets() {
            check_against_reference(what, &input, &target, &mut hows);
        }
    }
    // Every way of making the result came up.
    assert!(hows.contains(&How::Unchanged));
    assert!(hows.iter().any(|h| matches!(h, How::Scale(_))));
    assert!(hows.iter().any(|h| matches!(h, How::Limit { .. })));
}

#[test]
fn a_paragraph_spoken_by_espeak_ng_normalizes_as_before_in_memory_and_spilled() {
    use crate::engine::espeak::Espeak;
    use crate::engine::{Engine, Pitch, Rate, SynthRequest, VoiceId};
    let script = include_str!("../../../../script/essay.txt");
    let paragraph = script.lines().nth(1).expect("a paragraph");
    let voice = VoiceId("en-us".into());
    let mut engine =
        Espeak::open(&voice).expect("libespeak-ng is installed on development machines");
    assert_eq!(engine.sample_rate(), RATE);
    let request = SynthRequest {
        text: paragraph,
        rate: Rate(175),
        pitch: Pitch(50),
    };
    let speech = engine.synthesize(&request).expect("speech");
    let samples: Vec<f32> = speech
        .samples
        .iter()
        .map(|&s| crate::audio::to_f32(s))
        .collect();
    assert!(samples.len() > 10 * RATE as usize, "a paragraph of speech");
    let mut hows = Vec::new();
    for target in presets() {
        check_against_reference("espeak-ng", &samples, &target, &mut hows);
    }
    assert!(
        hows.iter().any(|h| matches!(h, How::Limit { .. })),
        "{hows:?}"
    );
}

/// A sink's own error, or the loudness error `apply` hands it.
#[derive(Debug)]
enum SinkError {
    #[allow(dead_code)] // shown by Debug when a test fails
    Loudness(Error),
    Full,
}

impl From<Error> for SinkError {
    fn from(e: Error) -> SinkError {
        SinkError::Loudness(e)
    }
}

#[test]
fn a_sink_error_stops_apply_and_is_what_apply_returns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = speech_like(12.0, 0.9);
    let target = Preset::Podcast.target(1).expect("a target");
    for limit in [usize::MAX, 1_000] {
        let spool = spool_of(&input, limit, dir.path());
        let normalization = decide(&spool, &target).expect("decide");
        let mut calls = 0;
        let result = normalization.apply(&spool, |_| {
            calls += 1;
            if calls == 2 {
                return Err(SinkError::Full);
            }
            Ok(())
        });
        assert!(matches!(result, Err(SinkError::Full)), "{result:?}");
        assert_eq!(calls, 2, "no chunk after the error");
    }
}

#[test]
fn a_spilled_result_reaches_the_sink_at_most_a_chunk_at_a_time() {
    // A spool read back as a full chunk, a short one (the rest of the file) and a long one
    // (the samples still in memory): the limiter holds the short one back, and would hand
    // on more than a chunk with the next.
    let dir = tempfile::tempdir().expect("tempdir");
    // Quiet speech with loud clicks: the limiter works.
    let mut input = speech_like(6.0, 0.05);
    for at in (1_000..input.len()).step_by(20_000) {
        input[at] = 0.9;
    }
    let mut spool = Spool::with_limit(RATE, dir.path(), 3_500);
    let mut at = 0;
    for size in [3_000, 1_000, CHUNK, 62_000] {
        spool.push(&input[at..at + size]).expect("push");
        at += size;
    }
    let mut sizes = Vec::new();
    let mut chunks = spool.chunks(CHUNK);
    while let Some(chunk) = chunks.next_chunk().expect("read") {
        sizes.push(chunk.len());
    }
    assert_eq!(sizes, [CHUNK, 4_000, 62_000]);
    let target = Preset::Podcast.target(1).expect("a target");
    let normalization = decide(&spool, &target).expect("decide");
    assert!(matches!(normalization.how, How::Limit { .. }));
    let mut largest = 0;
    normalization
        .apply(&spool, |chunk| -> Result<(), Error> {
            largest = largest.max(chunk.len());
            Ok(())
        })
        .expect("apply");
    assert_eq!(largest, CHUNK);
}
