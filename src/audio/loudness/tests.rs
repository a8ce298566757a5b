//! Loudness targets, met and measured again with the same meter; silence; limiting.

use super::*;

const RATE: u32 = 22_050;

/// A deterministic stand-in for speech: a voiced buzz plus filtered noise, shaped into
/// syllables (4 per second) with a pause of 0.4 s every 2 s. Peak level about `level`.
fn speech_like(seconds: f64, level: f32) -> Vec<f32> {
    let rate = f64::from(RATE);
    let mut state: u32 = 0x1234_5678;
    let mut noise_lp = 0.0;
    (0..(seconds * rate) as usize)
        .map(|i| {
            let t = i as f64 / rate;
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = f64::from(state >> 8) / f64::from(1u32 << 24) * 2.0 - 1.0;
            noise_lp += 0.3 * (noise - noise_lp);
            let tau = std::f64::consts::TAU;
            let voiced: f64 = (1..=8)
                .map(|h| (tau * 130.0 * f64::from(h) * t).sin() / f64::from(h))
                .sum();
            let syllable = (0.5 - 0.5 * (tau * 4.0 * t).cos()).powi(2);
            let pause = t % 2.0 > 1.6;
            if pause {
                0.0
            } else {
                (f64::from(level) * syllable * (0.45 * voiced + 0.5 * noise_lp)) as f32
            }
        })
        .collect()
}

fn assert_meets(samples: &[f32], target: &Target, tolerance: f64) {
    let result = measure(samples, RATE).expect("measure");
    let (goal, got) = match target.level {
        Level::Integrated(goal) => (goal.0, result.integrated.map(|l| l.0)),
        Level::Rms(goal) => (goal.0, result.rms.map(|l| l.0)),
    };
    let got = got.expect("a level");
    assert!(
        (got - goal).abs() <= tolerance,
        "level {got:.2}, target {goal:.2} ({result})"
    );
    let peak = result.true_peak.expect("a peak").0;
    assert!(
        peak <= target.ceiling.0,
        "true peak {peak:.2} over {:.2}",
        target.ceiling.0
    );
}

#[test]
fn every_preset_has_its_exact_target_and_ceiling_in_mono_and_stereo() {
    let integrated = |lufs, ceiling| {
        Some(Target {
            level: Level::Integrated(Lufs(lufs)),
            ceiling: Db(ceiling),
        })
    };
    let acx = Some(Target {
        level: Level::Rms(Db(-20.0)),
        ceiling: Db(-3.0),
    });
    let expected = [
        (Preset::Podcast, 1, integrated(-19.0, -1.0)),
        (Preset::Podcast, 2, integrated(-16.0, -1.0)),
        (Preset::Ebu, 1, integrated(-23.0, -1.0)),
        (Preset::Ebu, 2, integrated(-23.0, -1.0)),
        (Preset::Acx, 1, acx),
        (Preset::Acx, 2, acx),
        (Preset::Off, 1, None),
        (Preset::Off, 2, None),
    ];
    for (preset, channels, target) in expected {
        assert_eq!(
            preset.target(channels),
            target,
            "{preset:?}, {channels} channels"
        );
    }
    assert_eq!(Preset::default(), Preset::Podcast);
    assert_eq!(
        serde_json::to_string(&Preset::Podcast).expect("json"),
        "\"podcast\""
    );
}

#[test]
fn levels_print_with_one_decimal_and_their_unit() {
    assert_eq!(Lufs(-16.04).to_string(), "-16.0 LUFS");
    assert_eq!(Db(-1.26).to_string(), "-1.3 dB");
    let measured = Loudness {
        integrated: Some(Lufs(-19.03)),
        range: Some(Db(5.0)),
        true_peak: Some(Db(-1.44)),
        sample_peak: Some(Db(-2.0)),
        rms: Some(Db(-22.17)),
    };
    assert_eq!(
        measured.to_string(),
        "-19.0 LUFS, true peak -1.4 dBTP, RMS -22.2 dB"
    );
    let silent = Loudness {
        integrated: None,
        range: None,
        true_peak: None,
        sample_peak: None,
        rms: None,
    };
    assert_eq!(silent.to_string(), "silent");
}

#[test]
fn every_preset_reaches_its_target_under_the_ceiling() {
    let input = speech_like(12.0, 0.3);
    for (preset, channels) in [
        (Preset::Podcast, 1),
        (Preset::Podcast, 2),
        (Preset::Ebu, 1),
        (Preset::Acx, 1),
    ] {
        let target = preset.target(channels).expect("a target");
        let mut samples = input.clone();
        let gain = normalize(&mut samples, RATE, &target).expect("normalize");
        assert_meets(&samples, &target, 0.5);
        assert!(gain.gain.0.is_finite(), "{preset:?}: {gain:?}");
        // What normalize reports is what a meter reads on the result (to float rounding).
        let again = measure(&samples, RATE).expect("measure");
        let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-4,
            (a, b) => a == b,
        };
        assert!(
            close(
                gain.after.integrated.map(|l| l.0),
                again.integrated.map(|l| l.0)
            ),
            "{preset:?}"
        );
        assert!(
            close(
                gain.after.true_peak.map(|d| d.0),
                again.true_peak.map(|d| d.0)
            ),
            "{preset:?}"
        );
        assert!(
            close(gain.after.rms.map(|d| d.0), again.rms.map(|d| d.0)),
            "{preset:?}"
        );
    }
}

#[test]
fn one_gain_for_the_whole_buffer_when_no_peak_needs_limiting() {
    let input = speech_like(8.0, 0.3);
    let mut samples = input.clone();
    let target = Preset::Ebu.target(1).expect("a target");
    let gain = normalize(&mut samples, RATE, &target).expect("normalize");
    assert_eq!(gain.limited, Db(0.0));
    let factor = gain.gain.factor();
    for (before, after) in input.iter().zip(&samples) {
        let expected = (f64::from(*before) * factor) as f32;
        assert!((expected - after).abs() <= 1e-6, "{expected} vs {after}");
    }
}

#[test]
fn silence_stays_silent() {
    let mut samples = vec![0.0f32; 3 * RATE as usize];
    let target = Preset::Podcast.target(1).expect("a target");
    let gain = normalize(&mut samples, RATE, &target).expect("normalize");
    assert_eq!(gain.gain, Db(0.0));
    assert_eq!(gain.after.integrated, None);
    assert_eq!(gain.after.true_peak, None);
    assert!(samples.iter().all(|&s| s == 0.0));
}

#[test]
fn too_short_or_empty_input_is_left_alone() {
    let tone: Vec<f32> = (0..RATE as usize / 10)
        .map(|i| (0.5 * (i as f64 * 0.3).sin()) as f32)
        .collect();
    let mut samples = tone.clone();
    let target = Preset::Podcast.target(1).expect("a target");
    let gain = normalize(&mut samples, RATE, &target).expect("normalize");
    assert_eq!(gain.gain, Db(0.0));
    assert_eq!(samples, tone);
    assert!(gain.before.sample_peak.is_some());

    let mut empty: Vec<f32> = Vec::new();
    let gain = normalize(&mut empty, RATE, &target).expect("normalize empty");
    assert_eq!(gain.before.rms, None);
}

#[test]
fn a_huge_peak_is_limited_under_the_ceiling_and_loudness_still_met() {
    let mut input = speech_like(12.0, 0.05);
    // A 10 ms full-scale click burst, 30 dB above the speech.
    for (i, s) in input[5 * RATE as usize..][..RATE as usize / 100]
        .iter_mut()
        .enumerate()
    {
        *s = (0.99 * (i as f64 * 0.6).sin()) as f32;
    }
    let mut samples = input.clone();
    let target = Preset::Podcast.target(1).expect("a target");
    let gain = normalize(&mut samples, RATE, &target).expect("normalize");
    assert!(gain.limited.0 > 6.0, "{gain:?}");
    assert_meets(&samples, &target, 0.5);
}

#[test]
fn the_limiter_turns_peaks_down_smoothly_instead_of_clipping() {
    let mut samples: Vec<f32> = (0..RATE as usize)
        .map(|i| {
            let burst = (10_000..10_400).contains(&i);
            let amp = if burst { 0.9 } else { 0.1 };
            (amp * (i as f64 * 0.2).sin()) as f32
        })
        .collect();
    let input = samples.clone();
    let limited = limit(&mut samples, RATE, Db(-6.0));
    // 0.9 is -0.9 dBFS, so about 5 dB over.
    assert!((limited.0 - 5.1).abs() < 0.1, "{limited:?}");
    let ceiling = Db(-6.0).factor() as f32;
    assert!(samples.iter().all(|s| s.abs() <= ceiling + 1e-6));
    // The gain (output over input) never jumps: a clipper would flatten the burst's
    // crests, a smooth limiter scales whole cycles.
    let gains: Vec<f64> = input
        .iter()
        .zip(&samples)
        .filter(|(i, _)| i.abs() > 0.02)
        .map(|(i, o)| f64::from(*o) / f64::from(*i))
        .collect();
    let steepest = gains
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f64::max);
    assert!(steepest < 0.05, "gain step {steepest}");
    // Far from the burst the signal is untouched.
    assert_eq!(samples[..5_000], input[..5_000]);
}

/// The limiter as first written: one gain per sample, an attack pass backwards and a release
/// pass forwards over the whole buffer. [`limit`] must give the same samples.
fn dense_limit(samples: &mut [f32], threshold: Db) -> Db {
    let ceiling = threshold.factor();
    let rate = f64::from(RATE);
    let mut gain: Vec<f64> = samples
        .iter()
        .map(|&s| (ceiling / f64::from(s).abs()).min(1.0))
        .collect();
    let attack_step = 1.0 / (0.005 * rate);
    for i in (0..gain.len().saturating_sub(1)).rev() {
        gain[i] = gain[i].min(gain[i + 1] + attack_step);
    }
    let release = 1.0 - (-1.0 / (0.080 * rate)).exp();
    for i in 1..gain.len() {
        gain[i] = gain[i].min(gain[i - 1] + (1.0 - gain[i - 1]) * release);
    }
    for (s, g) in samples.iter_mut().zip(&gain) {
        *s = (f64::from(*s) * g) as f32;
    }
    let lowest = gain.iter().copied().fold(1.0, f64::min);
    Db(-20.0 * lowest.log10())
}

#[test]
fn the_limiter_gives_what_a_sample_by_sample_limiter_gives() {
    let mut input = speech_like(20.0, 0.5);
    // Peaks on the first and last sample, and two bursts closer than an attack ramp.
    input[0] = 0.9;
    let last = input.len() - 1;
    input[last] = -0.95;
    input[100_000] = 0.99;
    input[100_050] = -0.97;
    for threshold in [-12.0, -6.0, -3.0] {
        let mut fast = input.clone();
        let mut dense = input.clone();
        let a = limit(&mut fast, RATE, Db(threshold));
        let b = dense_limit(&mut dense, Db(threshold));
        assert!((a.0 - b.0).abs() < 1e-9, "{a:?} against {b:?}");
        let worst = fast
            .iter()
            .zip(&dense)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        assert!(worst < 1e-6, "threshold {threshold}: off by {worst}");
        assert_ne!(fast, input, "threshold {threshold} limited nothing");
    }
}

#[test]
fn a_rate_too_low_to_measure_is_an_error_not_a_panic() {
    let samples = speech_like(1.0, 0.4);
    assert!(meter::feed_in(&samples, 4, Mode::I, 4).is_err());
}

#[test]
fn meters_fed_in_pieces_agree_with_one_meter() {
    let samples = speech_like(33.3, 0.4);
    let mode = Mode::I | Mode::TRUE_PEAK | Mode::SAMPLE_PEAK;
    let one = meter::feed_in(&samples, RATE, mode, 1).expect("one meter");
    for pieces in [2, 3, 4] {
        let split = meter::feed_in(&samples, RATE, mode, pieces).expect("meters");
        assert_eq!(split.meters.len(), pieces);
        let level = |m: &meter::Meters| m.integrated().expect("a level").expect("not silent").0;
        let (a, b) = (level(&one), level(&split));
        assert!((a - b).abs() < 1e-9, "{pieces} pieces: {b} against {a}");
        let peak = |m: &meter::Meters| m.true_peak().expect("a true peak");
        assert_eq!(peak(&split), peak(&one), "{pieces} pieces");
    }
}

#[test]
fn a_buffer_is_split_only_into_pieces_of_five_seconds_or_more() {
    let samples = speech_like(20.0, 0.4);
    let second = RATE as usize;
    for (len, pieces) in [
        (second, 1),
        (10 * second - 1, 1),
        (10 * second, 2),
        (15 * second - 1, 2),
        (15 * second, 3),
        (20 * second, 4),
    ] {
        let meters = meter::feed_in(&samples[..len], RATE, Mode::I, 4).expect("meters");
        assert_eq!(meters.meters.len(), pieces, "{len} samples");
    }
}

#[test]
fn each_piece_measures_its_share_of_the_buffer_and_the_300_ms_before_it() {
    // 20 s in four pieces of exactly 5 s, quiet noise with marked samples: one 100 ms into
    // each piece, one on the first sample the third piece measures (in the second's share),
    // one on the last sample the fourth piece only seeds with (in the third's share).
    let hop = RATE as usize / 10;
    let piece = 50 * hop;
    let mut samples: Vec<f32> = noise(4 * piece, 19).map(|n| n * 0.01).collect();
    for (i, mark) in [0.2, 0.3, 0.4, 0.1].into_iter().enumerate() {
        samples[i * piece + hop] = mark;
    }
    samples[2 * piece - 3 * hop] = 0.5;
    samples[3 * piece - 3 * hop - 1] = 0.7;
    let split = meter::feed_in(&samples, RATE, Mode::SAMPLE_PEAK, 4).expect("meters");
    let peaks: Vec<f64> = split
        .meters
        .iter()
        .map(|m| m.sample_peak(0).expect("a sample peak"))
        .collect();
    assert_eq!(peaks, [0.2_f32, 0.5, 0.7, 0.1].map(f64::from));
}

/// The true peak of one ebur128 meter fed the whole buffer.
fn one_meter_true_peak(samples: &[f32]) -> Option<Db> {
    one_meter_true_peak_at(samples, RATE)
}

/// [`one_meter_true_peak`] at `rate`.
fn one_meter_true_peak_at(samples: &[f32], rate: u32) -> Option<Db> {
    let mut meter = EbuR128::new(1, rate, Mode::TRUE_PEAK | Mode::SAMPLE_PEAK).expect("meter");
    meter.add_frames_f32(samples).expect("add");
    Db::from_amplitude(meter.true_peak(0).expect("true peak"))
}

/// Uniform noise in [-1, 1), reproducible.
fn noise(len: usize, mut state: u32) -> impl Iterator<Item = f32> {
    (0..len).map(move |_| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (f64::from(state >> 8) / f64::from(1u32 << 23) - 1.0) as f32
    })
}

/// Signals whose true peak is hard to get right: loud samples at the ends, crests between
/// samples, short bursts, a crest raised by quieter samples around it.
fn peak_cases() -> Vec<(&'static str, Vec<f32>)> {
    let mut limited = speech_like(20.0, 0.9);
    limit(&mut limited, RATE, Db(-1.3));
    let mut edges = speech_like(5.0, 0.3);
    // Loud samples on the first and last sample, where a stretch has no room on one side.
    edges[0] = -0.8;
    let last = edges.len() - 1;
    edges[last] = 0.7;
    // A quarter-rate sine sampled 45 degrees off its crests: every sample is at 0.707 of
    // the crest, which lies between samples (3 dB over the sample peak).
    let between: Vec<f32> = (0..22_050)
        .map(|i| (0.5 * (std::f64::consts::FRAC_PI_2 * (f64::from(i) + 0.5)).sin()) as f32)
        .collect();
    let mut bursts: Vec<f32> = noise(100_000, 7).map(|n| n * 0.01).collect();
    for (at, level) in [(10_000, 0.6), (10_040, 0.5), (60_000, 0.9)] {
        for (i, n) in noise(300, at as u32).enumerate() {
            bursts[at + i] = n * level;
        }
    }
    // Two loud samples whose crest between them is raised by six quieter ones (under half
    // their level) on each side, signed as the upsampler's weights there: the true peak
    // depends on samples five away from the loud ones.
    let mut raised: Vec<f32> = noise(2_000, 5).map(|n| n * 0.01).collect();
    raised[1_000] = 0.7;
    raised[1_001] = 0.7;
    for k in 1..=6 {
        let sign = if k % 2 == 1 { -0.34 } else { 0.34 };
        raised[1_000 - k] = sign;
        raised[1_001 + k] = sign;
    }
    // Crests (0.99) between samples (0.70) after a higher sample (0.85): the samples around
    // the crests are not the highest so far, but over half of it.
    let mut later: Vec<f32> = noise(20_000, 17).map(|n| n * 0.01).collect();
    later[1_000] = 0.85;
    for (i, s) in later[10_000..10_400].iter_mut().enumerate() {
        *s = (0.99 * (std::f64::consts::FRAC_PI_2 * (i as f64 + 0.5)).sin()) as f32;
    }
    // A loud first sample (0.9) whose crest with the next is raised over it (to about 1.01)
    // by twelve quieter samples after it (0.44, under half of it), signed as the upsampler's
    // weights there: the crest depends on samples after the first that are not loud.
    let mut first: Vec<f32> = noise(2_000, 23).map(|n| n * 0.01).collect();
    first[0] = 0.9;
    for (k, s) in first[1..=12].iter_mut().enumerate() {
        *s = if k % 2 == 0 { 0.44 } else { -0.44 };
    }
    // `raised` followed by a later loud stretch (a lone 0.6): the crest of the first
    // stretch still counts every quieter sample after its loud ones.
    let mut then_another = raised.clone();
    then_another[1_500] = 0.6;
    vec![
        ("speech", speech_like(20.0, 0.5)),
        ("crests between samples after a higher sample", later),
        ("limited speech", limited),
        ("loud samples at both ends", edges),
        ("crests between samples", between),
        ("short bursts in quiet noise", bursts),
        ("noise", noise(50_000, 3).collect()),
        ("one sample", vec![0.25]),
        ("a crest raised by quieter samples around it", raised),
        (
            "a crest raised by quieter samples after a loud first sample",
            first,
        ),
        ("a raised crest, then another loud stretch", then_another),
    ]
}

#[test]
fn the_true_peak_around_loud_samples_is_the_true_peak_of_the_whole_buffer() {
    let cases = peak_cases();
    for (what, samples) in cases {
        let peaks = meter::peaks(&samples, RATE).expect("peaks");
        assert_eq!(peaks.true_peak, one_meter_true_peak(&samples), "{what}");
        if what.contains("crest") {
            assert!(
                peaks.true_peak > peaks.sample_peak,
                "{what}: {:?}",
                peaks.true_peak
            );
        }
    }
    let silence = meter::peaks(&[0.0; 1000], RATE).expect("silence");
    assert_eq!((silence.true_peak, silence.sample_peak), (None, None));
    let nothing = meter::peaks(&[], RATE).expect("nothing");
    assert_eq!((nothing.true_peak, nothing.sample_peak), (None, None));
}

/// What [`meter::peaks`] stands on: no output of ebur128's upsampler is twice the
/// largest sample in its reach. Random signs are the worst case for some window now and then
/// (one in 4,096 per phase): there the output is the filter's whole absolute sum (1.864)
/// times the level. Were ebur128's filter to overshoot more, this would catch it.
#[test]
fn no_sample_upsamples_to_twice_its_level() {
    let level = 0.4999;
    let mut samples: Vec<f32> = noise(400_000, 11)
        .map(|n| if n < 0.0 { -level } else { level })
        .collect();
    let worst = one_meter_true_peak(&samples).expect("a peak").factor();
    let level = f64::from(level);
    assert!(
        worst > level * 1.8,
        "the worst window never came up: {worst}"
    );
    assert!(worst < level * f64::from(meter::OVERSHOOT), "{worst}");
    // One full-scale sample among them: only the stretch around it is upsampled.
    samples[200_000] = 1.0;
    let peaks = meter::peaks(&samples, RATE).expect("peaks");
    assert_eq!(peaks.true_peak, one_meter_true_peak(&samples));
}

/// At 96 kHz ebur128 upsamples 2x, through phases whose absolute weights sum to 2.31: a
/// crest can be more than twice the samples around it, so there [`meter::peaks`] (and
/// [`meter::PeakMeter`]) measure every sample instead of the stretches around loud ones.
#[test]
fn at_96_khz_a_crest_over_twice_the_samples_around_it_counts() {
    let rate = 96_000;
    let mut samples: Vec<f32> = noise(2 * rate as usize, 29).map(|n| n * 0.01).collect();
    // Twelve samples each side of a crest (0.45, under half of the full-scale sample
    // further on), signed as the upsampler's weights there: the crest is about 1.04.
    let at = 50_000;
    for j in 0..12 {
        let s = if j % 2 == 0 { 0.45 } else { -0.45 };
        samples[at + j] = s;
        samples[at - 1 - j] = s;
    }
    samples[150_000] = 1.0;
    let expected = one_meter_true_peak_at(&samples, rate);
    assert!(expected.is_some_and(|tp| tp.0 > 0.3), "{expected:?}");
    assert_eq!(
        meter::peaks(&samples, rate).expect("peaks").true_peak,
        expected
    );
    let mut streamed = meter::PeakMeter::new(rate).expect("a meter");
    for chunk in samples.chunks(10_000) {
        streamed.add(chunk).expect("add");
    }
    assert_eq!(streamed.peaks().expect("peaks").true_peak, expected);
}

mod decide;
mod reference;
mod search;
mod stream;

#[test]
fn preset_names_are_spelled_as_the_flag_and_narrate_toml_take_them() {
    for preset in Preset::ALL {
        assert_eq!(preset.name().parse::<Preset>(), Ok(preset));
        assert_eq!(
            serde_json::to_value(preset).expect("serializes"),
            preset.name()
        );
        assert_eq!(preset.to_string(), preset.name());
    }
    let err = "loud".parse::<Preset>().expect_err("not a preset");
    assert_eq!(
        err.to_string(),
        "\"loud\" is not a loudness preset (podcast, acx, ebu, off)"
    );
}
