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

mod decide;
mod peaks;
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

#[test]
fn each_presets_help_line_states_its_targets() {
    for preset in Preset::ALL {
        let about = preset.about();
        for channels in [1, 2] {
            let Some(target) = preset.target(channels) else {
                assert_eq!(about, "Leave the engine's level alone");
                continue;
            };
            let level = match target.level {
                Level::Integrated(l) => format!("{} LUFS", l.0),
                Level::Rms(d) => format!("{} dB", d.0),
            };
            let ceiling = format!("{} dB", target.ceiling.0);
            assert!(about.contains(&level), "{preset}: {about:?} lacks {level}");
            assert!(
                about.contains(&ceiling),
                "{preset}: {about:?} lacks {ceiling}"
            );
        }
    }
}
