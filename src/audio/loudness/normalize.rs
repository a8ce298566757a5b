//! The rules of normalization ([`decide_by`]), over measuring passes that a buffer in memory
//! ([`InMemory`]) or a spilled spool (`stream`) provides.
//!
//! Deciding only measures; the result is made once the gain is known. A paragraph in
//! memory is measured as before spools: the meter in parallel pieces, each trial written to
//! a buffer that is kept when it is the result.

use ebur128::Mode;

use super::search::{search, Choice, Trial, MARGIN_DB};
use super::{limit, meter, rms, true_peak, Db, Error, Gain, Level, Loudness, Lufs, Target};

/// Samples handed to a sink at a time, at most (3 s at 22,050 Hz).
pub const CHUNK: usize = 1 << 16;

/// How the result is made from the original.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum How {
    /// Silent or too short: left as it is.
    Unchanged,
    /// One gain, in dB.
    Scale(f64),
    /// One gain, then the limiter at a threshold, both in dB.
    Limit { gain: f64, threshold: f64 },
}

/// The measuring passes [`decide_by`] asks for, over the audio as it is stored.
pub(super) trait Passes {
    /// What a trial measures besides the level and peaks.
    type Extra;
    /// Integrated loudness, sample peak and RMS of the original.
    fn before(&mut self) -> Result<Loudness, Error>;
    /// True peak of the original.
    fn true_peak(&mut self) -> Result<Option<Db>, Error>;
    /// True peak of the original with `gain` dB applied.
    fn scaled_true_peak(&mut self, gain: f64) -> Result<Option<Db>, Error>;
    /// The original with `gain` dB applied and limited at `threshold` dB, measured.
    fn trial(
        &mut self,
        target: &Target,
        gain: f64,
        threshold: f64,
    ) -> Result<Trial<Self::Extra>, Error>;
    /// Integrated loudness and RMS of the chosen trial.
    fn after(
        &mut self,
        target: &Target,
        choice: &Choice<Self::Extra>,
    ) -> Result<(Option<Lufs>, Option<Db>), Error>;
}

/// Decides the gain (and the limiter threshold, if any) that brings the audio to `target`.
/// See [`normalize`](super::normalize()) for the rules.
pub(super) fn decide_by<P: Passes>(passes: &mut P, target: &Target) -> Result<(Gain, How), Error> {
    // The loudness range is of no use here, and the true peak (4x oversampled) matters only
    // for the result: measure the level first.
    let before = passes.before()?;
    let (goal, measured) = match (target.level, before.level(&target.level)) {
        (Level::Integrated(goal), Some(measured)) => (goal.0, measured),
        (Level::Rms(goal), Some(measured)) => (goal.0, measured),
        (_, None) => {
            let mut after = before;
            after.true_peak = passes.true_peak()?;
            let gain = Gain {
                gain: Db(0.0),
                limited: Db(0.0),
                before,
                after,
            };
            return Ok((gain, How::Unchanged));
        }
    };
    let gain_db = goal - measured;
    // Much speech needs no limiting: then one gain is the whole job, and the level moves by
    // exactly that gain (BS.1770 gating is relative; RMS and sample peak scale).
    let shift = |d: Option<Db>| d.map(|d| Db(d.0 + gain_db));
    if shift(before.sample_peak).is_none_or(|sp| sp.0 <= target.ceiling.0 - MARGIN_DB) {
        let tp = passes.scaled_true_peak(gain_db)?;
        if tp.is_none_or(|tp| tp.0 <= target.ceiling.0) {
            let gain = Gain {
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
            };
            return Ok((gain, How::Scale(gain_db)));
        }
    }
    // Limiting: try a gain, limit the peaks it pushes over the threshold, measure again,
    // correct the gain (see `search`). The limiter keeps the samples under the threshold;
    // only peaks between samples can go higher.
    let choice = search(target, goal, gain_db, |gain, threshold| {
        passes.trial(target, gain, threshold)
    })?;
    let (integrated, rms) = passes.after(target, &choice)?;
    let best = choice.trial;
    let gain = Gain {
        gain: Db(best.gain),
        limited: best.limited,
        before,
        after: Loudness {
            integrated,
            range: None,
            true_peak: best.true_peak,
            sample_peak: best.sample_peak,
            rms,
        },
    };
    let how = How::Limit {
        gain: best.gain,
        threshold: best.threshold,
    };
    Ok((gain, how))
}

/// The passes over a buffer in memory; `out` ends holding the result.
pub(super) struct InMemory<'a> {
    samples: &'a [f32],
    sample_rate: u32,
    /// The last trial (or the scaled original).
    pub(super) out: Vec<f32>,
}

impl<'a> InMemory<'a> {
    pub(super) fn new(samples: &'a [f32], sample_rate: u32) -> InMemory<'a> {
        InMemory {
            samples,
            sample_rate,
            out: Vec::new(),
        }
    }
}

impl Passes for InMemory<'_> {
    type Extra = ();

    fn before(&mut self) -> Result<Loudness, Error> {
        super::measure_level(self.samples, self.sample_rate)
    }

    fn true_peak(&mut self) -> Result<Option<Db>, Error> {
        true_peak(self.samples, self.sample_rate)
    }

    fn scaled_true_peak(&mut self, gain: f64) -> Result<Option<Db>, Error> {
        scale(self.samples, gain, &mut self.out);
        true_peak(&self.out, self.sample_rate)
    }

    /// Writes the trial into `out` and measures its level and peaks (in one pass: most
    /// trials are the last).
    fn trial(&mut self, target: &Target, gain: f64, threshold: f64) -> Result<Trial, Error> {
        let (out, rate) = (&mut self.out, self.sample_rate);
        scale(self.samples, gain, out);
        let limited = limit(out, rate, Db(threshold));
        let peaks = meter::peaks(out, rate)?;
        let level = match target.level {
            Level::Integrated(_) => meter::feed(out, rate, Mode::I)?.integrated()?.map(|l| l.0),
            Level::Rms(_) => rms(out).map(|r| r.0),
        };
        Ok(Trial {
            gain,
            threshold,
            limited,
            level,
            true_peak: peaks.true_peak,
            sample_peak: peaks.sample_peak,
            extra: (),
        })
    }

    fn after(
        &mut self,
        target: &Target,
        choice: &Choice,
    ) -> Result<(Option<Lufs>, Option<Db>), Error> {
        let best = &choice.trial;
        if !choice.latest {
            self.trial(target, best.gain, best.threshold)?;
        }
        let integrated = match target.level {
            Level::Integrated(_) => best.level.map(Lufs),
            Level::Rms(_) => meter::feed(&self.out, self.sample_rate, Mode::I)?.integrated()?,
        };
        Ok((integrated, rms(&self.out)))
    }
}

/// `samples` with `gain` dB applied, into `out` (as every pass computes it).
pub(super) fn scale(samples: &[f32], gain: f64, out: &mut Vec<f32>) {
    let factor = Db(gain).factor();
    out.clear();
    out.extend(samples.iter().map(|&s| (f64::from(s) * factor) as f32));
}
