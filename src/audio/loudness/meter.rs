//! The BS.1770 meter of [`normalize`](super::normalize()), fed in pieces on parallel threads.
//!
//! A paragraph is tens of seconds of audio, and a one-sentence edit waits for its
//! normalization, several meter passes in a row. ebur128 documents how to split a signal so
//! that the pieces' meters together give one meter's result (`loudness_global_multiple`):
//! pieces start on a 100 ms boundary and overlap by 400 ms; each piece after the first is
//! seeded with the first 100 ms of the overlap, which brings its K-weighting filter and its
//! true-peak upsampler to the state a single meter would be in, and measures the rest. The
//! gating blocks are then those of one meter: the upsampler's history is the same samples,
//! the filter's state differs by rounding (the levels agree to 1e-13 LU on the test signal),
//! and peaks are the largest of the pieces'.
//!
//! The true peak, the costliest measure (every sample upsampled 4x through a 48-tap filter),
//! is taken only around the loud samples instead ([`peaks`]).
//!
//! A spilled spool is read once per pass, in order: it is measured by one meter fed chunk
//! by chunk ([`Level`]) and by [`PeakMeter`], which upsamples around the samples loud so far.

use std::sync::LazyLock;

use ebur128::{EbuR128, Mode};

use super::{Db, Error, Lufs};

/// The shortest piece worth a thread of its own, in 100 ms steps (5 s).
const MIN_PIECE: usize = 50;
/// At most this many pieces (and threads) per buffer.
const MAX_PIECES: usize = 4;

/// The meters of one buffer's pieces, in order.
pub(super) struct Meters {
    pub(super) meters: Vec<EbuR128>,
    sample_rate: u32,
}

/// Meters measuring `mode` over `samples` (mono), one per piece, fed in parallel.
pub(super) fn feed(samples: &[f32], sample_rate: u32, mode: Mode) -> Result<Meters, Error> {
    feed_in(samples, sample_rate, mode, *CORES)
}

/// Threads worth using: asking reads the cgroup's limits each time, so ask once.
static CORES: LazyLock<usize> = LazyLock::new(|| {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_PIECES)
});

/// [`feed`] in at most `pieces` pieces.
pub(super) fn feed_in(
    samples: &[f32],
    sample_rate: u32,
    mode: Mode,
    pieces: usize,
) -> Result<Meters, Error> {
    // ebur128's own 100 ms step for this rate.
    let hop = (sample_rate as usize + 5) / 10;
    // (A rate too low for a 100 ms step is the one meter's to refuse.)
    let pieces = match hop {
        0 => 1,
        hop => pieces.min(samples.len() / (MIN_PIECE * hop)).max(1),
    };
    // Piece i covers [bounds[i], bounds[i + 1]); every inner bound is on a 100 ms step.
    let bounds: Vec<usize> = (0..=pieces)
        .map(|i| match i {
            0 => 0,
            i if i == pieces => samples.len(),
            i => i * samples.len() / pieces / hop * hop,
        })
        .collect();
    let piece = |i: usize| -> Result<EbuR128, Error> {
        let mut meter = EbuR128::new(1, sample_rate, mode).map_err(meter_error(sample_rate))?;
        let (start, end) = (bounds[i], bounds[i + 1]);
        let measured = if i == 0 {
            &samples[start..end]
        } else {
            // The 400 ms before the bound: seed with the first 100, measure the other 300.
            let overlap = start - 4 * hop;
            meter
                .seed_frames_f32(&samples[overlap..overlap + hop])
                .map_err(meter_error(sample_rate))?;
            &samples[overlap + hop..end]
        };
        meter
            .add_frames_f32(measured)
            .map_err(meter_error(sample_rate))?;
        Ok(meter)
    };
    let meters = std::thread::scope(|scope| {
        let others: Vec<_> = (1..pieces).map(|i| scope.spawn(move || piece(i))).collect();
        let first = piece(0);
        std::iter::once(first)
            .chain(
                others
                    .into_iter()
                    .map(|h| h.join().expect("a meter thread panicked")),
            )
            .collect::<Result<Vec<_>, _>>()
    })?;
    Ok(Meters {
        meters,
        sample_rate,
    })
}

impl Meters {
    /// Gated integrated loudness, `None` where undefined (silence, under 400 ms).
    pub fn integrated(&self) -> Result<Option<Lufs>, Error> {
        let l = EbuR128::loudness_global_multiple(self.meters.iter())
            .map_err(meter_error(self.sample_rate))?;
        Ok(l.is_finite().then_some(Lufs(l)))
    }

    /// True peak (4x oversampled; the sample peak where that is higher), `None` for
    /// silence. The meters must measure `TRUE_PEAK | SAMPLE_PEAK`.
    pub fn true_peak(&self) -> Result<Option<Db>, Error> {
        let mut peak = 0.0_f64;
        for meter in &self.meters {
            let tp = meter.true_peak(0).map_err(meter_error(self.sample_rate))?;
            peak = peak.max(tp);
        }
        Ok(Db::from_amplitude(peak))
    }
}

/// How much higher than the largest input sample in its reach one output of ebur128's 4x
/// true-peak upsampler can be: its four phases are 12-tap Hann-windowed sinc filters whose
/// absolute coefficients sum to at most 1.864 (phase 0 passes samples through).
/// `no_sample_upsamples_to_twice_its_level` holds the crate to this.
pub(super) const OVERSHOOT: f32 = 2.0;
/// Samples kept on each side of a loud one: more than the upsampler's 12-sample reach.
const REACH: usize = 32;

/// What ebur128 calls the true peak: the upsampled peak, or the sample peak where higher.
const PEAKS: Mode = Mode::TRUE_PEAK.union(Mode::SAMPLE_PEAK);

/// The peaks of a buffer, `None` for silence.
pub(super) struct Peaks {
    /// Exactly what one ebur128 meter over the whole buffer says.
    pub(super) true_peak: Option<Db>,
    pub(super) sample_peak: Option<Db>,
}

/// True and sample peaks of `samples` (mono): the true peak for a fraction of the work of
/// one meter over the whole buffer.
///
/// An upsampled value is a weighted sum of the 12 samples in its reach, so it is at most
/// [`OVERSHOOT`] times the largest of them. Where every sample in reach is under half the
/// sample peak, the value is under the sample peak, which ebur128's true peak never goes
/// below: it cannot be the result. So only the stretches within [`REACH`] of a sample at
/// half the peak or more are upsampled, one after another through one meter, with zeros
/// between them (the values computed across a gap also stay under the sample peak, for the
/// same reason). In a limited paragraph of the sample that is 13 % of the samples.
pub(super) fn peaks(samples: &[f32], sample_rate: u32) -> Result<Peaks, Error> {
    let peak = sample_peak(samples);
    let sample_peak = Db::from_amplitude(f64::from(peak));
    // At 96 kHz and over ebur128 upsamples 2x through longer phases: measure everything.
    if sample_rate >= 96_000 {
        let true_peak = feed(samples, sample_rate, PEAKS)?.true_peak()?;
        return Ok(Peaks {
            true_peak,
            sample_peak,
        });
    }
    if peak == 0.0 {
        return Ok(Peaks {
            true_peak: None,
            sample_peak,
        });
    }
    let loud = peak / OVERSHOOT;
    let mut stretches: Vec<(usize, usize)> = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        if s.abs() < loud {
            continue;
        }
        let (start, end) = (i.saturating_sub(REACH), (i + REACH + 1).min(samples.len()));
        match stretches.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => stretches.push((start, end)),
        }
    }
    let mut upsampled = Vec::new();
    for (i, &(start, end)) in stretches.iter().enumerate() {
        if i > 0 {
            upsampled.resize(upsampled.len() + REACH, 0.0);
        }
        upsampled.extend_from_slice(&samples[start..end]);
    }
    let mut meter = EbuR128::new(1, sample_rate, PEAKS).map_err(meter_error(sample_rate))?;
    meter
        .add_frames_f32(&upsampled)
        .map_err(meter_error(sample_rate))?;
    Ok(Peaks {
        true_peak: Db::from_amplitude(meter.true_peak(0).map_err(meter_error(sample_rate))?),
        sample_peak,
    })
}

/// The largest absolute sample, 0 for silence or nothing.
pub(super) fn sample_peak(samples: &[f32]) -> f32 {
    samples.iter().fold(0.0_f32, |m, s| m.max(s.abs()))
}

/// One BS.1770 meter fed a stream chunk by chunk: the integrated loudness of
/// [`feed_in`] with one piece.
pub(super) struct Level {
    meter: EbuR128,
    sample_rate: u32,
}

impl Level {
    pub(super) fn new(sample_rate: u32) -> Result<Level, Error> {
        let meter = EbuR128::new(1, sample_rate, Mode::I).map_err(meter_error(sample_rate))?;
        Ok(Level { meter, sample_rate })
    }

    pub(super) fn add(&mut self, samples: &[f32]) -> Result<(), Error> {
        self.meter
            .add_frames_f32(samples)
            .map_err(meter_error(self.sample_rate))
    }

    /// Gated integrated loudness, `None` where undefined (silence, under 400 ms).
    pub(super) fn integrated(&self) -> Result<Option<Lufs>, Error> {
        let l = EbuR128::loudness_global_multiple(std::iter::once(&self.meter))
            .map_err(meter_error(self.sample_rate))?;
        Ok(l.is_finite().then_some(Lufs(l)))
    }
}

/// [`peaks`] of a stream fed chunk by chunk, with the same result.
///
/// The sample peak is not known before the end, so a stretch is upsampled around every
/// sample at half the peak so far or more: a superset of the samples [`peaks`] picks (the
/// peak so far is at most the final one), and by the same reasoning any superset gives
/// exactly one meter's true peak. Silence before the first sound is skipped.
pub(super) struct PeakMeter {
    meter: EbuR128,
    sample_rate: u32,
    /// At 96 kHz and over, every sample is upsampled (as [`peaks`] does).
    every: bool,
    /// The largest absolute sample so far.
    peak: f32,
    /// The last [`REACH`] samples, by position modulo REACH.
    history: [f32; REACH],
    /// Samples seen.
    seen: usize,
    /// Where the current stretch ends (exclusive), if one has started.
    end: Option<usize>,
    /// Samples to upsample, gathered between two calls to the meter.
    staged: Vec<f32>,
}

/// Samples gathered before [`PeakMeter`] hands them to its meter.
const STAGED: usize = 1 << 14;

impl PeakMeter {
    pub(super) fn new(sample_rate: u32) -> Result<PeakMeter, Error> {
        Ok(PeakMeter {
            meter: EbuR128::new(1, sample_rate, PEAKS).map_err(meter_error(sample_rate))?,
            sample_rate,
            every: sample_rate >= 96_000,
            peak: 0.0,
            history: [0.0; REACH],
            seen: 0,
            end: None,
            staged: Vec::with_capacity(STAGED + 2 * REACH + 1),
        })
    }

    pub(super) fn add(&mut self, samples: &[f32]) -> Result<(), Error> {
        if self.every {
            self.peak = samples.iter().fold(self.peak, |m, s| m.max(s.abs()));
            return self
                .meter
                .add_frames_f32(samples)
                .map_err(meter_error(self.sample_rate));
        }
        for &s in samples {
            let i = self.seen;
            let a = s.abs();
            self.peak = self.peak.max(a);
            // As `peaks` skips a sample (never one at half the final peak or more, since the
            // peak so far is not over the final one), and silence.
            let quiet = a < self.peak / OVERSHOOT || a == 0.0;
            if !quiet {
                let start = i.saturating_sub(REACH);
                let from = match self.end {
                    // Overlapping the last stretch: it goes on.
                    Some(end) if start <= end => end,
                    Some(_) => {
                        self.staged.extend_from_slice(&[0.0; REACH]);
                        start
                    }
                    None => start,
                };
                let history = &self.history;
                self.staged.extend((from..i).map(|k| history[k % REACH]));
                self.staged.push(s);
                self.end = Some(i + REACH + 1);
            } else if self.end.is_some_and(|end| i < end) {
                self.staged.push(s);
            }
            self.history[i % REACH] = s;
            self.seen += 1;
            if self.staged.len() >= STAGED {
                self.flush()?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Error> {
        self.meter
            .add_frames_f32(&self.staged)
            .map_err(meter_error(self.sample_rate))?;
        self.staged.clear();
        Ok(())
    }

    /// The peaks of everything added.
    pub(super) fn peaks(mut self) -> Result<Peaks, Error> {
        self.flush()?;
        let sample_peak = Db::from_amplitude(f64::from(self.peak));
        if self.peak == 0.0 {
            return Ok(Peaks {
                true_peak: None,
                sample_peak,
            });
        }
        let true_peak = self
            .meter
            .true_peak(0)
            .map_err(meter_error(self.sample_rate))?;
        Ok(Peaks {
            true_peak: Db::from_amplitude(true_peak),
            sample_peak,
        })
    }
}

pub(super) fn meter_error(sample_rate: u32) -> impl Fn(ebur128::Error) -> Error {
    move |source| Error::Meter {
        sample_rate,
        source,
    }
}
