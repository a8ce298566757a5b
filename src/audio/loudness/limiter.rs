//! The look-ahead peak limiter [`super::normalize`] uses when one gain would push peaks
//! over the ceiling.

use super::Db;

/// Look-ahead peak limiter: keeps every sample at or under `threshold` (dBFS) with a gain
/// that ramps down ahead of a peak (attack, up to [`ATTACK_S`]) and recovers smoothly after
/// it (release, [`RELEASE_S`]), so that peaks are turned down rather than clipped. Returns
/// the largest reduction.
///
/// Samples over the threshold are few, so the work is done where they are: the attack ramps
/// only near them, and the release between them is a plain exponential decay of the gain
/// reduction, computed a block at a time (no sample waits for the one before it).
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
    // Attack: the gain may rise by at most `attack_step` per sample before a peak, so it
    // ramps down over up to ATTACK_S instead of stepping; `reach` samples always get back
    // to 1.
    let attack_step = 1.0 / (ATTACK_S * rate).max(1.0);
    let reach = (1.0 / attack_step).ceil() as usize + 2;
    // Release: after a peak, the reduction (1 - gain) shrinks by `keep` per sample.
    let keep = (-1.0 / (RELEASE_S * rate)).exp();
    let decay = Decay::new(keep);

    let mut lowest = 1.0_f64;
    let mut depth = 0.0_f64;
    let mut done = 0;
    let mut ramp = Vec::new();
    for cluster in clusters(&over, reach) {
        // Peaks at most `reach` apart share one ramp, computed backwards from the last.
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

/// Runs of indices in ascending `over`, each at most `gap` after the one before.
fn clusters(over: &[usize], gap: usize) -> impl Iterator<Item = &[usize]> {
    over.chunk_by(move |a, b| b - a <= gap)
}

/// The release between peaks: a reduction `depth` that shrinks by `keep` each sample.
struct Decay {
    /// `keep^(j + 1)` for each position `j` of a block.
    powers: [f64; BLOCK],
}

const BLOCK: usize = 64;

/// A reduction this small changes no `f32` sample (under half a unit in the last place).
const NEGLIGIBLE: f64 = 1.0 / (1u64 << 26) as f64;

impl Decay {
    fn new(keep: f64) -> Decay {
        let mut powers = [keep; BLOCK];
        for j in 1..BLOCK {
            powers[j] = powers[j - 1] * keep;
        }
        Decay { powers }
    }

    /// Applies the decaying reduction that starts at `depth` (that of the sample before)
    /// to `samples`; returns the reduction of the last one.
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

/// Longest attack ramp of the limiter, in seconds.
const ATTACK_S: f64 = 0.005;
/// Release time constant of the limiter, in seconds.
const RELEASE_S: f64 = 0.080;
