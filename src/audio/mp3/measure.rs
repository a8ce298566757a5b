//! What ACX checks, measured on a written MP3 file rather than on what went into it: the
//! frames' format as their headers say it, and the levels of the audio decoded back.
//!
//! The levels are measured the way ACX Check (the Audacity plug-in ACX points to) measures
//! them: RMS over the whole file and the greatest sample, in dB of full scale with no
//! weighting, and the noise floor as the RMS of the quietest 500 ms. Room tone is the
//! silence before the first and after the last sample above -60 dB (ffmpeg's
//! `silencedetect=noise=-60dB` finds the same stretches).

use std::collections::BTreeSet;

use super::decode::decode;
use super::frame::{Header, Splitter, HEADER};
use super::segment::DECODER_DELAY;
use super::{Error, Format};

/// The window of the noise floor, in seconds.
const NOISE_WINDOW: f64 = 0.5;
/// The level under which a sample counts as room tone, in dB of full scale.
pub const SILENCE_DB: f64 = -60.0;

/// An MP3 file, measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Measured {
    pub sample_rate: u32,
    /// 1 for a mono stream, 2 for any stereo mode.
    pub channels: u32,
    /// The bit rates of the audio frames (one: a constant bit rate), kbps.
    pub kbps: BTreeSet<u32>,
    /// Audio frames (an Info frame not counted).
    pub frames: u64,
    /// Seconds of audio.
    pub seconds: f64,
    /// RMS of the whole file, dB of full scale (minus infinity for digital silence).
    pub rms_db: f64,
    /// The greatest sample, dB of full scale.
    pub peak_db: f64,
    /// RMS of the quietest 500 ms, dB of full scale.
    pub noise_floor_db: f64,
    /// Seconds of silence (under [`SILENCE_DB`]) at the start and at the end.
    pub head: f64,
    pub tail: f64,
}

/// Measures the MP3 file `bytes`: an optional ID3v2 tag, an optional Info or Xing frame,
/// then Layer III frames of one sample rate.
pub fn measure(bytes: &[u8]) -> Result<Measured, Error> {
    let audio = bytes.get(tag_len(bytes)..).unwrap_or_default();
    let first: [u8; HEADER] =
        audio
            .get(..HEADER)
            .and_then(|b| b.try_into().ok())
            .ok_or(Error::Stream {
                offset: 0,
                problem: "no MP3 frame",
            })?;
    let header = Header::parse(first).map_err(|problem| Error::Stream { offset: 0, problem })?;
    let format = Format::new(header.sample_rate, header.kbps)?;
    let mut kbps = BTreeSet::new();
    let mut stereo = false;
    let mut frames = Vec::new();
    let mut index = 0usize;
    let mut count = 0u64;
    Splitter::new(format).push(audio, |frame| {
        let info = index == 0 && is_info(frame, format);
        index += 1;
        if !info {
            let head: [u8; HEADER] = frame[..HEADER].try_into().expect("a whole frame");
            let header =
                Header::parse(head).map_err(|problem| Error::Stream { offset: 0, problem })?;
            kbps.insert(header.kbps);
            stereo |= frame[3] >> 6 != 3;
            frames.extend_from_slice(frame);
            count += 1;
        }
        Ok(())
    })?;
    let decoded = decode(frames.as_slice(), format)?;
    // The decoder's output lags by its delay: the program starts that much later.
    let samples = decoded.get(DECODER_DELAY as usize..).unwrap_or_default();
    let rate = f64::from(format.sample_rate());
    let (head, tail) = room_tone(samples);
    Ok(Measured {
        sample_rate: format.sample_rate(),
        channels: if stereo { 2 } else { 1 },
        kbps,
        frames: count,
        seconds: decoded.len() as f64 / rate,
        rms_db: db(rms(samples)),
        peak_db: db(samples.iter().fold(0f32, |m, s| m.max(s.abs())).into()),
        noise_floor_db: db(quietest(samples, (NOISE_WINDOW * rate) as usize)),
        head: head as f64 / rate,
        tail: tail as f64 / rate,
    })
}

/// Bytes of the ID3v2 tag at the start of `bytes` (0 without one).
fn tag_len(bytes: &[u8]) -> usize {
    match bytes {
        [b'I', b'D', b'3', _, _, flags, a, b, c, d, ..] => {
            let size = [a, b, c, d]
                .iter()
                .fold(0usize, |n, &&byte| (n << 7) | usize::from(byte & 0x7F));
            let footer = if flags & 0x10 != 0 { 10 } else { 0 };
            10 + size + footer
        }
        _ => 0,
    }
}

/// Whether `frame` is an Info or Xing frame (where a mono frame's side information ends).
fn is_info(frame: &[u8], format: Format) -> bool {
    let at = HEADER + format.mpeg().mono_side_info();
    matches!(frame.get(at..at + 4), Some(b"Info" | b"Xing"))
}

fn rms(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len() as f64).sqrt()
}

/// The RMS of the quietest `window` samples (of the whole when it is shorter), in steps of
/// a tenth of the window.
fn quietest(samples: &[f32], window: usize) -> f64 {
    let window = window.clamp(1, samples.len().max(1));
    let mut sums = Vec::with_capacity(samples.len() + 1);
    sums.push(0f64);
    for &s in samples {
        let last = *sums.last().expect("one sum at least");
        sums.push(last + f64::from(s) * f64::from(s));
    }
    if samples.len() <= window {
        return rms(samples);
    }
    let step = (window / 10).max(1);
    (0..=samples.len() - window)
        .step_by(step)
        .map(|at| ((sums[at + window] - sums[at]).max(0.0) / window as f64).sqrt())
        .fold(f64::INFINITY, f64::min)
}

/// Samples of silence (under [`SILENCE_DB`]) at the start and at the end of `samples`.
fn room_tone(samples: &[f32]) -> (usize, usize) {
    let threshold = 10f32.powf(SILENCE_DB as f32 / 20.0);
    let loud = |s: &f32| s.abs() > threshold;
    match samples.iter().position(loud) {
        Some(first) => {
            let last = samples.iter().rposition(loud).expect("a loud sample");
            (first, samples.len() - 1 - last)
        }
        None => (samples.len(), samples.len()),
    }
}

/// `amplitude` in dB of full scale.
fn db(amplitude: f64) -> f64 {
    20.0 * amplitude.log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_floor_is_the_quietest_half_second() {
        // One second at half scale, half a second at a thousandth, one second at half.
        let mut samples = vec![0.5f32; 1000];
        samples.extend(vec![0.001f32; 500]);
        samples.extend(vec![0.5f32; 1000]);
        assert!((db(quietest(&samples, 500)) - -60.0).abs() < 0.01);
        assert!((db(quietest(&samples, 600)) - -60.0).abs() > 1.0);
        assert_eq!(room_tone(&[0.0, 0.0, 0.5, 0.0002, 0.5, 0.0]), (2, 1));
    }

    #[test]
    fn an_id3_tag_is_skipped_by_its_size() {
        let tag = [b'I', b'D', b'3', 3, 0, 0, 0, 0, 1, 2];
        assert_eq!(tag_len(&tag), 10 + 128 + 2);
        assert_eq!(tag_len(b"\xFF\xFB"), 0);
    }
}
