//! Sample-rate conversion from the engine's rate to the episode's.
//!
//! espeak-ng speaks at 22,050 Hz, while podcast players and hosts expect 44,100 or 48,000 Hz.
//! Conversion uses rubato's synchronous FFT resampler (band-limited, so no aliasing and no
//! images above the source's Nyquist frequency) rather than a hand-rolled interpolator. The
//! resampler's delay is trimmed and the length fixed to `round(len * to / from)`, so a time
//! in the source is the same time in the result: chapter marks stay exact.
//!
//! [`Stream`] does it piece by piece, so that a paragraph of hours needs memory for one
//! chunk only. It feeds rubato fixed chunks whatever the pieces it is given, so the output
//! is the same, bit for bit, however the caller cuts the input, and the same as
//! [`resample`]'s on the whole buffer.

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

/// Why a buffer could not be resampled.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("a sample rate must be above zero (asked {from} Hz to {to} Hz)")]
    ZeroRate { from: u32, to: u32 },
    #[error("cannot resample {from} Hz to {to} Hz: {message}")]
    Resampler { from: u32, to: u32, message: String },
}

/// Frames per FFT chunk: long enough for a sharp anti-aliasing filter, short enough to keep
/// the delay (trimmed anyway) and memory small.
const CHUNK: usize = 1024;

/// A chunk of about [`CHUNK`] input frames that is a whole number of the rates' smallest
/// common block and even: with an odd FFT block rubato's reported delay is half an input
/// sample short (seen with rubato 5.1, 22,050 to 48,000 Hz), which would shift the output.
fn chunk_size(from: u32, to: u32) -> usize {
    let (from, to) = (from as usize, to as usize);
    let block = from / gcd(from, to);
    let blocks = CHUNK.div_ceil(block);
    let blocks = if block % 2 == 1 && blocks % 2 == 1 {
        blocks + 1
    } else {
        blocks
    };
    blocks * block
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The length of `len` samples at `from` Hz once converted to `to` Hz, rounded to the nearest
/// sample. [`resample`] returns exactly this many.
pub fn resampled_len(len: usize, from: u32, to: u32) -> usize {
    if from == 0 {
        return 0;
    }
    let scaled = len as u128 * u128::from(to);
    let from = u128::from(from);
    ((scaled + from / 2) / from) as usize
}

/// Convert mono `samples` from `from` Hz to `to` Hz. Equal rates return a copy.
pub fn resample(samples: &[f32], from: u32, to: u32) -> Result<Vec<f32>, Error> {
    let mut stream = Stream::new(from, to)?;
    let mut output = Vec::with_capacity(resampled_len(samples.len(), from, to));
    stream.push(samples, &mut output)?;
    stream.finish(&mut output)?;
    Ok(output)
}

/// A resampler fed piece by piece; see the module docs. Output arrives a chunk behind the
/// input, and [`Stream::finish`] gives the rest: [`resampled_len`] samples in all.
pub struct Stream {
    from: u32,
    to: u32,
    /// `None` when the rates are equal: samples pass through.
    fft: Option<Fft<f32>>,
    /// Input waiting for a whole chunk.
    pending: Vec<f32>,
    /// One chunk of output.
    scratch: Vec<f32>,
    /// Output samples of start-up delay still to drop.
    delay: usize,
    /// Input samples pushed, and output samples given.
    taken: u64,
    given: u64,
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("resample::Stream")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("taken", &self.taken)
            .field("given", &self.given)
            .finish_non_exhaustive()
    }
}

impl Stream {
    pub fn new(from: u32, to: u32) -> Result<Stream, Error> {
        if from == 0 || to == 0 {
            return Err(Error::ZeroRate { from, to });
        }
        let fft = if from == to {
            None
        } else {
            let fft = Fft::<f32>::new(
                from as usize,
                to as usize,
                chunk_size(from, to),
                1,
                FixedSync::Both,
            )
            .map_err(|e| Error::Resampler {
                from,
                to,
                message: e.to_string(),
            })?;
            Some(fft)
        };
        let (chunk_in, chunk_out, delay) = fft.as_ref().map_or((0, 0, 0), |f| {
            (
                f.input_frames_next(),
                f.output_frames_next(),
                f.output_delay(),
            )
        });
        Ok(Stream {
            from,
            to,
            fft,
            pending: Vec::with_capacity(chunk_in),
            scratch: vec![0.0; chunk_out],
            delay,
            taken: 0,
            given: 0,
        })
    }

    /// Resamples `samples`, appending what is ready to `out`.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<f32>) -> Result<(), Error> {
        self.taken += samples.len() as u64;
        let Some(chunk) = self.fft.as_ref().map(|f| f.input_frames_next()) else {
            out.extend_from_slice(samples);
            self.given += samples.len() as u64;
            return Ok(());
        };
        let mut rest = samples;
        while !rest.is_empty() {
            let take = (chunk - self.pending.len()).min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() == chunk {
                self.process(out, usize::MAX)?;
            }
        }
        Ok(())
    }

    /// Resamples what is left, and returns the length of the whole output:
    /// [`resampled_len`] of the input's.
    pub fn finish(mut self, out: &mut Vec<f32>) -> Result<u64, Error> {
        let total = resampled_len(self.taken as usize, self.from, self.to) as u64;
        if let Some(chunk) = self.fft.as_ref().map(|f| f.input_frames_next()) {
            // The end of the input and then silence, until the delayed output is all out.
            while self.given < total {
                self.pending.resize(chunk, 0.0);
                self.process(out, (total - self.given) as usize)?;
            }
        }
        Ok(total)
    }

    /// Resamples the pending chunk and appends at most `limit` samples of it after the
    /// start-up delay.
    fn process(&mut self, out: &mut Vec<f32>, limit: usize) -> Result<(), Error> {
        let (from, to) = (self.from, self.to);
        let failed = |message: String| Error::Resampler { from, to, message };
        let fft = self.fft.as_mut().expect("only called when resampling");
        let input = InterleavedSlice::new(&self.pending[..], 1, self.pending.len())
            .map_err(|e| failed(e.to_string()))?;
        let frames = self.scratch.len();
        let mut output = InterleavedSlice::new_mut(&mut self.scratch[..], 1, frames)
            .map_err(|e| failed(e.to_string()))?;
        let (_, produced) = fft
            .process_into_buffer(&input, &mut output, None)
            .map_err(|e| failed(e.to_string()))?;
        self.pending.clear();
        let skip = self.delay.min(produced);
        self.delay -= skip;
        let ready = &self.scratch[skip..produced];
        let ready = &ready[..ready.len().min(limit)];
        out.extend_from_slice(ready);
        self.given += ready.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::TAU;

    fn sine(freq: f64, rate: u32, seconds: f64, amplitude: f64) -> Vec<f32> {
        (0..(f64::from(rate) * seconds) as usize)
            .map(|i| (amplitude * (TAU * freq * i as f64 / f64::from(rate)).sin()) as f32)
            .collect()
    }

    /// Amplitude of the `freq` component of `samples` (a single DFT bin, Hann-windowed).
    fn amplitude_at(samples: &[f32], rate: u32, freq: f64) -> f64 {
        let (re, im) = component(samples, rate, freq);
        (re * re + im * im).sqrt()
    }

    /// The `freq` component of `samples` as (cosine, sine) amplitudes.
    fn component(samples: &[f32], rate: u32, freq: f64) -> (f64, f64) {
        let n = samples.len() as f64;
        let (mut re, mut im, mut window_sum) = (0.0, 0.0, 0.0);
        for (i, &s) in samples.iter().enumerate() {
            let w = 0.5 - 0.5 * (TAU * i as f64 / n).cos();
            let phase = TAU * freq * i as f64 / f64::from(rate);
            re += f64::from(s) * w * phase.cos();
            im += f64::from(s) * w * phase.sin();
            window_sum += w;
        }
        (2.0 * re / window_sum, 2.0 * im / window_sum)
    }

    fn rms(samples: &[f32]) -> f64 {
        let energy: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
        (energy / samples.len() as f64).sqrt()
    }

    /// The middle of a buffer, away from the filter's edge effects.
    fn middle(samples: &[f32]) -> &[f32] {
        &samples[samples.len() / 4..samples.len() * 3 / 4]
    }

    #[test]
    fn length_is_exactly_the_rounded_ratio() {
        for len in [1, 2, 7, 1000, 22_050, 22_051, 100_003] {
            let input = vec![0.1f32; len];
            for to in [44_100, 48_000, 16_000] {
                let output = resample(&input, 22_050, to).expect("resample");
                let exact = (len as f64 * f64::from(to) / 22_050.0).round() as usize;
                assert_eq!(output.len(), exact, "{len} samples to {to} Hz");
            }
        }
    }

    #[test]
    fn equal_rates_and_empty_input_pass_through() {
        let input = sine(440.0, 22_050, 0.1, 0.5);
        assert_eq!(resample(&input, 22_050, 22_050).expect("same"), input);
        assert!(resample(&[], 22_050, 44_100).expect("empty").is_empty());
        assert!(matches!(
            resample(&input, 0, 44_100),
            Err(Error::ZeroRate { .. })
        ));
    }

    #[test]
    fn a_sine_keeps_its_frequency_amplitude_and_timing() {
        let input = sine(1000.0, 22_050, 2.0, 0.5);
        for to in [44_100, 48_000, 32_000, 16_000] {
            let output = resample(&input, 22_050, to).expect("resample");
            let gain_db = 20.0 * (rms(middle(&output)) / rms(middle(&input))).log10();
            assert!(
                gain_db.abs() < 0.5,
                "{to} Hz: level changed {gain_db:.2} dB"
            );
            // Timing: the delay was trimmed, so the output is in phase with the ideal sine at
            // the new rate, to well under one output sample.
            let ideal = sine(1000.0, to, 2.0, 0.5);
            let (a, b) = component(middle(&output), to, 1000.0);
            let (c, d) = component(middle(&ideal), to, 1000.0);
            let shift = (b.atan2(a) - d.atan2(c)) / (TAU * 1000.0);
            let one_sample = 1.0 / f64::from(to);
            assert!(
                shift.abs() < one_sample,
                "{to} Hz: shifted by {:.1} us",
                shift * 1e6
            );
            let at_1k = amplitude_at(middle(&output), to, 1000.0);
            let at_1k5 = amplitude_at(middle(&output), to, 1500.0);
            assert!((at_1k - 0.5).abs() < 0.03, "{at_1k}");
            assert!(at_1k5 < 1e-3, "{at_1k5}");
        }
    }

    #[test]
    fn a_stream_gives_the_same_samples_however_it_is_fed() {
        let input = sine(440.0, 22_050, 1.3, 0.5);
        for (from, to) in [
            (22_050, 48_000),
            (22_050, 44_100),
            (16_000, 44_100),
            (24_000, 22_050),
        ] {
            let whole = resample(&input, from, to).expect("whole");
            for piece in [1, 77, 1024, 5_000, input.len()] {
                let mut stream = Stream::new(from, to).expect("stream");
                let mut output = Vec::new();
                for chunk in input.chunks(piece) {
                    stream.push(chunk, &mut output).expect("push");
                    // Output never runs ahead of the input.
                    let so_far = resampled_len(stream.taken as usize, from, to);
                    assert!(output.len() <= so_far, "{from} to {to}, pieces of {piece}");
                }
                let total = stream.finish(&mut output).expect("finish");
                assert_eq!(total as usize, output.len());
                let same = output
                    .iter()
                    .zip(&whole)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(
                    same && output.len() == whole.len(),
                    "{from} to {to}, pieces of {piece}"
                );
            }
        }
    }

    #[test]
    fn a_padded_paragraph_resamples_to_exactly_len_times_to_over_from() {
        // 2,646 samples at 22,050 Hz are 5,760 at 48,000 Hz: five MP3 frames.
        for (from, to, unit) in [
            (22_050, 48_000, 2_646),
            (16_000, 44_100, 20_480),
            (24_000, 44_100, 30_720),
        ] {
            let input = vec![0.25f32; unit * 3];
            let output = resample(&input, from, to).expect("resample");
            assert_eq!(
                output.len() as u64 * u64::from(from),
                input.len() as u64 * u64::from(to)
            );
        }
    }

    #[test]
    fn equal_rates_stream_through_untouched() {
        let input = sine(440.0, 24_000, 0.1, 0.5);
        let mut stream = Stream::new(24_000, 24_000).expect("stream");
        let mut output = Vec::new();
        for chunk in input.chunks(100) {
            stream.push(chunk, &mut output).expect("push");
        }
        assert_eq!(
            stream.finish(&mut output).expect("finish"),
            input.len() as u64
        );
        assert_eq!(output, input);
    }

    #[test]
    fn chunks_are_even_whole_blocks() {
        for (from, to) in [
            (22_050, 48_000),
            (22_050, 44_100),
            (22_050, 32_000),
            (8_000, 44_100),
        ] {
            let chunk = chunk_size(from, to);
            let block = from as usize / gcd(from as usize, to as usize);
            assert_eq!(chunk % 2, 0, "{from} to {to}");
            assert_eq!(chunk % block, 0, "{from} to {to}");
        }
    }

    #[test]
    fn upsampling_creates_no_images_above_the_source_nyquist() {
        let input = sine(10_000.0, 22_050, 1.0, 0.5);
        for to in [44_100, 48_000] {
            let output = resample(&input, 22_050, to).expect("resample");
            let signal = amplitude_at(middle(&output), to, 10_000.0);
            // A naive upsampler mirrors 10 kHz around 11,025 Hz to 12,050 Hz.
            let image = amplitude_at(middle(&output), to, 12_050.0);
            let ratio_db = 20.0 * (image / signal).log10();
            assert!(signal > 0.3, "{to} Hz: 10 kHz fell to {signal}");
            assert!(ratio_db < -60.0, "{to} Hz: image at {ratio_db:.1} dB");
        }
    }
}
