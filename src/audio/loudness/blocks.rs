//! Loudness that adds up across files: a signal's BS.1770 gating blocks (400 ms, one every
//! 100 ms), kept so that the integrated loudness of files played one after another comes
//! from each file's blocks, measured once.
//!
//! Integrated loudness is not an average of the files' loudness: its relative gate depends
//! on every block of the program. With the blocks kept, [`integrated`] gates them all
//! together as one meter would. The blocks that would straddle two files are missing; the
//! files start and end in silence, which the absolute gate (-70 LUFS) drops anyway.

use ebur128::{EbuR128, Mode};
use serde::{Deserialize, Serialize};

use super::meter::{meter_error, peaks};
use super::{Db, Error, Lufs};

/// A signal's gating blocks and true peak.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Blocks {
    /// Mean square of the K-weighted signal over each 400 ms block, one every 100 ms.
    pub energies: Vec<f64>,
    /// True peak (4x oversampled), `None` for silence.
    pub true_peak: Option<Db>,
}

/// The energy of a block `lufs` loud.
fn energy(lufs: f64) -> f64 {
    10f64.powf((lufs + 0.691) / 10.0)
}

impl Blocks {
    /// The blocks of `samples` (mono): ebur128's momentary loudness at every 100 ms step
    /// from 400 ms on, which is exactly the gating block ending there.
    pub fn measure(samples: &[f32], sample_rate: u32) -> Result<Blocks, Error> {
        let failed = meter_error(sample_rate);
        let mut meter = EbuR128::new(1, sample_rate, Mode::M).map_err(&failed)?;
        // ebur128's own 100 ms step for this rate.
        let hop = ((sample_rate as usize + 5) / 10).max(1);
        let mut energies = Vec::with_capacity(samples.len() / hop);
        for (i, chunk) in samples.chunks(hop).enumerate() {
            meter.add_frames_f32(chunk).map_err(&failed)?;
            if i >= 3 && chunk.len() == hop {
                let lufs = meter.loudness_momentary().map_err(&failed)?;
                energies.push(if lufs.is_finite() { energy(lufs) } else { 0.0 });
            }
        }
        Ok(Blocks {
            energies,
            true_peak: peaks(samples, sample_rate)?.true_peak,
        })
    }
}

/// Integrated loudness of `parts` played one after another: BS.1770's absolute gate
/// (-70 LUFS) and relative gate (10 LU under the blocks that pass the first) over all
/// their blocks together. `None` when no block passes (silence).
pub fn integrated<'a>(parts: impl IntoIterator<Item = &'a Blocks>) -> Option<Lufs> {
    let loud: Vec<f64> = parts
        .into_iter()
        .flat_map(|b| b.energies.iter().copied())
        .filter(|&e| e > energy(-70.0))
        .collect();
    let mean = |blocks: &[f64]| blocks.iter().sum::<f64>() / blocks.len() as f64;
    if loud.is_empty() {
        return None;
    }
    let gate = mean(&loud) / 10.0;
    let kept: Vec<f64> = loud.into_iter().filter(|&e| e >= gate).collect();
    Some(Lufs(-0.691 + 10.0 * mean(&kept).log10()))
}

/// The highest true peak of `parts`.
pub fn true_peak<'a>(parts: impl IntoIterator<Item = &'a Blocks>) -> Option<Db> {
    parts
        .into_iter()
        .filter_map(|b| b.true_peak)
        .map(|d| d.0)
        .reduce(f64::max)
        .map(Db)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tone of `amplitude` at 1 kHz, `seconds` long, at 48 kHz.
    fn tone(amplitude: f32, seconds: f32) -> Vec<f32> {
        let n = (48_000.0 * seconds) as usize;
        (0..n)
            .map(|i| amplitude * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 48_000.0).sin())
            .collect()
    }

    fn one_meter(samples: &[f32]) -> f64 {
        let mut meter = EbuR128::new(1, 48_000, Mode::I).expect("a meter");
        meter.add_frames_f32(samples).expect("added");
        meter.loudness_global().expect("measured")
    }

    #[test]
    fn blocks_of_pieces_give_one_meters_loudness() {
        // Loud and quiet pieces with silence at the seams: the relative gate drops the
        // quiet one only when all blocks are gated together (an average would not).
        let silence = vec![0.0; 24_000];
        let pieces = [tone(0.5, 6.0), tone(0.01, 9.0), tone(0.3, 4.0)];
        let mut whole = Vec::new();
        let mut blocks = Vec::new();
        for piece in &pieces {
            let part: Vec<f32> = [&silence[..], piece, &silence[..]].concat();
            blocks.push(Blocks::measure(&part, 48_000).expect("measured"));
            whole.extend(part);
        }
        let expected = one_meter(&whole);
        let got = integrated(&blocks).expect("not silence").0;
        assert!((got - expected).abs() < 0.01, "{got} vs {expected}");
        // Averaging the pieces' own loudness would be far off: the quiet piece counts.
        let average: f64 = pieces
            .iter()
            .map(|p| energy(one_meter(p)) * p.len() as f64)
            .sum::<f64>()
            / pieces.iter().map(|p| p.len() as f64).sum::<f64>();
        assert!((-0.691 + 10.0 * average.log10() - expected).abs() > 0.5);
        let peak = true_peak(&blocks).expect("a peak").0;
        assert!((peak - 20.0 * 0.5f64.log10()).abs() < 0.1, "{peak}");
    }

    #[test]
    fn each_block_is_the_momentary_loudness_at_a_step_of_exactly_100_ms() {
        // Loud, then quiet: a block that ends a sample early or late measures otherwise.
        let samples = [tone(0.5, 0.75), tone(0.05, 0.8)].concat();
        let blocks = Blocks::measure(&samples, 48_000).expect("measured");
        let mut meter = EbuR128::new(1, 48_000, Mode::M).expect("a meter");
        let mut expected = Vec::new();
        for (i, step) in samples.chunks_exact(4_800).enumerate() {
            meter.add_frames_f32(step).expect("added");
            if i >= 3 {
                expected.push(energy(meter.loudness_momentary().expect("measured")));
            }
        }
        assert_eq!(blocks.energies.len(), expected.len());
        for (got, want) in blocks.energies.iter().zip(&expected) {
            assert!((got / want - 1.0).abs() < 1e-9, "{got} vs {want}");
        }
    }

    #[test]
    fn a_block_at_exactly_the_absolute_gate_is_gated_out() {
        // BS.1770: a block counts only above -70 LUFS.
        let at = |lufs: &[f64]| Blocks {
            energies: lufs.iter().map(|&l| energy(l)).collect(),
            true_peak: None,
        };
        assert_eq!(integrated([&at(&[-70.0])]), None);
        let above = integrated([&at(&[-69.9])]).expect("counted").0;
        assert!((above + 69.9).abs() < 1e-9, "{above}");
    }

    #[test]
    fn silence_has_no_loudness() {
        let blocks = Blocks::measure(&vec![0.0; 48_000], 48_000).expect("measured");
        assert_eq!(blocks.energies.len(), 7);
        assert_eq!(integrated([&blocks]), None);
        assert_eq!(blocks.true_peak, None);
    }
}
