//! Loudness measurement (EBU R128 / ITU-R BS.1770) and normalization to a delivery target.
//!
//! Podcast hosts and audiobook stores expect a standard loudness, so the episode and every
//! paragraph file are brought to one. The meter is the `ebur128` crate (the same algorithm as
//! ffmpeg's `ebur128` filter), never a hand-rolled one. Normalization applies ONE gain to the
//! whole buffer: per-sentence gains make the level jump audibly between sentences. When that
//! gain would push the true peak over the ceiling, a smooth look-ahead limiter (not a
//! clipper) tames only the peaks, and the gain is re-tuned so that the result still meets the
//! loudness target.

use std::fmt;

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};

/// Integrated loudness in LUFS (loudness units relative to full scale).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lufs(pub f64);

/// A level or a gain in decibels: dBFS for RMS and sample peaks, dBTP for true peaks,
/// LU for loudness ranges and for gains.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Db(pub f64);

impl Db {
    /// Level of a linear amplitude (1.0 is full scale); `None` for silence.
    fn from_amplitude(amplitude: f64) -> Option<Db> {
        (amplitude > 0.0 && amplitude.is_finite()).then(|| Db(20.0 * amplitude.log10()))
    }

    /// The linear factor of this gain.
    pub fn factor(self) -> f64 {
        10f64.powf(self.0 / 20.0)
    }
}

impl fmt::Display for Lufs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} LUFS", self.0)
    }
}

impl fmt::Display for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} dB", self.0)
    }
}

/// A named loudness standard, as chosen with `--loudness`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Podcasts: -16 LUFS for stereo, -19 LUFS for mono (the same perceived level), -1 dBTP.
    #[default]
    Podcast,
    /// ACX audiobooks: RMS between -23 and -18 dB (aim -20 dB), peaks at most -3 dB.
    Acx,
    /// EBU R128 broadcast: -23 LUFS, -1 dBTP.
    Ebu,
    /// Leave the engine's level alone.
    Off,
}

/// The level a normalized buffer should reach.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// BS.1770 gated integrated loudness.
    Integrated(Lufs),
    /// Plain RMS over the whole buffer, `20 log10(rms)` (a full-scale sine is -3 dB), the
    /// way ACX's checker and Audacity measure it.
    Rms(Db),
}

/// A loudness target: the level to reach and the true-peak ceiling to stay under.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Target {
    pub level: Level,
    /// True-peak ceiling in dBTP (4x oversampled peak, as BS.1770 defines it).
    pub ceiling: Db,
}

impl Preset {
    /// The target for audio with `channels` channels, or `None` for [`Preset::Off`].
    ///
    /// Mono podcasts aim at -19 LUFS rather than -16: BS.1770 measures one channel once,
    /// while a player sends mono to both speakers, which sounds 3 LU louder.
    /// ACX allows an RMS between -23 and -18 dB; -20 dB sits well inside that window and
    /// leaves room for the -3 dB peak limit on speech (crest factor around 15 to 18 dB).
    /// Its ceiling is applied to the true peak, which is stricter than ACX's sample peak.
    pub fn target(self, channels: u32) -> Option<Target> {
        let (level, ceiling) = match self {
            Preset::Podcast if channels == 1 => (Level::Integrated(Lufs(-19.0)), -1.0),
            Preset::Podcast => (Level::Integrated(Lufs(-16.0)), -1.0),
            Preset::Acx => (Level::Rms(Db(-20.0)), -3.0),
            Preset::Ebu => (Level::Integrated(Lufs(-23.0)), -1.0),
            Preset::Off => return None,
        };
        Some(Target {
            level,
            ceiling: Db(ceiling),
        })
    }
}

/// What the meter says about a buffer. A value is `None` where it is undefined: silence, or
/// (for the gated measures) audio shorter than one 400 ms gating block or below -70 LUFS.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Loudness {
    /// Gated integrated loudness.
    pub integrated: Option<Lufs>,
    /// Loudness range (EBU Tech 3342), in LU.
    pub range: Option<Db>,
    /// True peak, dBTP.
    pub true_peak: Option<Db>,
    /// Highest sample, dBFS.
    pub sample_peak: Option<Db>,
    /// RMS over the whole buffer, dBFS (see [`Level::Rms`]).
    pub rms: Option<Db>,
}

impl Loudness {
    /// The measured value of the kind that `level` asks for.
    pub fn level(&self, level: &Level) -> Option<f64> {
        match level {
            Level::Integrated(_) => self.integrated.map(|l| l.0),
            Level::Rms(_) => self.rms.map(|l| l.0),
        }
    }
}

impl fmt::Display for Loudness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.integrated {
            Some(l) => write!(f, "{l}")?,
            None => f.write_str("silent")?,
        }
        if let Some(tp) = self.true_peak {
            write!(f, ", true peak {:.1} dBTP", tp.0)?;
        }
        if let Some(rms) = self.rms {
            write!(f, ", RMS {:.1} dB", rms.0)?;
        }
        Ok(())
    }
}

/// What [`normalize`] did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Gain {
    /// The one gain applied to the whole buffer (0 dB when nothing was done).
    pub gain: Db,
    /// Largest gain reduction of the peak limiter, 0 dB when it did not act.
    pub limited: Db,
    /// The buffer before.
    pub before: Loudness,
    /// The buffer after, measured again.
    pub after: Loudness,
}

/// Why a buffer could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot measure loudness at {sample_rate} Hz: {source}")]
    Meter {
        sample_rate: u32,
        #[source]
        source: ebur128::Error,
    },
}

/// Measure `samples` (mono) at `sample_rate`.
pub fn measure(samples: &[f32], sample_rate: u32) -> Result<Loudness, Error> {
    let meter_error = |source| Error::Meter {
        sample_rate,
        source,
    };
    let mode = Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::SAMPLE_PEAK;
    let mut meter = EbuR128::new(1, sample_rate, mode).map_err(meter_error)?;
    meter.add_frames_f32(samples).map_err(meter_error)?;
    let integrated = meter.loudness_global().map_err(meter_error)?;
    let range = meter.loudness_range().map_err(meter_error)?;
    let true_peak = meter.true_peak(0).map_err(meter_error)?;
    let sample_peak = meter.sample_peak(0).map_err(meter_error)?;
    let rms = if samples.is_empty() {
        0.0
    } else {
        let energy: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
        (energy / samples.len() as f64).sqrt()
    };
    let finite = |v: f64| v.is_finite().then_some(v);
    Ok(Loudness {
        integrated: finite(integrated).map(Lufs),
        // A range is only meaningful once there is a level to spread around.
        range: finite(integrated).and(finite(range)).map(Db),
        true_peak: Db::from_amplitude(true_peak),
        sample_peak: Db::from_amplitude(sample_peak),
        rms: Db::from_amplitude(rms),
    })
}

/// How close to the target the gain search stops, in LU (the promise is 1 LU; aim closer).
const AIM: f64 = 0.05;
/// Rounds of gain search; each round re-measures. Three are usually enough.
const ROUNDS: usize = 8;
/// How far under the true-peak ceiling the limiter aims at first, in dB: the limiter sees
/// samples, and the peaks between samples can be a little higher.
const MARGIN_DB: f64 = 0.3;

/// Bring `samples` (mono) to `target` with one gain for the whole buffer, limiting peaks that
/// the gain would push over the ceiling. Silent or too short input (no integrated loudness)
/// is left untouched with a gain of 0 dB.
pub fn normalize(samples: &mut [f32], sample_rate: u32, target: &Target) -> Result<Gain, Error> {
    let before = measure(samples, sample_rate)?;
    let (goal, measured) = match (target.level, before.level(&target.level)) {
        (Level::Integrated(goal), Some(measured)) => (goal.0, measured),
        (Level::Rms(goal), Some(measured)) => (goal.0, measured),
        (_, None) => {
            return Ok(Gain {
                gain: Db(0.0),
                limited: Db(0.0),
                before,
                after: before,
            })
        }
    };
    let original = samples.to_vec();
    let mut gain_db = goal - measured;
    let mut threshold_db = target.ceiling.0 - MARGIN_DB;
    let mut best = Trial::run(&original, sample_rate, gain_db, threshold_db)?;
    let mut last = best.clone();
    for _ in 1..ROUNDS {
        let miss = goal - last.after.level(&target.level).unwrap_or(goal);
        let over = last
            .after
            .true_peak
            .map_or(0.0, |tp| tp.0 - target.ceiling.0);
        if miss.abs() <= AIM && over <= 0.0 {
            break;
        }
        gain_db += miss;
        if over > 0.0 {
            threshold_db -= over + 0.05;
        }
        last = Trial::run(&original, sample_rate, gain_db, threshold_db)?;
        if last.score(target, goal) < best.score(target, goal) {
            best = last.clone();
        }
    }
    let Trial {
        gain: gain_db,
        limited,
        after,
        samples: trial,
    } = best;
    samples.copy_from_slice(&trial);
    Ok(Gain {
        gain: Db(gain_db),
        limited,
        before,
        after,
    })
}

/// One candidate result of [`normalize`]: a gain and limiter threshold tried out.
#[derive(Clone)]
struct Trial {
    gain: f64,
    limited: Db,
    after: Loudness,
    samples: Vec<f32>,
}

impl Trial {
    fn run(original: &[f32], sample_rate: u32, gain: f64, threshold: f64) -> Result<Trial, Error> {
        let factor = Db(gain).factor();
        let mut samples: Vec<f32> = original
            .iter()
            .map(|&s| (f64::from(s) * factor) as f32)
            .collect();
        let limited = limit(&mut samples, sample_rate, Db(threshold));
        let after = measure(&samples, sample_rate)?;
        Ok(Trial {
            gain,
            limited,
            after,
            samples,
        })
    }

    /// How far this trial is from the target: peaks over the ceiling weigh most.
    fn score(&self, target: &Target, goal: f64) -> f64 {
        let over = self
            .after
            .true_peak
            .map_or(0.0, |tp| (tp.0 - target.ceiling.0).max(0.0));
        let miss = self
            .after
            .level(&target.level)
            .map_or(0.0, |l| (l - goal).abs());
        over * 10.0 + miss
    }
}

/// Look-ahead peak limiter: keeps every sample at or under `threshold` (dBFS) with a gain
/// that ramps down ahead of a peak (attack, up to [`ATTACK_S`]) and recovers smoothly after
/// it (release, [`RELEASE_S`]), so that peaks are turned down rather than clipped. Returns
/// the largest reduction.
fn limit(samples: &mut [f32], sample_rate: u32, threshold: Db) -> Db {
    let ceiling = threshold.factor();
    // The gain each sample needs on its own; most need none.
    let mut gain: Vec<f64> = samples
        .iter()
        .map(|&s| {
            let a = f64::from(s).abs();
            if a > ceiling {
                ceiling / a
            } else {
                1.0
            }
        })
        .collect();
    let Some(lowest) = gain.iter().copied().reduce(f64::min) else {
        return Db(0.0);
    };
    if lowest >= 1.0 {
        return Db(0.0);
    }
    let rate = f64::from(sample_rate);
    // Attack: walking backwards, the gain may rise by at most 1/attack per sample, so it
    // ramps down over up to ATTACK_S before each peak instead of stepping.
    let attack_step = 1.0 / (ATTACK_S * rate).max(1.0);
    for i in (0..gain.len().saturating_sub(1)).rev() {
        gain[i] = gain[i].min(gain[i + 1] + attack_step);
    }
    // Release: walking forwards, the gain recovers towards 1 exponentially.
    let release = 1.0 - (-1.0 / (RELEASE_S * rate)).exp();
    for i in 1..gain.len() {
        let recovered = gain[i - 1] + (1.0 - gain[i - 1]) * release;
        gain[i] = gain[i].min(recovered);
    }
    for (s, g) in samples.iter_mut().zip(&gain) {
        *s = (f64::from(*s) * g) as f32;
    }
    Db::from_amplitude(lowest).map_or(Db(0.0), |db| Db(-db.0))
}

/// Longest attack ramp of the limiter, in seconds.
const ATTACK_S: f64 = 0.005;
/// Release time constant of the limiter, in seconds.
const RELEASE_S: f64 = 0.080;

#[cfg(test)]
mod tests {
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
    fn presets_have_the_documented_targets() {
        let integrated = |p: Preset, ch| match p.target(ch).map(|t| t.level) {
            Some(Level::Integrated(l)) => Some(l.0),
            _ => None,
        };
        assert_eq!(integrated(Preset::Podcast, 1), Some(-19.0));
        assert_eq!(integrated(Preset::Podcast, 2), Some(-16.0));
        assert_eq!(integrated(Preset::Ebu, 1), Some(-23.0));
        let acx = Preset::Acx.target(1).expect("acx has a target");
        assert_eq!(acx.level, Level::Rms(Db(-20.0)));
        assert_eq!(acx.ceiling, Db(-3.0));
        assert_eq!(Preset::Podcast.target(1).map(|t| t.ceiling), Some(Db(-1.0)));
        assert_eq!(Preset::Off.target(1), None);
        assert_eq!(Preset::default(), Preset::Podcast);
        assert_eq!(
            serde_json::to_string(&Preset::Podcast).expect("json"),
            "\"podcast\""
        );
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
            assert_eq!(gain.after, measure(&samples, RATE).expect("measure"));
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
}
