//! The gain search's rules, with scripted trials: which gain and threshold come next, when
//! it stops, which trial it keeps. Offsets are powers of two so that sums are exact.

use super::super::search::{search, Choice, Trial, AIM, MARGIN_DB, ROUNDS, STEP_DB};
use super::super::{Db, Level, Lufs, Preset, Target};

/// What a scripted trial measures: its level and its true peak.
type Measured = (Option<f64>, Option<f64>);

/// Runs the search from `gain` with trials that measure `script` in turn; returns the
/// choice and the (gain, threshold) of every trial run.
fn scripted(target: &Target, gain: f64, script: &[Measured]) -> (Choice, Vec<(f64, f64)>) {
    let goal = match target.level {
        Level::Integrated(l) => l.0,
        Level::Rms(l) => l.0,
    };
    let mut calls = Vec::new();
    let choice = search(target, goal, gain, |gain, threshold| {
        let (level, true_peak) = script[calls.len()];
        calls.push((gain, threshold));
        Ok(Trial {
            gain,
            threshold,
            limited: Db(0.0),
            level,
            true_peak: true_peak.map(Db),
            sample_peak: None,
            extra: (),
        })
    })
    .expect("scripted trials do not fail");
    (choice, calls)
}

fn podcast() -> Target {
    Preset::Podcast.target(1).expect("a target")
}

const GOAL: f64 = -19.0;
const CEILING: f64 = -1.0;
/// 2^-7 dB: a small, exact excess over the ceiling.
const TINY: f64 = 0.007_812_5;

#[test]
fn a_miss_beyond_aim_corrects_the_gain_by_the_miss_and_keeps_the_threshold() {
    let (choice, calls) = scripted(
        &podcast(),
        3.0,
        &[
            (Some(GOAL + 0.25), Some(CEILING - 1.0)),
            (Some(GOAL - 0.5), Some(CEILING - 1.0)),
            (Some(GOAL), Some(CEILING - 1.0)),
        ],
    );
    let threshold = CEILING - MARGIN_DB;
    assert_eq!(
        calls,
        vec![(3.0, threshold), (2.75, threshold), (3.25, threshold)]
    );
    assert_eq!((choice.trial.gain, choice.latest), (3.25, true));
}

#[test]
fn a_peak_over_the_ceiling_lowers_the_threshold_by_the_excess_and_a_step() {
    let (choice, calls) = scripted(
        &podcast(),
        2.0,
        &[
            (Some(GOAL), Some(CEILING + 0.5)),
            (Some(GOAL), Some(CEILING + 0.25)),
            (Some(GOAL), Some(CEILING - 0.125)),
        ],
    );
    let first = CEILING - MARGIN_DB;
    let second = first - (0.5 + STEP_DB);
    let third = second - (0.25 + STEP_DB);
    assert_eq!(calls, vec![(2.0, first), (2.0, second), (2.0, third)]);
    assert_eq!(MARGIN_DB, 0.3);
    assert_eq!(STEP_DB, 0.05);
    assert_eq!((choice.trial.threshold, choice.latest), (third, true));
}

#[test]
fn the_search_stops_at_the_first_trial_within_aim_and_at_or_under_the_ceiling() {
    // A true peak exactly at the ceiling is under it.
    let (choice, calls) = scripted(
        &podcast(),
        1.0,
        &[(Some(GOAL + 0.0625), Some(CEILING)), (Some(GOAL), None)],
    );
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (choice.trial.level, choice.latest),
        (Some(GOAL + 0.0625), true)
    );
}

#[test]
fn a_miss_of_exactly_aim_is_within_aim() {
    // A goal of 0 makes the miss exactly AIM.
    let target = Target {
        level: Level::Integrated(Lufs(0.0)),
        ceiling: Db(CEILING),
    };
    let (choice, calls) = scripted(&target, 1.0, &[(Some(-AIM), None), (Some(0.0), None)]);
    assert_eq!(calls.len(), 1);
    assert_eq!(choice.trial.level, Some(-AIM));
    assert_eq!(AIM, 0.1);
}

#[test]
fn the_best_trial_is_kept_when_it_is_not_the_last() {
    // The second trial is the best; every later one is further over the ceiling, and
    // the search runs out of rounds.
    let mut script = vec![
        (Some(GOAL + 0.25), Some(CEILING + 1.0)),
        (Some(GOAL), Some(CEILING + TINY)),
        (Some(GOAL + 0.0625), Some(CEILING + 0.031_25)),
    ];
    script.resize(ROUNDS, (Some(GOAL), Some(CEILING + 0.0625)));
    let (choice, calls) = scripted(&podcast(), 4.0, &script);
    assert_eq!(calls.len(), ROUNDS);
    assert_eq!(ROUNDS, 8);
    assert!(!choice.latest, "the last trial is not the one kept");
    let (gain, threshold) = calls[1];
    assert_eq!(
        choice.trial,
        Trial {
            gain,
            threshold,
            limited: Db(0.0),
            level: Some(GOAL),
            true_peak: Some(Db(CEILING + TINY)),
            sample_peak: None,
            extra: (),
        }
    );
    // The trial that missed the level corrected the gain; the threshold came down from
    // the second trial on.
    assert_eq!(gain, 3.75);
    assert_eq!(threshold, CEILING - MARGIN_DB);
}

#[test]
fn a_db_over_the_ceiling_weighs_as_much_as_ten_lu_of_level() {
    let trial = |level: Option<f64>, true_peak: Option<f64>| Trial {
        gain: 0.0,
        threshold: 0.0,
        limited: Db(0.0),
        level,
        true_peak: true_peak.map(Db),
        sample_peak: None,
        extra: (),
    };
    let target = podcast();
    let score = |t: Trial| t.score(&target, GOAL);
    assert_eq!(score(trial(Some(GOAL - 0.5), Some(CEILING + 0.25))), 3.0);
    assert_eq!(score(trial(Some(GOAL + 0.5), Some(CEILING + 0.25))), 3.0);
    assert_eq!(score(trial(Some(GOAL + 0.5), Some(CEILING - 0.25))), 0.5);
    assert_eq!(score(trial(None, Some(CEILING + 0.5))), 5.0);
    assert_eq!(score(trial(Some(GOAL - 0.25), None)), 0.25);
    assert_eq!(score(trial(None, None)), 0.0);
}

#[test]
fn a_trial_slightly_over_the_ceiling_beats_one_under_it_that_misses_more() {
    // Over by 2^-7 dB scores 0.078; under the ceiling but 0.09 LU off scores 0.09.
    let (choice, calls) = scripted(
        &podcast(),
        0.0,
        &[
            (Some(GOAL), Some(CEILING + TINY)),
            (Some(GOAL + 0.09), Some(CEILING - 0.5)),
        ],
    );
    assert_eq!(calls.len(), 2, "a trial under the ceiling ends the search");
    assert_eq!(choice.trial.true_peak, Some(Db(CEILING + TINY)));
    assert!(!choice.latest);
    // Over by 2^-5 dB scores 0.31: now the trial under the ceiling is better.
    let (choice, _) = scripted(
        &podcast(),
        0.0,
        &[
            (Some(GOAL), Some(CEILING + 0.031_25)),
            (Some(GOAL + 0.09), Some(CEILING - 0.5)),
        ],
    );
    assert_eq!(choice.trial.level, Some(GOAL + 0.09));
    assert!(choice.latest);
}

#[test]
fn of_two_trials_that_score_the_same_the_first_is_kept() {
    // 10 x 2^-7 over and 10 x 2^-7 LU off: both score 0.078125, exactly.
    let (choice, calls) = scripted(
        &podcast(),
        0.0,
        &[
            (Some(GOAL), Some(CEILING + TINY)),
            (Some(GOAL + 10.0 * TINY), Some(CEILING - 0.5)),
        ],
    );
    assert_eq!(calls.len(), 2);
    assert_eq!(choice.trial.level, Some(GOAL));
    assert!(!choice.latest);
}

#[test]
fn with_no_trial_within_aim_the_last_is_kept() {
    // A level that never moves: every trial misses by 1 LU.
    let script = vec![(Some(GOAL - 1.0), Some(CEILING - 3.0)); ROUNDS];
    let (choice, calls) = scripted(&podcast(), 0.0, &script);
    assert_eq!(calls.len(), ROUNDS);
    assert_eq!(
        (choice.trial.gain, choice.latest),
        (ROUNDS as f64 - 1.0, true)
    );
}
