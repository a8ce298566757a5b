//! The meter: pieces measured in parallel agree with one meter, and the true peak taken
//! around the loud samples is the whole buffer's.

use super::*;

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
pub(super) fn one_meter_true_peak(samples: &[f32]) -> Option<Db> {
    one_meter_true_peak_at(samples, RATE)
}

/// [`one_meter_true_peak`] at `rate`.
fn one_meter_true_peak_at(samples: &[f32], rate: u32) -> Option<Db> {
    let mut meter = EbuR128::new(1, rate, Mode::TRUE_PEAK | Mode::SAMPLE_PEAK).expect("meter");
    meter.add_frames_f32(samples).expect("add");
    Db::from_amplitude(meter.true_peak(0).expect("true peak"))
}

/// Uniform noise in [-1, 1), reproducible.
pub(super) fn noise(len: usize, mut state: u32) -> impl Iterator<Item = f32> {
    (0..len).map(move |_| {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        (f64::from(state >> 8) / f64::from(1u32 << 23) - 1.0) as f32
    })
}

/// Signals whose true peak is hard to get right: loud samples at the ends, crests between
/// samples, short bursts, a crest raised by quieter samples around it.
pub(super) fn peak_cases() -> Vec<(&'static str, Vec<f32>)> {
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
