//! The BS.1770 meter of [`super::normalize`], fed in pieces on parallel threads.
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

    /// True peak (4x oversampled), `None` for silence.
    pub fn true_peak(&self) -> Result<Option<Db>, Error> {
        self.peak(EbuR128::true_peak)
    }

    /// Highest sample, `None` for silence.
    pub fn sample_peak(&self) -> Result<Option<Db>, Error> {
        self.peak(EbuR128::sample_peak)
    }

    fn peak(
        &self,
        of: fn(&EbuR128, u32) -> Result<f64, ebur128::Error>,
    ) -> Result<Option<Db>, Error> {
        let mut peak = 0.0_f64;
        for meter in &self.meters {
            peak = peak.max(of(meter, 0).map_err(meter_error(self.sample_rate))?);
        }
        Ok(Db::from_amplitude(peak))
    }
}

pub(super) fn meter_error(sample_rate: u32) -> impl Fn(ebur128::Error) -> Error {
    move |source| Error::Meter {
        sample_rate,
        source,
    }
}
