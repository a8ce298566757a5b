//! The look-ahead peak limiter normalization uses when one gain would push peaks over the
//! ceiling, fed a whole buffer or a stream of chunks with the same result.
//!
//! It keeps every sample at or under a threshold with a gain that ramps down ahead of a peak
//! (attack, up to [`ATTACK_S`]) and recovers smoothly after it (release, [`RELEASE_S`]), so
//! that peaks are turned down rather than clipped. Samples over the threshold are few, so
//! the work is done where they are: peaks at most an attack ramp apart form a cluster whose
//! ramp is computed backwards from its last peak, and the release between clusters is a
//! plain exponential decay of the gain reduction, a block at a time.
//!
//! Streamed, a sample is final once the attack ramp's length of samples after it is known:
//! a peak further away cannot reach back to it (its ramp has climbed back to 1 by then), so
//! the limiter holds back that many samples and carries its reduction and the release's
//! place in its block across chunks; the output is the whole-buffer output, bit for bit.

use super::Db;

/// Longest attack ramp of the limiter, in seconds.
const ATTACK_S: f64 = 0.005;
/// Release time constant of the limiter, in seconds.
const RELEASE_S: f64 = 0.080;

/// Samples per block of the release's decay.
const BLOCK: usize = 64;

/// A reduction this small changes no `f32` sample (under half a unit in the last place).
const NEGLIGIBLE: f64 = 1.0 / (1u64 << 26) as f64;

/// Streamed input is limited once this many samples past the held-back ones are waiting.
const BATCH: usize = 4096;

/// Limits `samples` to `threshold` (dBFS) in place; returns the largest reduction.
pub(super) fn limit(samples: &mut [f32], sample_rate: u32, threshold: Db) -> Db {
    let mut limiter = Limiter::new(sample_rate, threshold);
    let n = samples.len();
    limiter.run(samples, n);
    limiter.reduction()
}

/// The limiter's state between chunks of one stream.
#[derive(Debug)]
pub(super) struct Limiter {
    ceiling: f64,
    /// The attack ramp's gain may rise by at most this much per sample before a peak.
    attack_step: f64,
    /// Samples in which a ramp always gets back to 1: how far a peak reaches back.
    reach: usize,
    /// After a peak, the reduction (1 - gain) shrinks by this factor per sample.
    keep: f64,
    /// `keep^(j + 1)` for each position `j` of a release block.
    powers: [f64; BLOCK],
    /// Whether the last sample limited belongs to a cluster that may go on.
    in_cluster: bool,
    /// In a cluster: the reduction of its last sample.
    depth: f64,
    /// Between clusters: the release.
    release: Release,
    /// The lowest gain so far.
    lowest: f64,
    /// Samples not limited yet (streaming).
    pending: Vec<f32>,
    over: Vec<usize>,
    ramp: Vec<f64>,
}

/// The release since the last cluster: where it is in its block, and the reduction at the
/// start of that block.
#[derive(Clone, Copy, Debug)]
struct Release {
    depth: f64,
    offset: usize,
    /// Reached a negligible reduction: the rest of this release leaves samples alone.
    over: bool,
}

impl Release {
    fn new(depth: f64) -> Release {
        Release {
            depth,
            offset: 0,
            over: false,
        }
    }
}

impl Limiter {
    pub(super) fn new(sample_rate: u32, threshold: Db) -> Limiter {
        let rate = f64::from(sample_rate);
        let attack_step = 1.0 / (ATTACK_S * rate).max(1.0);
        let keep = (-1.0 / (RELEASE_S * rate)).exp();
        let mut powers = [keep; BLOCK];
        for j in 1..BLOCK {
            powers[j] = powers[j - 1] * keep;
        }
        Limiter {
            ceiling: threshold.factor(),
            attack_step,
            reach: (1.0 / attack_step).ceil() as usize + 2,
            keep,
            powers,
            in_cluster: false,
            depth: 0.0,
            release: Release::new(0.0),
            lowest: 1.0,
            pending: Vec::new(),
            over: Vec::new(),
            ramp: Vec::new(),
        }
    }

    /// Takes the next samples of the stream; hands the samples that are final to `out`.
    pub(super) fn push<E>(
        &mut self,
        samples: &[f32],
        out: &mut impl FnMut(&[f32]) -> Result<(), E>,
    ) -> Result<(), E> {
        self.pending.extend_from_slice(samples);
        if self.pending.len() < self.reach + BATCH {
            return Ok(());
        }
        let done = self.pending.len() - self.reach;
        let mut pending = std::mem::take(&mut self.pending);
        self.run(&mut pending, done);
        let result = out(&pending[..done]);
        pending.drain(..done);
        self.pending = pending;
        result
    }

    /// Ends the stream: hands the samples held back to `out`; returns the largest reduction.
    pub(super) fn finish<E>(
        mut self,
        out: &mut impl FnMut(&[f32]) -> Result<(), E>,
    ) -> Result<Db, E> {
        let mut pending = std::mem::take(&mut self.pending);
        let n = pending.len();
        self.run(&mut pending, n);
        out(&pending)?;
        Ok(self.reduction())
    }

    /// The largest gain reduction so far, 0 dB when nothing was over the threshold.
    pub(super) fn reduction(&self) -> Db {
        if self.lowest >= 1.0 {
            return Db(0.0);
        }
        Db::from_amplitude(self.lowest).map_or(Db(0.0), |db| Db(-db.0))
    }

    /// Limits `window[..done]`, the samples after the ones already limited. The samples
    /// after `done` are look-ahead: either the window is the end of the stream, or at least
    /// [`Limiter::reach`] samples follow `done` in it.
    fn run(&mut self, window: &mut [f32], done: usize) {
        let ceiling = self.ceiling;
        self.over.clear();
        self.over.extend(
            window
                .iter()
                .enumerate()
                .filter(|(_, &s)| f64::from(s).abs() > ceiling)
                .map(|(i, _)| i),
        );
        let over = std::mem::take(&mut self.over);
        let reach = self.reach;
        let mut at = 0;
        for cluster in over.chunk_by(|a, b| b - a <= reach) {
            // Peaks at most `reach` apart share one ramp, computed backwards from the last.
            let start = cluster[0].saturating_sub(reach).max(at);
            if start >= done {
                break;
            }
            self.release(&mut window[at..start]);
            if !self.in_cluster {
                self.depth = self.release_end();
                self.in_cluster = true;
            }
            let end = cluster[cluster.len() - 1] + 1;
            let stop = end.min(done);
            self.cluster(&mut window[start..end], stop - start);
            at = stop;
            if stop < end {
                break;
            }
            self.in_cluster = false;
            self.release = Release::new(self.depth);
        }
        self.over = over;
        self.release(&mut window[at..done]);
    }

    /// Limits `samples[..done]` of a cluster that ends with `samples`' last sample (as far
    /// as is known), carrying the reduction of the sample before.
    fn cluster(&mut self, samples: &mut [f32], done: usize) {
        let ceiling = self.ceiling;
        self.ramp.clear();
        // The gain that brings each sample to the ceiling, 1 for those under it.
        self.ramp.extend(
            samples
                .iter()
                .map(|&s| (ceiling / f64::from(s).abs()).min(1.0)),
        );
        for i in (0..self.ramp.len().saturating_sub(1)).rev() {
            self.ramp[i] = self.ramp[i].min(self.ramp[i + 1] + self.attack_step);
        }
        let ramp = &self.ramp[..done];
        self.lowest = ramp.iter().copied().fold(self.lowest, f64::min);
        let mut depth = self.depth;
        for (s, &g) in samples[..done].iter_mut().zip(ramp) {
            depth = (1.0 - g).max(depth * self.keep);
            *s = (f64::from(*s) * (1.0 - depth)) as f32;
        }
        self.depth = depth;
    }

    /// The release over `samples`, which follow the samples limited last, in blocks of
    /// [`BLOCK`] counted from the end of the last cluster.
    fn release(&mut self, mut samples: &mut [f32]) {
        let r = &mut self.release;
        while !samples.is_empty() {
            if r.offset == 0 && (r.over || r.depth < NEGLIGIBLE) {
                r.over = true;
                return;
            }
            let n = (BLOCK - r.offset).min(samples.len());
            let (block, rest) = samples.split_at_mut(n);
            for (s, p) in block.iter_mut().zip(&self.powers[r.offset..]) {
                *s = (f64::from(*s) * (1.0 - r.depth * p)) as f32;
            }
            r.offset += n;
            if r.offset == BLOCK {
                r.depth *= self.powers[BLOCK - 1];
                r.offset = 0;
            }
            samples = rest;
        }
    }

    /// The reduction of the last sample of the release so far.
    fn release_end(&self) -> f64 {
        let r = &self.release;
        match (r.over, r.offset) {
            (true, _) => 0.0,
            (false, 0) => r.depth,
            (false, j) => r.depth * self.powers[j - 1],
        }
    }
}
