//! The rules of `decide_by` with scripted passes: when one gain is enough, where the limiter
//! starts, what a result reports; and the in-memory passes' rewrite of the chosen trial.

use super::super::normalize::{decide_by, How, InMemory, Passes};
use super::super::search::{Choice, Trial, MARGIN_DB};
use super::super::*;
use super::{speech_like, RATE};

const CEILING: f64 = -1.0;

/// Passes that measure what they are told to, and note what was asked.
struct Scripted {
    before: Loudness,
    true_peak: Option<Db>,
    scaled_true_peak: Option<Db>,
    /// Level and true peak of every trial.
    trial: (f64, f64),
    after: (Option<Lufs>, Option<Db>),
    calls: Vec<String>,
}

impl Scripted {
    fn new(before: Loudness) -> Scripted {
        Scripted {
            before,
            true_peak: Some(Db(-7.0)),
            scaled_true_peak: None,
            trial: (-19.0, -1.5),
            after: (None, None),
            calls: Vec::new(),
        }
    }
}

impl Passes for Scripted {
    type Extra = ();

    fn before(&mut self) -> Result<Loudness, Error> {
        self.calls.push("before".into());
        Ok(self.before)
    }

    fn true_peak(&mut self) -> Result<Option<Db>, Error> {
        self.calls.push("true peak".into());
        Ok(self.true_peak)
    }

    fn scaled_true_peak(&mut self, gain: f64) -> Result<Option<Db>, Error> {
        self.calls.push(format!("scaled {gain}"));
        Ok(self.scaled_true_peak)
    }

    fn trial(&mut self, _: &Target, gain: f64, threshold: f64) -> Result<Trial, Error> {
        self.calls.push(format!("trial {gain} {threshold}"));
        let (level, true_peak) = self.trial;
        Ok(Trial {
            gain,
            threshold,
            limited: Db(3.0),
            level: Some(level),
            true_peak: Some(Db(true_peak)),
            sample_peak: Some(Db(true_peak - 0.5)),
            extra: (),
        })
    }

    fn after(&mut self, _: &Target, _: &Choice) -> Result<(Option<Lufs>, Option<Db>), Error> {
        self.calls.push("after".into());
        Ok(self.after)
    }
}

fn loudness(integrated: Option<f64>, sample_peak: f64, rms: f64) -> Loudness {
    Loudness {
        integrated: integrated.map(Lufs),
        range: None,
        true_peak: None,
        sample_peak: Some(Db(sample_peak)),
        rms: Some(Db(rms)),
    }
}

fn podcast() -> Target {
    Preset::Podcast.target(1).expect("a target")
}

#[test]
fn audio_without_a_level_is_left_as_it_is_with_its_true_peak_measured() {
    let before = loudness(None, -40.0, -60.0);
    let mut passes = Scripted::new(before);
    let (gain, how) = decide_by(&mut passes, &podcast()).expect("decide");
    assert_eq!(how, How::Unchanged);
    let mut after = before;
    after.true_peak = Some(Db(-7.0));
    let expected = Gain {
        gain: Db(0.0),
        limited: Db(0.0),
        before,
        after,
    };
    assert_eq!(gain, expected);
    assert_eq!(passes.calls, ["before", "true peak"]);
}

#[test]
fn one_gain_is_the_whole_job_when_peaks_stay_under_the_margin_and_the_ceiling() {
    // 2 LU under the goal, sample peak -5 dB: after the gain, -3 dB, well under.
    let before = loudness(Some(-21.0), -5.0, -24.0);
    let mut passes = Scripted::new(before);
    passes.scaled_true_peak = Some(Db(CEILING));
    let (gain, how) = decide_by(&mut passes, &podcast()).expect("decide");
    assert_eq!(how, How::Scale(2.0));
    let expected = Gain {
        gain: Db(2.0),
        limited: Db(0.0),
        before,
        after: Loudness {
            integrated: Some(Lufs(-19.0)),
            range: None,
            true_peak: Some(Db(CEILING)),
            sample_peak: Some(Db(-3.0)),
            rms: Some(Db(-22.0)),
        },
    };
    assert_eq!(gain, expected);
    assert_eq!(passes.calls, ["before", "scaled 2"]);
}

#[test]
fn a_sample_peak_exactly_the_margin_under_the_ceiling_needs_no_limiter() {
    let at = CEILING - MARGIN_DB;
    let mut passes = Scripted::new(loudness(Some(-19.0), at, -22.0));
    passes.scaled_true_peak = Some(Db(-1.125));
    let (_, how) = decide_by(&mut passes, &podcast()).expect("decide");
    assert_eq!(how, How::Scale(0.0));
    // A little over, and the limiter starts at once, the margin under the ceiling.
    let mut passes = Scripted::new(loudness(Some(-19.0), at + 1.0 / 1024.0, -22.0));
    let (_, how) = decide_by(&mut passes, &podcast()).expect("decide");
    assert_eq!(
        how,
        How::Limit {
            gain: 0.0,
            threshold: at
        }
    );
    assert_eq!(
        passes.calls,
        ["before", format!("trial 0 {at}").as_str(), "after"]
    );
}

#[test]
fn a_true_peak_over_the_ceiling_after_one_gain_calls_the_limiter() {
    let mut passes = Scripted::new(loudness(Some(-21.0), -5.0, -24.0));
    passes.scaled_true_peak = Some(Db(CEILING + 1.0 / 1024.0));
    let (_, how) = decide_by(&mut passes, &podcast()).expect("decide");
    assert!(matches!(how, How::Limit { gain: 2.0, .. }), "{how:?}");
    assert_eq!(passes.calls[..2], ["before", "scaled 2"]);
}

#[test]
fn a_limited_result_reports_the_chosen_trial_and_the_levels_measured_after() {
    let before = loudness(Some(-21.0), -1.0, -24.0);
    let mut passes = Scripted::new(before);
    passes.after = (Some(Lufs(-19.0625)), Some(Db(-23.5)));
    let (gain, how) = decide_by(&mut passes, &podcast()).expect("decide");
    let threshold = CEILING - MARGIN_DB;
    assert_eq!(
        how,
        How::Limit {
            gain: 2.0,
            threshold
        }
    );
    let expected = Gain {
        gain: Db(2.0),
        limited: Db(3.0),
        before,
        after: Loudness {
            integrated: Some(Lufs(-19.0625)),
            range: None,
            true_peak: Some(Db(-1.5)),
            sample_peak: Some(Db(-2.0)),
            rms: Some(Db(-23.5)),
        },
    };
    assert_eq!(gain, expected);
    assert_eq!(
        passes.calls,
        ["before", format!("trial 2 {threshold}").as_str(), "after"]
    );
}

#[test]
fn an_rms_target_aims_the_gain_at_the_rms() {
    // RMS 6 dB under ACX's -20 dB (the integrated level is not what counts).
    let mut passes = Scripted::new(loudness(Some(-30.0), -12.0, -26.0));
    passes.scaled_true_peak = Some(Db(-5.0));
    let acx = Preset::Acx.target(1).expect("a target");
    let (gain, how) = decide_by(&mut passes, &acx).expect("decide");
    assert_eq!(how, How::Scale(6.0));
    assert_eq!(gain.after.rms, Some(Db(-20.0)));
    assert_eq!(gain.after.integrated, Some(Lufs(-24.0)));
}

#[test]
fn the_chosen_trial_is_written_again_when_a_later_one_replaced_it() {
    let samples = speech_like(8.0, 0.9);
    for target in [podcast(), Preset::Acx.target(1).expect("a target")] {
        let mut passes = InMemory::new(&samples, RATE);
        let first = passes.trial(&target, 3.0, -1.3).expect("a trial");
        let written = passes.out.clone();
        let second = passes.trial(&target, 1.0, -4.0).expect("a trial");
        assert!(passes.out != written);
        let choice = Choice {
            trial: first.clone(),
            latest: false,
        };
        let (integrated, rms) = passes.after(&target, &choice).expect("after");
        assert!(passes.out == written, "{target:?}");
        let measured = meter::feed(&written, RATE, Mode::I)
            .expect("meters")
            .integrated()
            .expect("a level");
        assert_eq!(integrated, measured);
        assert_eq!(rms, super::super::rms(&written));
        // The last trial, chosen, stays as it is.
        passes.trial(&target, 1.0, -4.0).expect("a trial");
        let last = passes.out.clone();
        let choice = Choice {
            trial: second,
            latest: true,
        };
        passes.after(&target, &choice).expect("after");
        assert!(passes.out == last);
        assert!(first.level.is_some());
    }
}
