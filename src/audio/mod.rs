//! PCM buffers: joining sentence audio into a paragraph with pauses and fades (in memory, or
//! in a [`spool::Spool`] that spills a very long paragraph to disk), and WAV files.
//!
//! Audio is handled as `f32` in [-1, 1] between the engine and the file so that gain
//! (loudness) and fades do not round twice; files are 16-bit PCM.

pub mod episode;
pub mod loudness;
pub mod mp3;
pub mod resample;
pub mod spool;
pub mod wav;
pub mod wav64;

use std::time::Duration;

/// Frames in `d` at `rate` Hz, rounded to the nearest frame.
pub fn frames(d: Duration, rate: u32) -> u64 {
    ((d.as_nanos() * u128::from(rate) + 500_000_000) / 1_000_000_000) as u64
}

/// The exact length of `frames` at `rate` Hz.
pub fn duration(frames: u64, rate: u32) -> Duration {
    Duration::from_nanos(((u128::from(frames) * 1_000_000_000) / u128::from(rate.max(1))) as u64)
}

/// 16-bit sample to float.
pub fn to_f32(s: i16) -> f32 {
    f32::from(s) / 32768.0
}

/// Float sample to 16-bit, rounded (halves away from zero) and clamped; NaN is 0.
///
/// The same as `(s * 32768.0).round()`, without the call to the C library's `roundf` that
/// the baseline x86-64 target makes of it (a WAV write converts every sample): the integer
/// part comes from a truncating cast, and the fraction left over is exact in `f32`.
pub fn to_i16(s: f32) -> i16 {
    let x = s * 32768.0;
    let whole = x as i32;
    let fraction = x - whole as f32;
    let rounded = if fraction >= 0.5 {
        whole.saturating_add(1)
    } else if fraction <= -0.5 {
        whole.saturating_sub(1)
    } else {
        whole
    };
    rounded.clamp(-32768, 32767) as i16
}

/// Fades `piece` in over its first `n` samples and out over its last `n` (at most half of
/// it each), so that joins never click.
pub fn fade_ends(piece: &mut [f32], n: usize) {
    let n = n.min(piece.len() / 2);
    for i in 0..n {
        let g = i as f32 / n as f32;
        piece[i] *= g;
        let j = piece.len() - 1 - i;
        piece[j] *= g;
    }
}

/// Mono audio at one sample rate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pcm {
    pub samples: Vec<f32>,
    pub rate: u32,
}

impl Pcm {
    pub fn new(rate: u32) -> Pcm {
        Pcm {
            samples: Vec::new(),
            rate,
        }
    }

    /// Length in frames.
    pub fn frames(&self) -> u64 {
        self.samples.len() as u64
    }

    pub fn duration(&self) -> Duration {
        duration(self.frames(), self.rate)
    }

    /// Appends `d` of silence.
    pub fn push_silence(&mut self, d: Duration) {
        let n = frames(d, self.rate) as usize;
        self.samples.resize(self.samples.len() + n, 0.0);
    }

    /// Appends a piece of speech with short fades at both ends, so that joins never click.
    /// Returns the frame range it occupies.
    pub fn push_speech(&mut self, speech: &[i16], fade: Duration) -> std::ops::Range<u64> {
        let start = self.samples.len();
        self.samples.extend(speech.iter().map(|&s| to_f32(s)));
        fade_ends(&mut self.samples[start..], frames(fade, self.rate) as usize);
        start as u64..self.samples.len() as u64
    }

    /// Peak absolute sample.
    pub fn peak(&self) -> f32 {
        self.samples.iter().fold(0.0, |m, s| m.max(s.abs()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_i16_rounds_as_round_does() {
        let reference = |s: f32| (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
        // Every half way point between two samples and its neighbours, over the whole range
        // and past it.
        let halves = (-33_000..33_000).flat_map(|n| {
            let x = (n as f32 + 0.5) / 32768.0;
            [x.next_down(), x, x.next_up()]
        });
        // A spread of every magnitude, both signs.
        let spread = (0..u32::MAX / 4_001)
            .map(|i| f32::from_bits(i * 4_001))
            .flat_map(|x| [x, -x]);
        let special = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            2.0,
            -2.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
        ];
        for s in halves.chain(spread).chain(special) {
            assert_eq!(to_i16(s), reference(s), "{s:e}");
        }
        assert_eq!(to_i16(f32::NAN), 0);
    }

    #[test]
    fn frames_and_duration_round_trip() {
        assert_eq!(frames(Duration::from_millis(300), 22050), 6615);
        assert_eq!(duration(22050, 22050), Duration::from_secs(1));
        assert_eq!(duration(6615, 22050), Duration::from_millis(300));
    }

    #[test]
    fn speech_is_faded_at_both_ends() {
        let mut pcm = Pcm::new(1000);
        pcm.push_silence(Duration::from_millis(5));
        let range = pcm.push_speech(&[16384; 100], Duration::from_millis(10));
        assert_eq!(range, 5..105);
        assert_eq!(pcm.samples[5], 0.0, "first sample of a piece is silent");
        assert!(pcm.samples[104] < 0.06, "last sample fades out");
        assert_eq!(pcm.samples[50], 0.5, "the middle is untouched");
        assert_eq!(pcm.frames(), 105);
    }

    #[test]
    fn sample_conversion_clamps() {
        assert_eq!(to_i16(2.0), 32767);
        assert_eq!(to_i16(-2.0), -32768);
        assert_eq!(to_i16(to_f32(-1234)), -1234);
    }
}
