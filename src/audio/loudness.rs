//! Loudness measurement (EBU R128 / ITU-R BS.1770) and normalization to a delivery target.
//!
//! Podcast hosts and audiobook stores expect a standard loudness, so the episode and every
//! paragraph file are brought to one. The meter is the `ebur128` crate (the same algorithm as
//! ffmpeg's `ebur128` filter), never a hand-rolled one. Normalization applies ONE gain to the
//! whole buffer: per-sentence gains make the level jump audibly between sentences. When that
//! gain would push the true peak over the ceiling, a smooth look-ahead limiter (not a
//! clipper) tames only the peaks, and the gain is re-tuned so that the result still meets the
//! loudness target.
//!
//! A paragraph too long for memory is normalized from its [`Spool`](crate::audio::spool::Spool):
//! [`decide`] measures (every pass reads the spool once, in order) and
//! [`Normalization::apply`] streams the result to a sink, so memory stays flat however long
//! the paragraph.

use std::fmt;

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};

use limiter::limit;
use meter::meter_error;

pub use normalize::CHUNK;
pub use spooled::{decide, Normalization};

pub mod blocks;
mod limiter;
mod meter;
mod normalize;
mod search;
mod spooled;
mod stream;

/// Integrated loudness in LUFS (loudness units relative to full scale).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lufs(pub f64);

/// A level or a gain in decibels: dBFS for RMS and sample peaks, dBTP for true peaks,
/// LU for loudness ranges and for gains.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Db(pub f64);

impl Db {
    /// Level of a linear amplitude (1.0 is full scale); `None` for silence.
    fn from_amplitude(amplitude: f64) -> Option<Db> {
        (amplitude > 0.0 && amplitude.is_finite()).then(|| Db(20.0 * amplitude.log10()))
    }

    /// The linear factor of this gain.
    pub fn factor(self) -> f64 {
        10f64.powf(self.0 / 20.0)
    }
}

impl fmt::Display for Lufs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} LUFS", self.0)
    }
}

impl fmt::Display for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} dB", self.0)
    }
}

/// A named loudness standard, as chosen with `--loudness`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Podcasts: -16 LUFS for stereo, -19 LUFS for mono (the same perceived level), -1 dBTP.
    #[default]
    Podcast,
    /// ACX audiobooks: RMS between -23 and -18 dB (aim -20 dB), peaks at most -3 dB.
    Acx,
    /// EBU R128 broadcast: -23 LUFS, -1 dBTP.
    Ebu,
    /// Leave the engine's level alone.
    Off,
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a loudness preset's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownPreset(pub String);

impl fmt::Display for UnknownPreset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Preset::ALL.iter().map(|p| p.name()).collect();
        write!(
            f,
            "{:?} is not a loudness preset ({})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownPreset {}

impl std::str::FromStr for Preset {
    type Err = UnknownPreset;

    fn from_str(name: &str) -> Result<Preset, UnknownPreset> {
        Preset::ALL
            .into_iter()
            .find(|preset| preset.name() == name)
            .ok_or_else(|| UnknownPreset(name.to_owned()))
    }
}

/// The level a normalized buffer should reach.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// BS.1770 gated integrated loudness.
    Integrated(Lufs),
    /// Plain RMS over the whole buffer, `20 log10(rms)` (a full-scale sine is -3 dB), the
    /// way ACX's checker and Audacity measure it.
    Rms(Db),
}

/// A loudness target: the level to reach and the true-peak ceiling to stay under.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Target {
    pub level: Level,
    /// True-peak ceiling in dBTP (4x oversampled peak, as BS.1770 defines it).
    pub ceiling: Db,
}

impl Preset {
    /// Every preset, in the order `--help` lists them.
    pub const ALL: [Preset; 4] = [Preset::Podcast, Preset::Acx, Preset::Ebu, Preset::Off];

    /// The name as `--loudness` and narrate.toml take it: `podcast`, `acx`, `ebu`, `off`.
    pub const fn name(self) -> &'static str {
        match self {
            Preset::Podcast => "podcast",
            Preset::Acx => "acx",
            Preset::Ebu => "ebu",
            Preset::Off => "off",
        }
    }

    /// What the preset is for, in a line (`--help` shows it beside the name).
    pub const fn about(self) -> &'static str {
        match self {
            Preset::Podcast => concat!(
                "Podcasts: -16 LUFS for stereo, -19 LUFS for mono (the same perceived level), ",
                "-1 dBTP"
            ),
            Preset::Acx => {
                "ACX audiobooks: RMS between -23 and -18 dB (aim -20 dB), peaks at most -3 dB"
            }
            Preset::Ebu => "EBU R128 broadcast: -23 LUFS, -1 dBTP",
            Preset::Off => "Leave the engine's level alone",
        }
    }

    /// The target for audio with `channels` channels, or `None` for [`Preset::Off`].
    ///
    /// Mono podcasts aim at -19 LUFS rather than -16: BS.1770 measures one channel once,
    /// while a player sends mono to both speakers, which sounds 3 LU louder.
    /// ACX allows an RMS between -23 and -18 dB; -20 dB sits well inside that window and
    /// leaves room for the -3 dB peak limit on speech (crest factor around 15 to 18 dB).
    /// Its ceiling is applied to the true peak, which is stricter than ACX's sample peak.
    pub fn target(self, channels: u32) -> Option<Target> {
        let (level, ceiling) = match self {
            Preset::Podcast if channels == 1 => (Level::Integrated(Lufs(-19.0)), -1.0),
            Preset::Podcast => (Level::Integrated(Lufs(-16.0)), -1.0),
            Preset::Acx => (Level::Rms(Db(-20.0)), -3.0),
            Preset::Ebu => (Level::Integrated(Lufs(-23.0)), -1.0),
            Preset::Off => return None,
        };
        Some(Target {
            level,
            ceiling: Db(ceiling),
        })
    }
}

/// What the meter says about a buffer. A value is `None` where it is undefined: silence, or
/// (for the gated measures) audio shorter than one 400 ms gating block or below -70 LUFS.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Loudness {
    /// Gated integrated loudness.
    pub integrated: Option<Lufs>,
    /// Loudness range (EBU Tech 3342), in LU; [`measure`] reports it, [`normalize()`] does not
    /// spend the time on it.
    pub range: Option<Db>,
    /// True peak, dBTP.
    pub true_peak: Option<Db>,
    /// Highest sample, dBFS.
    pub sample_peak: Option<Db>,
    /// RMS over the whole buffer, dBFS (see [`Level::Rms`]).
    pub rms: Option<Db>,
}

impl Loudness {
    /// The measured value of the kind that `level` asks for.
    pub fn level(&self, level: &Level) -> Option<f64> {
        match level {
            Level::Integrated(_) => self.integrated.map(|l| l.0),
            Level::Rms(_) => self.rms.map(|l| l.0),
        }
    }
}

impl fmt::Display for Loudness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.integrated {
            Some(l) => write!(f, "{l}")?,
            None => f.write_str("silent")?,
        }
        if let Some(tp) = self.true_peak {
            write!(f, ", true peak {:.1} dBTP", tp.0)?;
        }
        if let Some(rms) = self.rms {
            write!(f, ", RMS {:.1} dB", rms.0)?;
        }
        Ok(())
    }
}

/// What [`normalize()`] did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Gain {
    /// The one gain applied to the whole buffer (0 dB when nothing was done).
    pub gain: Db,
    /// Largest gain reduction of the peak limiter, 0 dB when it did not act.
    pub limited: Db,
    /// The buffer before.
    pub before: Loudness,
    /// The buffer after, measured again.
    pub after: Loudness,
}

/// Why a buffer could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot measure loudness at {sample_rate} Hz: {source}")]
    Meter {
        sample_rate: u32,
        #[source]
        source: ebur128::Error,
    },
    /// A spilled paragraph could not be read back.
    #[error(transparent)]
    Spool(#[from] crate::audio::spool::Error),
}

/// Measure `samples` (mono) at `sample_rate`.
pub fn measure(samples: &[f32], sample_rate: u32) -> Result<Loudness, Error> {
    let meter_error = meter_error(sample_rate);
    let mode = Mode::I | Mode::LRA | Mode::TRUE_PEAK | Mode::SAMPLE_PEAK;
    let mut meter = EbuR128::new(1, sample_rate, mode).map_err(&meter_error)?;
    meter.add_frames_f32(samples).map_err(&meter_error)?;
    let integrated = meter.loudness_global().map_err(&meter_error)?;
    let range = meter.loudness_range().map_err(&meter_error)?;
    let true_peak = meter.true_peak(0).map_err(&meter_error)?;
    let sample_peak = meter.sample_peak(0).map_err(&meter_error)?;
    let finite = |v: f64| v.is_finite().then_some(v);
    Ok(Loudness {
        integrated: finite(integrated).map(Lufs),
        // A range is only meaningful once there is a level to spread around.
        range: finite(integrated).and(finite(range)).map(Db),
        true_peak: Db::from_amplitude(true_peak),
        sample_peak: Db::from_amplitude(sample_peak),
        rms: rms(samples),
    })
}

/// Bring `samples` (mono) to `target` with one gain for the whole buffer, limiting peaks that
/// the gain would push over the ceiling. Silent or too short input (no integrated loudness)
/// is left untouched with a gain of 0 dB. The gain is re-tuned after limiting, for at most
/// eight measurements; should a pathological input not converge, the closest result is
/// kept, so callers that promise a tolerance check [`Gain::after`].
///
/// The same as [`decide`] then [`Normalization::apply`] on a spool holding `samples`.
pub fn normalize(samples: &mut [f32], sample_rate: u32, target: &Target) -> Result<Gain, Error> {
    let mut passes = normalize::InMemory::new(samples, sample_rate);
    let (gain, how) = normalize::decide_by(&mut passes, target)?;
    if how != normalize::How::Unchanged {
        let out = passes.out;
        samples.copy_from_slice(&out);
    }
    Ok(gain)
}

/// Integrated loudness, sample peak and RMS of `samples`: what [`measure`] gives, but for
/// the true peak and the loudness range.
fn measure_level(samples: &[f32], sample_rate: u32) -> Result<Loudness, Error> {
    Ok(Loudness {
        integrated: meter::feed(samples, sample_rate, Mode::I)?.integrated()?,
        range: None,
        true_peak: None,
        sample_peak: sample_peak(samples),
        rms: rms(samples),
    })
}

/// True peak of `samples` (BS.1770, 4x oversampled), `None` for silence.
fn true_peak(samples: &[f32], sample_rate: u32) -> Result<Option<Db>, Error> {
    Ok(meter::peaks(samples, sample_rate)?.true_peak)
}

/// Highest sample, `None` for silence.
fn sample_peak(samples: &[f32]) -> Option<Db> {
    Db::from_amplitude(f64::from(meter::sample_peak(samples)))
}

/// RMS over the whole buffer (see [`Level::Rms`]), `None` for silence.
fn rms(samples: &[f32]) -> Option<Db> {
    if samples.is_empty() {
        return None;
    }
    let energy: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    Db::from_amplitude((energy / samples.len() as f64).sqrt())
}

#[cfg(test)]
mod tests;
