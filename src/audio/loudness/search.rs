//! The gain search of [`normalize`](super::normalize()): which gain and limiter threshold
//! to keep.
//!
//! The search only decides; how a trial is run (in memory, or streamed from a spool) is the
//! caller's closure. Kept apart so that its rules (when to correct the gain, when to lower
//! the threshold, which trial wins) are tested with scripted trials, not only through the
//! meter.

use super::{Db, Error, Target};

/// How close to the target the gain search stops, in LU (the promise is 1 LU; aim closer).
pub(super) const AIM: f64 = 0.1;
/// Rounds of gain search; each round re-measures. Three are usually enough.
pub(super) const ROUNDS: usize = 8;
/// How far under the true-peak ceiling the limiter aims at first, in dB: the limiter sees
/// samples, and the peaks between samples can be a little higher.
pub(super) const MARGIN_DB: f64 = 0.3;
/// How much further the threshold comes down than the true peak was over, in dB.
pub(super) const STEP_DB: f64 = 0.05;
/// Weight of a dB of true peak over the ceiling against a LU of level missed.
pub(super) const OVER_WEIGHT: f64 = 10.0;

/// One candidate result: a gain and limiter threshold tried out, and what was measured
/// (`extra`: what else the way the trial ran could measure).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Trial<X = ()> {
    pub(super) gain: f64,
    pub(super) threshold: f64,
    /// Largest gain reduction of the limiter.
    pub(super) limited: Db,
    /// The level of the kind the target asks for.
    pub(super) level: Option<f64>,
    pub(super) true_peak: Option<Db>,
    pub(super) sample_peak: Option<Db>,
    pub(super) extra: X,
}

impl<X> Trial<X> {
    /// How far this trial is from the target: peaks over the ceiling weigh most.
    pub(super) fn score(&self, target: &Target, goal: f64) -> f64 {
        let over = self
            .true_peak
            .map_or(0.0, |tp| (tp.0 - target.ceiling.0).max(0.0));
        let miss = self.level.map_or(0.0, |l| (l - goal).abs());
        over * OVER_WEIGHT + miss
    }
}

/// The trial [`search`] keeps.
#[derive(Debug)]
pub(super) struct Choice<X = ()> {
    pub(super) trial: Trial<X>,
    /// Whether it is the last trial run (what a trial buffer holds now).
    pub(super) latest: bool,
}

/// Tries gains and thresholds with `run(gain_db, threshold_db)`, starting from `gain` and a
/// threshold [`MARGIN_DB`] under the ceiling: a trial that misses the level by more than
/// [`AIM`] corrects the gain by the miss; one whose true peak is over the ceiling lowers the
/// threshold by the excess and [`STEP_DB`]. Stops at the first trial within AIM and under
/// the ceiling, or after [`ROUNDS`] trials, and keeps the best-scoring trial within AIM
/// (the first of equals), or the last trial if none came within AIM.
pub(super) fn search<X>(
    target: &Target,
    goal: f64,
    mut gain: f64,
    mut run: impl FnMut(f64, f64) -> Result<Trial<X>, Error>,
) -> Result<Choice<X>, Error> {
    let mut threshold = target.ceiling.0 - MARGIN_DB;
    let mut best: Option<Trial<X>> = None;
    // Whether the last trial run is `best`.
    let mut latest = false;
    let mut last = None;
    for _ in 0..ROUNDS {
        let trial = run(gain, threshold)?;
        latest = false;
        let miss = goal - trial.level.unwrap_or(goal);
        if miss.abs() > AIM {
            gain += miss;
            last = Some(trial);
            continue;
        }
        let over = trial.true_peak.map_or(0.0, |tp| tp.0 - target.ceiling.0);
        if best
            .as_ref()
            .is_none_or(|b| trial.score(target, goal) < b.score(target, goal))
        {
            best = Some(trial);
            latest = true;
        }
        if over <= 0.0 {
            break;
        }
        threshold -= over + STEP_DB;
    }
    match (best, last) {
        (Some(trial), _) => Ok(Choice { trial, latest }),
        // Never within AIM of the level (a pathological input): keep the last trial.
        (None, Some(trial)) => Ok(Choice {
            trial,
            latest: true,
        }),
        (None, None) => unreachable!("ROUNDS > 0"),
    }
}
