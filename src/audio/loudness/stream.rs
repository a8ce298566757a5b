//! The measuring passes over a spilled spool: each reads it once, in order, chunk by chunk,
//! so that memory stays at a few chunks whatever the paragraph's length.

use super::limiter::Limiter;
use super::meter::{Level as LevelMeter, PeakMeter};
use super::normalize::{scale, Passes, CHUNK};
use super::search::{Choice, Trial};
use super::{Db, Error, Level, Loudness, Lufs, Target};
use crate::audio::spool::Spool;

/// The passes over a spool read back from disk.
pub(super) struct Streamed<'a> {
    spool: &'a Spool,
    scaled: Vec<f32>,
}

/// What a streamed trial measures besides its level and peaks: both levels, so that the
/// chosen one needs no pass of its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Levels {
    integrated: Option<Lufs>,
    rms: Option<Db>,
}

impl<'a> Streamed<'a> {
    pub(super) fn new(spool: &'a Spool) -> Streamed<'a> {
        Streamed {
            spool,
            scaled: Vec::with_capacity(CHUNK),
        }
    }

    /// Calls `each` with every chunk of the spool, in order.
    fn pass(&self, mut each: impl FnMut(&[f32]) -> Result<(), Error>) -> Result<(), Error> {
        let mut chunks = self.spool.chunks(CHUNK);
        while let Some(chunk) = chunks.next_chunk()? {
            each(chunk)?;
        }
        Ok(())
    }
}

/// The energy sum behind an RMS, added to in order as [`super::rms`] adds.
#[derive(Default)]
struct Energy {
    sum: f64,
    count: u64,
}

impl Energy {
    fn add(&mut self, samples: &[f32]) {
        self.sum = samples
            .iter()
            .fold(self.sum, |sum, &s| sum + f64::from(s) * f64::from(s));
        self.count += samples.len() as u64;
    }

    fn rms(&self) -> Option<Db> {
        if self.count == 0 {
            return None;
        }
        Db::from_amplitude((self.sum / self.count as f64).sqrt())
    }
}

impl Passes for Streamed<'_> {
    type Extra = Levels;

    fn before(&mut self) -> Result<Loudness, Error> {
        let rate = self.spool.rate();
        let mut level = LevelMeter::new(rate)?;
        let mut energy = Energy::default();
        let mut peak = 0.0_f32;
        self.pass(|chunk| {
            level.add(chunk)?;
            energy.add(chunk);
            peak = chunk.iter().fold(peak, |m, s| m.max(s.abs()));
            Ok(())
        })?;
        Ok(Loudness {
            integrated: level.integrated()?,
            range: None,
            true_peak: None,
            sample_peak: Db::from_amplitude(f64::from(peak)),
            rms: energy.rms(),
        })
    }

    fn true_peak(&mut self) -> Result<Option<Db>, Error> {
        let mut peaks = PeakMeter::new(self.spool.rate())?;
        self.pass(|chunk| peaks.add(chunk))?;
        Ok(peaks.peaks()?.true_peak)
    }

    fn scaled_true_peak(&mut self, gain: f64) -> Result<Option<Db>, Error> {
        let mut peaks = PeakMeter::new(self.spool.rate())?;
        let mut scaled = std::mem::take(&mut self.scaled);
        self.pass(|chunk| {
            scale(chunk, gain, &mut scaled);
            peaks.add(&scaled)
        })?;
        self.scaled = scaled;
        Ok(peaks.peaks()?.true_peak)
    }

    fn trial(
        &mut self,
        target: &Target,
        gain: f64,
        threshold: f64,
    ) -> Result<Trial<Levels>, Error> {
        let rate = self.spool.rate();
        let mut level = LevelMeter::new(rate)?;
        let mut peaks = PeakMeter::new(rate)?;
        let mut energy = Energy::default();
        let mut measure = |limited: &[f32]| -> Result<(), Error> {
            level.add(limited)?;
            peaks.add(limited)?;
            energy.add(limited);
            Ok(())
        };
        let mut limiter = Limiter::new(rate, Db(threshold));
        let mut scaled = std::mem::take(&mut self.scaled);
        self.pass(|chunk| {
            scale(chunk, gain, &mut scaled);
            limiter.push(&scaled, &mut measure)
        })?;
        self.scaled = scaled;
        let limited = limiter.finish(&mut measure)?;
        let levels = Levels {
            integrated: level.integrated()?,
            rms: energy.rms(),
        };
        let peaks = peaks.peaks()?;
        Ok(Trial {
            gain,
            threshold,
            limited,
            level: match target.level {
                Level::Integrated(_) => levels.integrated.map(|l| l.0),
                Level::Rms(_) => levels.rms.map(|r| r.0),
            },
            true_peak: peaks.true_peak,
            sample_peak: peaks.sample_peak,
            extra: levels,
        })
    }

    fn after(
        &mut self,
        _target: &Target,
        choice: &Choice<Levels>,
    ) -> Result<(Option<Lufs>, Option<Db>), Error> {
        let levels = choice.trial.extra;
        Ok((levels.integrated, levels.rms))
    }
}
