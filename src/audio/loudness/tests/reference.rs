//! Normalization and the limiter as they were before spools (commit 567b705), kept word
//! for word as the reference the new code must match bit for bit.

use super::super::meter;
use super::super::{measure_level, rms, true_peak, Db, Error, Gain, Level, Loudness, Lufs, Target};
use ebur128::Mode;

const AIM: f64 = 0.1;
const ROUNDS: usize = 8;
const MARGIN_DB: f64 = 0.3;

pub(super) fn normalize(
    samples: &mut [f32],
    sample_rate: u32,
    target: &Target,
) -> Result<Gain, Error> {
    let before = measure_level(samples, sample_rate)?;
    let (goal, measured) = match (target.level, before.level(&target.level)) {
        (Level::Integrated(goal), Some(measured)) => (goal.0, measured),
        (Level::Rms(goal), Some(measured)) => (goal.0, measured),
        (_, None) => {
            let mut after = before;
            after.true_peak = true_peak(samples, sample_rate)?;
            return Ok(Gain {
                gain: Db(0.0),
                limited: Db(0.0),
                before,
                after,
            });
        }
    };
    let mut gain_db = goal - measured;
    let original = samples.to_vec();
    let shift = |d: Option<Db>| d.map(|d| Db(d.0 + gain_db));
    if shift(before.sample_peak).is_none_or(|sp| sp.0 <= target.ceiling.0 - MARGIN_DB) {
        let factor = Db(gain_db).factor();
        for s in samples.iter_mut() {
            *s = (f64::from(*s) * factor) as f32;
        }
        let tp = true_peak(samples, sample_rate)?;
        if tp.is_none_or(|tp| tp.0 <= target.ceiling.0) {
            return Ok(Gain {
                gain: Db(gain_db),
                limited: Db(0.0),
                before,
                after: Loudness {
                    integrated: before.integrated.map(|l| Lufs(l.0 + gain_db)),
                    range: None,
                    true_peak: tp,
                    sample_peak: shift(before.sample_peak),
                    rms: shift(before.rms),
                },
            });
        }
    }
    let mut threshold_db = target.ceiling.0 - MARGIN_DB;
    let mut best: Option<Trial> = None;
    let mut holds_best = false;
    let mut last = None;
    for _ in 0..ROUNDS {
        let trial = Trial::run(
            &original,
            samples,
            sample_rate,
            target,
            gain_db,
            threshold_db,
        )?;
        holds_best = false;
        let miss = goal - trial.level.unwrap_or(goal);
        if miss.abs() > AIM {
            gain_db += miss;
            last = Some(trial);
            continue;
        }
        let over = trial.true_peak.map_or(0.0, |tp| tp.0 - target.ceiling.0);
        if best
            .as_ref()
            .is_none_or(|b| trial.score(target, goal) < b.score(target, goal))
        {
            best = Some(trial);
            holds_best = true;
        }
        if over <= 0.0 {
            break;
        }
        threshold_db -= over + 0.05;
    }
    let best = match (best, last) {
        (Some(best), _) => {
            if !holds_best {
                Trial::run(
                    &original,
                    samples,
                    sample_rate,
                    target,
                    best.gain,
                    best.threshold,
                )?;
            }
            best
        }
        (None, Some(last)) => last,
        (None, None) => unreachable!("ROUNDS > 0"),
    };
    let integrated = match target.level {
        Level::Integrated(_) => best.level.map(Lufs),
        Level::Rms(_) => meter::feed(samples, sample_rate, Mode::I)?.integrated()?,
    };
    Ok(Gain {
        gain: Db(best.gain),
        limited: best.limited,
        before,
        after: Loudness {
            integrated,
            range: None,
            true_peak: best.true_peak,
            sample_peak: best.sample_peak,
            rms: rms(samples),
        },
    })
}

struct Trial {
    gain: f64,
    threshold: f64,
    limited: Db,
    level: Option<f64>,
    true_peak: Option<Db>,
    sample_peak: Option<Db>,
}

impl Trial {
    fn run(
        original: &[f32],
        out: &mut [f32],
        sample_rate: u32,
        target: &Target,
        gain: f64,
        threshold: f64,
    ) -> Result<Trial, Error> {
        let factor = Db(gain).factor();
        for (o, &s) in out.iter_mut().zip(original) {
            *o = (f64::from(s) * factor) as f32;
        }
        let limited = limit(out, sample_rate, Db(threshold));
        let peaks = meter::peaks(out, sample_rate)?;
        let level = match target.level {
            Level::Integrated(_) => meter::feed(out, sample_rate, Mode::I)?
                .integrated()?
                .map(|l| l.0),
            Level::Rms(_) => rms(out).map(|r| r.0),
        };
        Ok(Trial {
            gain,
            threshold,
            limited,
            level,
            true_peak: peaks.true_peak,
            sample_peak: peaks.sample_peak,
        })
    }

    fn score(&self, target: &Target, goal: f64) -> f64 {
        let over = self
            .true_peak
            .map_or(0.0, |tp| (tp.0 - target.ceiling.0).max(0.0));
        let miss = self.level.map_or(0.0, |l| (l - goal).abs());
        over * 10.0 + miss
    }
}

pub(super) fn limit(samples: &mut [f32], sample_rate: u32, threshold: Db) -> Db {
    let ceiling = threshold.factor();
    let over: Vec<usize> = samples
        .iter()
        .enumerate()
        .filter(|(_, &s)| f64::from(s).abs() > ceiling)
        .map(|(i, _)| i)
        .collect();
    if over.is_empty() {
        return Db(0.0);
    }
    let rate = f64::from(sample_rate);
    let attack_step = 1.0 / (ATTACK_S * rate).max(1.0);
    let reach = (1.0 / attack_step).ceil() as usize + 2;
    let keep = (-1.0 / (RELEASE_S * rate)).exp();
    let decay = Decay::new(keep);

    let mut lowest = 1.0_f64;
    let mut depth = 0.0_f64;
    let mut done = 0;
    let mut ramp = Vec::new();
    for cluster in over.chunk_by(move |a, b| b - a <= reach) {
        let start = cluster[0].saturating_sub(reach).max(done);
        let end = cluster[cluster.len() - 1] + 1;
        ramp.clear();
        ramp.extend(samples[start..end].iter().map(|&s| {
            let a = f64::from(s).abs();
            if a > ceiling {
                ceiling / a
            } else {
                1.0
            }
        }));
        for i in (0..ramp.len().saturating_sub(1)).rev() {
            ramp[i] = ramp[i].min(ramp[i + 1] + attack_step);
        }
        lowest = ramp.iter().copied().fold(lowest, f64::min);
        depth = decay.apply(&mut samples[done..start], depth);
        for (s, &g) in samples[start..end].iter_mut().zip(&ramp) {
            depth = (1.0 - g).max(depth * keep);
            *s = (f64::from(*s) * (1.0 - depth)) as f32;
        }
        done = end;
    }
    decay.apply(&mut samples[done..], depth);
    Db::from_amplitude(lowest).map_or(Db(0.0), |db| Db(-db.0))
}

struct Decay {
    powers: [f64; BLOCK],
}

const BLOCK: usize = 64;
const NEGLIGIBLE: f64 = 1.0 / (1u64 << 26) as f64;

impl Decay {
    fn new(keep: f64) -> Decay {
        let mut powers = [keep; BLOCK];
        for j in 1..BLOCK {
            powers[j] = powers[j - 1] * keep;
        }
        Decay { powers }
    }

    fn apply(&self, samples: &mut [f32], mut depth: f64) -> f64 {
        for block in samples.chunks_mut(BLOCK) {
            if depth < NEGLIGIBLE {
                return 0.0;
            }
            for (s, p) in block.iter_mut().zip(&self.powers) {
                *s = (f64::from(*s) * (1.0 - depth * p)) as f32;
            }
            depth *= self.powers[block.len() - 1];
        }
        depth
    }
}

const ATTACK_S: f64 = 0.005;
const RELEASE_S: f64 = 0.080;
