//! Decoding a segment back to samples, to measure the loudness listeners hear: the MP3's
//! low-pass and quantization change it (a 64 kbps episode measures about 0.5 LU under its
//! paragraph files). Symphonia's pure-Rust MP3 decoder, fed the frames [`Splitter`] cuts.
//!
//! A segment decodes on its own as it does inside the episode: it holds no reservoir bits
//! of its neighbours, and the decoder's overlap with the frame before is the silence that
//! ends every paragraph. The decoder's output lags by [`super::segment::DECODER_DELAY`]
//! samples, which does not change a loudness.

use std::io::Read;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CodecParameters, Decoder, DecoderOptions, CODEC_TYPE_MP3};
use symphonia::core::formats::Packet;
use symphonia::default::codecs::MpaDecoder;

use super::frame::Splitter;
use super::{Error, Format};

/// The mono samples (full scale 1.0) of the MP3 frames of `format` read from `reader`.
pub fn decode(mut reader: impl Read, format: Format) -> Result<Vec<f32>, Error> {
    let failed = |e: symphonia::core::errors::Error| Error::Decode(e.to_string());
    let mut params = CodecParameters::new();
    params
        .for_codec(CODEC_TYPE_MP3)
        .with_sample_rate(format.sample_rate());
    let mut decoder = MpaDecoder::try_new(&params, &DecoderOptions::default()).map_err(failed)?;
    let mut samples = Vec::new();
    let mut buffer: Option<SampleBuffer<f32>> = None;
    let mut splitter = Splitter::new(format);
    let mut chunk = vec![0; 64 * 1024];
    let mut ts = 0;
    loop {
        let n = reader
            .read(&mut chunk)
            .map_err(|e| Error::Decode(e.to_string()))?;
        if n == 0 {
            break;
        }
        splitter.push(&chunk[..n], |frame| {
            let packet = Packet::new_from_slice(0, ts, u64::from(format.frame_len()), frame);
            ts += u64::from(format.frame_len());
            let decoded = decoder.decode(&packet).map_err(failed)?;
            let buffer = buffer.get_or_insert_with(|| {
                SampleBuffer::new(decoded.capacity() as u64, *decoded.spec())
            });
            buffer.copy_interleaved_ref(decoded);
            samples.extend_from_slice(buffer.samples());
            Ok(())
        })?;
    }
    Ok(samples)
}
