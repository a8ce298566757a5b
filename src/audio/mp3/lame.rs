//! LAME, configured for this project: mono, CBR, the input's own sample rate.
//!
//! Two settings are not in `mp3lame-encoder`'s builder and are set through its raw handle
//! (`mp3lame_encoder::ffi`, the `mp3lame-sys` bindings): the bit rate, because the
//! builder's enum has no 56 or 144 kbps, and turning the bit reservoir off, which a
//! segment needs so that no frame borrows bits from a neighbour that another segment
//! replaces. The encoder delay is read back the same way.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Mutex;

use mp3lame_encoder::{ffi, Builder, Mode, Quality, VbrMode};

use super::{Error, Format};

/// LAME's algorithm quality, `-q 7` ("fast, ok quality"). On this project's speech it
/// encodes 3 to 4 times faster than `-q 2` (4.5 minutes: about 1.4 s instead of 4 to 5 s)
/// and the decoded waveform is as close to the source (SNR 25 dB vs 23 dB at `-q 5`, 64 kbps);
/// the psychoacoustic refinements of the slower settings matter for music, not for a
/// synthetic voice at podcast bit rates.
const QUALITY: Quality = Quality::Ok;

/// Held while LAME is initialized.
static INIT: Mutex<()> = Mutex::new(());

/// How the encoder's output will be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stream {
    /// One encode of the whole program: bit reservoir on, LAME's Info frame (with its delay
    /// and padding) reserved in front.
    Continuous,
    /// One paragraph of a program cut at frame boundaries: bit reservoir off, no Info frame.
    Segment,
}

/// An encoder and what it says about itself.
pub(super) struct Lame {
    pub encoder: mp3lame_encoder::Encoder,
    /// Samples of silence LAME puts before the first input sample (`lame_get_encoder_delay`).
    pub delay: u32,
}

impl fmt::Debug for Lame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lame")
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

/// Opens LAME for `format`, used as `stream` says.
pub(super) fn open(format: Format, stream: Stream) -> Result<Lame, Error> {
    let configuring = "being configured";
    // lame_init fills a table shared by every encoder in the process, guarded by a plain
    // flag: segments are encoded on several threads, so one thread at a time starts one.
    let builder = {
        let _once = INIT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Builder::new()
    };
    let mut builder = builder.ok_or_else(|| failed(configuring)("out of memory"))?;
    builder.set_num_channels(1).map_err(failed(configuring))?;
    builder
        .set_sample_rate(format.sample_rate())
        .map_err(failed(configuring))?;
    builder
        .set_output_sample_rate(NonZeroU32::new(format.sample_rate()))
        .map_err(failed(configuring))?;
    builder.set_mode(Mode::Mono).map_err(failed(configuring))?;
    builder
        .set_vbr_mode(VbrMode::Off)
        .map_err(failed(configuring))?;
    builder.set_quality(QUALITY).map_err(failed(configuring))?;
    builder
        .set_to_write_vbr_tag(stream == Stream::Continuous)
        .map_err(failed(configuring))?;
    let kbps = i32::try_from(format.kbps()).map_err(failed(configuring))?;
    let no_reservoir = i32::from(stream == Stream::Segment);
    // SAFETY: the pointer is the builder's live LAME handle; the setters only store an int.
    let ptr = unsafe { builder.as_ptr() };
    let status = unsafe {
        ffi::lame_set_brate(ptr, kbps) | ffi::lame_set_disable_reservoir(ptr, no_reservoir)
    };
    if status != 0 {
        return Err(failed(configuring)(format!("status {status}")));
    }
    let encoder = builder.build().map_err(failed(configuring))?;
    // SAFETY: `build` succeeded, so the handle now belongs to `encoder`, which is alive; the
    // getters only read from it.
    let (delay, frame_len) = unsafe {
        (
            ffi::lame_get_encoder_delay(ptr),
            ffi::lame_get_framesize(ptr),
        )
    };
    if u32::try_from(frame_len).ok() != Some(format.frame_len()) {
        return Err(failed(configuring)(format!(
            "{frame_len}-sample frames at {} Hz",
            format.sample_rate()
        )));
    }
    let delay = u32::try_from(delay).map_err(failed(configuring))?;
    Ok(Lame { encoder, delay })
}

/// LAME's version and the settings it runs with, for a cache key: a segment made by another
/// encoder or with other settings is another segment.
pub(super) fn version() -> String {
    format!(
        "LAME {} q{}",
        mp3lame_encoder::mp3lame_version(),
        QUALITY as u8
    )
}

/// Turns a LAME error into ours, saying what was being done.
pub(super) fn failed<E: fmt::Display>(doing: &'static str) -> impl Fn(E) -> Error {
    move |e| Error::Encoder {
        doing,
        message: e.to_string(),
    }
}
