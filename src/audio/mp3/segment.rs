//! One paragraph of the episode, encoded on its own as whole MP3 frames that can be joined
//! to its neighbours' without any encoder state crossing the seam.
//!
//! Every paragraph file starts and ends in digital silence far longer than the codec's
//! overlap between frames (about two frames), so a program can be cut at paragraph seams:
//! - [`padding`] lengthens a paragraph's tail so that at the episode rate it is exactly a
//!   whole number of frames;
//! - [`Encoder`] encodes it with the bit reservoir off (no frame borrows bits from a
//!   neighbour), after a silent pre-roll chosen so that the paragraph's first sample is the
//!   first sample of a decoded frame ([`pre_roll`]: from LAME's encoder delay and the
//!   decoder's), and keeps exactly the frames that decode to the paragraph.
//!
//! Joined in order, the segments decode to the program sample for sample in time: frame `n`
//! of the episode is the `n`-th frame's worth of program samples, with no delay to trim.

use std::collections::VecDeque;
use std::fmt;
use std::io::{Read, Write};

use mp3lame_encoder::MonoPcm;

use super::frame::{Header, Splitter, HEADER};
use super::lame::{self, failed};
use super::{Error, Format, Mpeg, CHUNK};

/// Samples a Layer III decoder's output lags its input by (its synthesis filterbank): 528,
/// plus one, as LAME's own frontend and ffmpeg count it when they skip a LAME file's delay.
pub const DECODER_DELAY: u32 = 529;

/// Bumped whenever the way a segment is encoded changes (pre-roll, frames kept, settings).
const RECIPE: u32 = 1;

/// What made a segment besides its audio and format: LAME's version and settings and this
/// module's recipe. A cached segment is valid only for the same string.
pub fn encoder_id() -> String {
    format!(
        "{}, no bit reservoir, segment recipe {RECIPE}",
        lame::version()
    )
}

/// A segment: whole frames of one format, and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Segment {
    pub format: Format,
    /// MP3 frames.
    pub frames: u64,
    /// Bytes of those frames.
    pub bytes: u64,
}

impl Segment {
    /// Samples the segment decodes to, at its sample rate.
    pub fn samples(&self) -> u64 {
        self.frames * u64::from(self.format.frame_len())
    }

    /// Reads a segment's frames from `reader` to the end, checking that it is whole frames
    /// of `format` and nothing else, and returns what it holds.
    pub fn scan(reader: impl Read, format: Format) -> Result<Segment, Error> {
        let mut splitter = Splitter::new(format);
        let mut segment = Segment {
            format,
            frames: 0,
            bytes: 0,
        };
        let mut reader = reader;
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let n = match reader.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::Io(e)),
            };
            splitter.push(&buffer[..n], |frame| {
                check_rate(frame, format, segment.bytes)?;
                segment.frames += 1;
                segment.bytes += frame.len() as u64;
                Ok(())
            })?;
        }
        if splitter.leftover() > 0 {
            return Err(Error::Stream {
                offset: segment.bytes,
                problem: "a frame cut short at the end",
            });
        }
        Ok(segment)
    }
}

/// A frame of another bit rate is not this stream's: CBR means every frame alike.
pub(super) fn check_rate(frame: &[u8], format: Format, offset: u64) -> Result<(), Error> {
    let head: [u8; HEADER] = frame[..HEADER].try_into().expect("a frame has a header");
    let kbps = Header::parse(head).map(|h| h.kbps);
    if kbps != Ok(format.kbps()) {
        return Err(Error::Stream {
            offset,
            problem: "another bit rate",
        });
    }
    Ok(())
}

/// Samples of silence to add to the tail of a paragraph of `len` samples at `from` Hz so
/// that at `to` Hz (an episode rate) its length, `(len + padding) * to / from`, is an exact
/// integer and a whole number of MP3 frames. The least such padding: less than
/// [`padding_step`] samples.
pub fn padding(len: u64, from: u32, to: u32) -> Result<u64, Error> {
    let step = padding_step(from, to)?;
    Ok(len.div_ceil(step) * step - len)
}

/// The paragraph lengths at `from` Hz that [`padding`] allows are the multiples of this:
/// the least length that is a whole number of samples and of frames at `to` Hz. For
/// 22,050 Hz to 44,100 Hz it is 576 samples (26 ms); for 16,000 or 24,000 Hz to 44,100 Hz,
/// whose ratios have large prime factors, 1.28 s.
pub fn padding_step(from: u32, to: u32) -> Result<u64, Error> {
    if from == 0 {
        return Err(Error::SourceRate { sample_rate: from });
    }
    let frame = u64::from(Mpeg::of(to)?.frame_len());
    let common = gcd(u64::from(from), u64::from(to));
    let (from, to) = (u64::from(from) / common, u64::from(to) / common);
    // `len` must be a multiple of `from` (an integer length), and `len / from * to` a
    // multiple of `frame`: `len / from` a multiple of `frame / gcd(frame, to)`.
    Ok(from * (frame / gcd(frame, to)))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Samples of silence to encode before a paragraph so that its first sample comes out of
/// a decoder as the first sample of a frame, for an encoder whose delay is
/// `encoder_delay` and frames of `frame_len` samples: `encoder_delay + DECODER_DELAY` plus
/// the pre-roll is a whole number of frames, the least that is.
pub fn pre_roll(encoder_delay: u32, frame_len: u32) -> u32 {
    let delay = encoder_delay + DECODER_DELAY;
    delay.div_ceil(frame_len) * frame_len - delay
}

/// Encodes one padded, resampled paragraph into its segment's frames, streaming: memory
/// stays one chunk of samples and a frame or two, however long the paragraph.
pub struct Encoder<W: Write> {
    format: Format,
    lame: mp3lame_encoder::Encoder,
    pre_roll: u32,
    splitter: Splitter,
    buffer: Vec<u8>,
    keeper: Keeper<W>,
}

impl<W: Write> fmt::Debug for Encoder<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("segment::Encoder")
            .field("format", &self.format)
            .field("pre_roll", &self.pre_roll)
            .field("samples", &self.keeper.samples)
            .finish_non_exhaustive()
    }
}

impl<W: Write> Encoder<W> {
    /// Opens LAME for `format` and encodes the pre-roll; frames go to `out`.
    pub fn new(out: W, format: Format) -> Result<Self, Error> {
        let lame = lame::open(format, lame::Stream::Segment)?;
        let frame_len = format.frame_len();
        let pre_roll = pre_roll(lame.delay, frame_len);
        let skip = (pre_roll + lame.delay + DECODER_DELAY) / frame_len;
        let mut encoder = Encoder {
            format,
            lame: lame.encoder,
            pre_roll,
            splitter: Splitter::new(format),
            buffer: Vec::new(),
            keeper: Keeper {
                out,
                frame_len: u64::from(frame_len),
                skip: u64::from(skip),
                seen: 0,
                samples: 0,
                held: VecDeque::new(),
                frames: 0,
                bytes: 0,
            },
        };
        encoder.encode(&vec![0.0; pre_roll as usize])?;
        Ok(encoder)
    }

    /// The silence encoded before the paragraph, in samples.
    pub fn pre_roll(&self) -> u32 {
        self.pre_roll
    }

    /// Encodes more of the paragraph.
    pub fn push(&mut self, samples: &[f32]) -> Result<(), Error> {
        self.keeper.samples += samples.len() as u64;
        self.encode(samples)
    }

    /// Encodes silence until the paragraph's last frame is out, and returns the segment
    /// and the output. The paragraph must be a whole number of frames (see [`padding`]).
    pub fn finish(mut self) -> Result<(Segment, W), Error> {
        let frame_len = self.keeper.frame_len;
        let samples = self.keeper.samples;
        if samples == 0 {
            return Err(Error::Empty);
        }
        if !samples.is_multiple_of(frame_len) {
            return Err(Error::NotWholeFrames {
                samples,
                frame_len: self.format.frame_len(),
            });
        }
        let wanted = samples / frame_len;
        let silence = vec![0.0; frame_len as usize];
        // The paragraph's last frame needs a little of what follows (the encoder's
        // look-ahead); a few frames of silence are always enough.
        for _ in 0..4 {
            if self.keeper.frames + self.keeper.held.len() as u64 >= wanted {
                break;
            }
            self.encode(&silence)?;
        }
        self.keeper.release()?;
        if self.keeper.frames != wanted {
            return Err(failed("flushing")(format!(
                "{} of {wanted} frames came out",
                self.keeper.frames
            )));
        }
        let segment = Segment {
            format: self.format,
            frames: self.keeper.frames,
            bytes: self.keeper.bytes,
        };
        Ok((segment, self.keeper.out))
    }

    fn encode(&mut self, samples: &[f32]) -> Result<(), Error> {
        for chunk in samples.chunks(CHUNK) {
            self.buffer.clear();
            self.buffer
                .reserve(mp3lame_encoder::max_required_buffer_size(chunk.len()));
            self.lame
                .encode_to_vec(MonoPcm(chunk), &mut self.buffer)
                .map_err(failed("encoding"))?;
            let keeper = &mut self.keeper;
            self.splitter
                .push(&self.buffer, |frame| keeper.frame(frame))?;
            keeper.release()?;
        }
        Ok(())
    }
}

/// Decides which of LAME's frames are the paragraph's, and writes those.
struct Keeper<W> {
    out: W,
    frame_len: u64,
    /// LAME frames before the paragraph's first: pre-roll and delays.
    skip: u64,
    /// LAME frames seen so far.
    seen: u64,
    /// Paragraph samples pushed so far.
    samples: u64,
    /// The paragraph's frames not written yet because the samples they decode to have not
    /// all been pushed (a frame that is past the paragraph's end is never written).
    held: VecDeque<Vec<u8>>,
    /// Frames and bytes written.
    frames: u64,
    bytes: u64,
}

impl<W: Write> Keeper<W> {
    fn frame(&mut self, frame: &[u8]) -> Result<(), Error> {
        self.seen += 1;
        if self.seen <= self.skip {
            Ok(())
        } else if self.held.is_empty() && self.frames < self.samples / self.frame_len {
            self.write(frame)
        } else {
            self.held.push_back(frame.to_vec());
            Ok(())
        }
    }

    fn write(&mut self, frame: &[u8]) -> Result<(), Error> {
        self.out.write_all(frame).map_err(Error::Io)?;
        self.frames += 1;
        self.bytes += frame.len() as u64;
        Ok(())
    }

    /// Writes the held frames that decode to samples already pushed.
    fn release(&mut self) -> Result<(), Error> {
        let inside = self.samples / self.frame_len;
        while self.frames < inside {
            let Some(frame) = self.held.pop_front() else {
                break;
            };
            self.write(&frame)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::mp3::SAMPLE_RATES;

    /// Whether `len` samples at `from` Hz are a whole number of samples and frames at `to`.
    fn whole(len: u64, from: u32, to: u32) -> bool {
        let frame = u64::from(Mpeg::of(to).expect("an episode rate").frame_len());
        let scaled = len * u64::from(to);
        scaled.is_multiple_of(u64::from(from)) && (scaled / u64::from(from)).is_multiple_of(frame)
    }

    #[test]
    fn padding_gives_whole_frames_at_the_episode_rate_for_every_rate_pair() {
        let engines = [8_000, 11_025, 16_000, 22_050, 24_000, 44_100, 48_000];
        for from in engines {
            for to in SAMPLE_RATES {
                let step = padding_step(from, to).expect("a step");
                for len in [0, 1, 575, 576, 1_151, 1_152, 2_645, 20_479, 5_513, 987_654] {
                    let pad = padding(len, from, to).expect("padding");
                    assert!(pad < step, "{from} to {to}, {len}: {pad} >= {step}");
                    assert!(whole(len + pad, from, to), "{from} to {to}, {len} + {pad}");
                }
                // The least padding: no shorter tail gives whole frames.
                for len in (1..=step).step_by((step / 50).max(1) as usize) {
                    let pad = padding(len, from, to).expect("padding");
                    assert!(
                        (0..pad).all(|p| !whole(len + p, from, to)),
                        "{from} to {to}, {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn awkward_rate_pairs_have_the_expected_steps() {
        // 22,050 to 48,000 Hz: 147 input samples are 320 output ones, and 18 x 320 = 5 frames.
        assert_eq!(padding_step(22_050, 48_000).ok(), Some(2_646));
        // 16,000 or 24,000 to 44,100 Hz: 441 and 147 share only 9 and 3 with 1152: 1.28 s.
        assert_eq!(padding_step(16_000, 44_100).ok(), Some(20_480));
        assert_eq!(padding_step(24_000, 44_100).ok(), Some(30_720));
        assert_eq!(padding_step(22_050, 44_100).ok(), Some(576));
        assert_eq!(padding_step(22_050, 22_050).ok(), Some(576));
        assert_eq!(padding_step(44_100, 44_100).ok(), Some(1_152));
        assert_eq!(padding(5_000, 22_050, 48_000).ok(), Some(2 * 2_646 - 5_000));
        assert!(matches!(
            padding(5, 0, 44_100),
            Err(Error::SourceRate { .. })
        ));
        assert!(matches!(
            padding(5, 22_050, 96_000),
            Err(Error::SampleRate { .. })
        ));
    }

    #[test]
    fn the_encoder_id_names_lame_and_its_settings() {
        let id = encoder_id();
        assert!(id.starts_with("LAME 3.100 q7, no bit reservoir"), "{id}");
        assert!(id.ends_with(&format!("recipe {RECIPE}")), "{id}");
    }

    #[test]
    fn the_pre_roll_completes_the_delays_to_whole_frames() {
        // LAME 3.100's 576 samples and the decoder's 529: 1105, 47 short of a 1152 frame
        // and 47 short of two 576 frames.
        assert_eq!(pre_roll(576, 1_152), 47);
        assert_eq!(pre_roll(576, 576), 47);
        assert_eq!(pre_roll(623, 1_152), 0);
        assert_eq!(pre_roll(624, 1_152), 1_151);
        for delay in 0..3_000 {
            for frame in [576, 1_152] {
                let p = pre_roll(delay, frame);
                assert!(p < frame && (p + delay + DECODER_DELAY).is_multiple_of(frame));
            }
        }
    }
}
