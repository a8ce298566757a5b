//! The look-ahead peak limiter [`super::normalize`] uses when one gain would push peaks
//! over the ceiling.

use super::Db;

/// Look-ahead peak limiter: keeps every sample at or under `threshold` (dBFS) with a gain
/// that ramps down ahead of a peak (attack, up to [`ATTACK_S`]) and recovers smoothly after
/// it (release, [`RELEASE_S`]), so that peaks are turned down rather than clipped. Returns
/// the largest reduction.
pub(super) fn limit(samples: &mut [f32], sample_rate: u32, threshold: Db) -> Db {
    let ceiling = threshold.factor();
    if samples.iter().all(|&s| f64::from(s).abs() <= ceiling) {
        return Db(0.0);
    }
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
